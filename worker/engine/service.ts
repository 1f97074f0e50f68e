import { performance } from 'node:perf_hooks';
import { and, eq, gt, inArray, lte } from 'drizzle-orm';
import { events, tracks, type AnalysisJob, type AnalysisWaiter } from '@/drizzle/schema';
import { requestAnalysis } from '@/server/analysis/jobs';
import { ANALYSIS_PRIORITY } from '@/server/analysis/schemas';
import type { AppContext } from '@/server/context';
import { writeTx } from '@/server/db/tx';
import { lookupTrackInfo } from '@/server/engine/track-info';
import { ENGINE_ERRORS, classifyFrame, echoId, errorReply, type EngineEvent, type GetTrackInfo, type StemsReadyMessage } from '@/server/engine/protocol';
import { appendEvent, latestEventId } from '@/server/events/outbox';
import { removeUserCue, setUserCue } from '@/server/hotcues/hot-cues';
import { LatencyHistogram } from '@/server/ops/prometheus';
import { recordPlay, setPlayDuration } from '@/server/sessions/plays';
import type { Components } from '../components';
import { Supervisor } from '../supervise';
import type { AnalysisService } from '../analysis/service';
import { EngineLink, probeEngine, type LinkState } from './link';

interface Deck {
  trackId: string;
  /** Confirmed by `trackLoaded` (not just requested). */
  loaded: boolean;
  since: number;
  /** The session entry of this play, to close its duration when the deck changes. */
  entryId?: number;
  audioHash?: string | null;
}

interface Pending {
  message: object;
  trackId: string;
  deck?: string;
  at: number;
}

/** Deferred messages without a deck stay worth sending this long after the request. */
const PENDING_TTL_MS = 10 * 60_000;

export type EngineControlAction = 'start' | 'stop' | 'restart' | 'reconnect';

/**
 * The worker's side of the audio engine (PROTOCOLS.md §A2): answers `getTrackInfo` from indexed
 * queries, defers track info and stems until the analysis delivers them, follows decks, logs plays
 * to the DJ session, keeps the DJ's cues in step both ways, and optionally runs the engine itself.
 */
export class AudioEngineService {
  readonly link: EngineLink | undefined;
  readonly supervisor: Supervisor | undefined;
  readonly decks = new Map<string, Deck>();
  readonly latency = new LatencyHistogram();
  private _version: string | null = null;
  private _registered = false;
  private announcedUp: boolean | undefined;
  private readonly pending = new Map<string, Pending>();
  private cueTail: NodeJS.Timeout | undefined;
  private lastEventId = 0;
  private detail: string | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly components: Components,
    private readonly analysis: AnalysisService,
  ) {
    const env = ctx.env.audioEngine;
    if (env.url) {
      this.link = new EngineLink({
        url: env.url,
        token: env.token,
        reconnectDelayMs: env.reconnectDelayMs,
        maxReconnectDelayMs: env.maxReconnectDelayMs,
        pingIntervalMs: env.pingIntervalMs,
        log: ctx.log.child({ module: 'engine-link' }),
        onOpen: () => this.flushPending(),
        onFrame: (text) => this.onFrame(text),
        onState: (state, detail) => this.onLinkState(state, detail),
      });
    }
    if (env.url && env.autoStart && env.executablePath) {
      const url = env.url;
      this.supervisor = new Supervisor({
        name: 'audio-engine',
        command: env.executablePath,
        args: [],
        cwd: env.workingDir,
        env: () => ({ ...process.env }),
        ready: () => probeEngine(url, 3_000),
        startupTimeoutMs: env.startupTimeoutMs,
        log: ctx.log.child({ module: 'audio-engine' }),
        maxRestarts: env.autoRestart ? env.maxRestarts : 0,
        backoffMs: [2_000, 30_000],
        onState: (state) => {
          this.report();
          if (state === 'running') this.link?.reconnectNow();
        },
      });
    }
    analysis.stageListeners.add((job, stage) => this.onStage(job, stage));
  }

  /** The engine's version from its welcome, and whether it acknowledged us as the app server. */
  get version() {
    return this._version;
  }
  get registered() {
    return this._registered;
  }

  start() {
    this.report();
    if (!this.link) return;
    this.link.start();
    this.lastEventId = latestEventId(this.ctx.db);
    this.cueTail = setInterval(() => this.pushEditedCues(), 300);
    this.cueTail.unref();
    if (this.supervisor) void this.startEngineUnlessRunning();
  }

  /** Spawns the engine only when nothing answers at its address: never a second engine. */
  private async startEngineUnlessRunning() {
    if (await probeEngine(this.ctx.env.audioEngine.url!, 3_000)) {
      this.ctx.log.info('an audio engine already answers; not starting another');
      return;
    }
    await this.supervisor!.start();
  }

  async stop() {
    clearInterval(this.cueTail);
    await this.link?.stop();
    await this.supervisor?.stop();
  }

  async control(action: EngineControlAction) {
    if (!this.link) throw new Error('No audio engine is configured (AUDIO_SERVER_WS_URL)');
    const sup = this.supervisor;
    if (action === 'reconnect' || (action === 'restart' && !sup)) return this.link.reconnectNow();
    if (!sup) throw new Error('The audio engine is not started by Mismo Library (set AUDIO_SERVER_AUTO_START=true)');
    if (action === 'start') await this.startEngineUnlessRunning();
    else if (action === 'stop') await sup.stop();
    else await sup.restart();
  }

  // ---- state reporting ----

  private onLinkState(state: LinkState, detail?: string) {
    if (state !== 'connected') this._registered = false;
    this.detail = detail;
    // an event when the link comes or goes, not for every retry of an absent engine
    const up = state === 'connected';
    if (up !== this.announcedUp) {
      this.announcedUp = up;
      appendEvent(this.ctx.db, 'audio_engine:state', { state, version: this._version, ...(detail ? { detail } : {}) }, this.ctx.clock.now());
    }
    this.report();
  }

  /** The link's state for the heartbeat (header, System page, tRPC status, metrics). */
  report() {
    const sup = this.supervisor?.status;
    this.components.set('audioEngine', {
      state: this.link ? this.link.current : 'disabled',
      ...(this.detail ? { detail: this.detail } : {}),
      url: this.ctx.env.audioEngine.url ?? null,
      version: this._version,
      registered: this._registered,
      decks: Object.fromEntries([...this.decks].map(([d, v]) => [d, { trackId: v.trackId, loaded: v.loaded, since: v.since }])),
      latency: this.latency.snapshot(),
      supervisor: sup ? { state: sup.state, detail: sup.detail ?? null, pid: sup.pid, restarts: sup.restarts } : null,
    });
  }

  // ---- inbound ----

  private onFrame(text: string) {
    const started = performance.now();
    const f = classifyFrame(text);
    const log = this.ctx.log;
    try {
      switch (f.kind) {
        case 'getTrackInfo':
          this.getTrackInfo(f.request);
          this.latency.observe((performance.now() - started) / 1000);
          return;
        case 'event':
          return this.onEvent(f.event);
        case 'welcome':
          this._version = f.version;
          appendEvent(this.ctx.db, 'audio_engine:state', { state: 'connected', version: this._version }, this.ctx.clock.now());
          return this.report();
        case 'registered':
          this._registered = true;
          return this.report();
        case 'setCue':
          return this.onEvent({ event: 'cuePointSet', deck: f.deck, index: f.index, position: f.position, success: true });
        case 'badCommand':
          log.warn({ command: f.command, problem: f.problem }, 'malformed engine command');
          return void this.link!.send(
            errorReply(f.trackId, f.command === 'getTrackInfo' && typeof f.trackId !== 'string' ? ENGINE_ERRORS.missingTrackId : ENGINE_ERRORS.parse, f.requestId),
          );
        case 'unknownCommand':
          return void this.link!.send(errorReply('', ENGINE_ERRORS.unknownCommand(f.command), f.requestId));
        case 'missingCommand':
          return void this.link!.send(errorReply('', ENGINE_ERRORS.missingCommand, f.requestId));
        case 'reply':
          // an error or acknowledgement from the engine: logged, never answered (no echo loops)
          if (f.frame.success === false || 'error' in f.frame) log.warn({ frame: f.frame }, 'the engine reported an error');
          return;
        case 'badEvent':
          return log.warn({ event: f.name, problem: f.problem }, 'malformed engine event ignored');
        case 'ignoredEvent':
          return;
        case 'garbage':
          return log.warn({ problem: f.problem, sample: text.slice(0, 80) }, 'unreadable frame from the engine ignored');
      }
    } catch (e) {
      log.error({ err: e }, 'engine message failed');
      if (f.kind === 'getTrackInfo') this.link!.send(errorReply(f.request.trackId, ENGINE_ERRORS.internal, f.request.requestId));
    }
  }

  private getTrackInfo(req: GetTrackInfo) {
    const now = this.ctx.clock.now();
    if (req.deck && typeof req.trackId === 'string' && req.trackId && this.decks.get(req.deck)?.trackId !== req.trackId) {
      this.decks.set(req.deck, { trackId: req.trackId, loaded: false, since: now });
    }
    const r = lookupTrackInfo(this.ctx.db, req.trackId, req.requestId);
    if (r.ok) {
      this.link!.send(r.info);
      if (req.stems) this.stemsFor(r.info.trackId, r.audioHash, req, now);
      return;
    }
    if (!r.notAnalysed) return void this.link!.send(errorReply(r.trackId, r.error, req.requestId));
    if (!r.audioHash) {
      // not hashed yet: there is nothing to analyse by until the scan gets to it
      return void this.link!.send(errorReply(r.trackId, ENGINE_ERRORS.analysisFailedToStart, req.requestId));
    }
    const hash = r.audioHash;
    const waiter = { trackId: r.trackId, ...echoId(req.requestId), ...(req.deck ? { deck: req.deck } : {}), at: now };
    writeTx(this.ctx.db, (tx) => {
      requestAnalysis(
        tx,
        { audioHash: hash, stages: ['basic_features', 'characteristics'], priority: ANALYSIS_PRIORITY.engine, waiter: { type: 'engine_track_info', ...waiter } },
        now,
      );
      if (req.stems) requestAnalysis(tx, { audioHash: hash, stages: ['stems'], priority: ANALYSIS_PRIORITY.engine, waiter: { type: 'engine_stems', ...waiter } }, now);
    });
    this.analysis.wake();
    this.link!.send(errorReply(r.trackId, ENGINE_ERRORS.analysisInProgress, req.requestId));
  }

  /** Stems for a track the engine asked about: at once from the cache, else at top priority. */
  private stemsFor(trackId: string, hash: string | null, req: GetTrackInfo, now: number) {
    if (!hash) return;
    const cached = this.analysis.stems.get(hash);
    if (cached) return void this.link!.send(stemsReady(trackId, cached.files, req.requestId));
    const waiter = { type: 'engine_stems' as const, trackId, ...echoId(req.requestId), ...(req.deck ? { deck: req.deck } : {}), at: now };
    requestAnalysis(this.ctx.db, { audioHash: hash, stages: ['stems'], priority: ANALYSIS_PRIORITY.engine, waiter }, now);
    this.analysis.wake();
  }

  private onEvent(e: EngineEvent) {
    const now = this.ctx.clock.now();
    const db = this.ctx.db;
    switch (e.event) {
      case 'trackLoadRequested':
        this.decks.set(e.deck, { trackId: e.trackId, loaded: false, since: now });
        break;
      case 'trackLoaded': {
        if (!e.success || !e.trackId) {
          this.clearDeck(e.deck, now);
          break;
        }
        const previous = this.decks.get(e.deck);
        if (previous?.loaded && previous.trackId === e.trackId) return; // the same load reported twice
        this.clearDeck(e.deck, now);
        const hash = db.select({ h: tracks.audioHash }).from(tracks).where(eq(tracks.id, e.trackId)).get()?.h ?? null;
        const inactivityHours = this.ctx.settings.get('sessions.inactivityHours');
        const play = writeTx(db, (tx) => recordPlay(tx, e.trackId!, now, { inactivityHours }));
        this.decks.set(e.deck, { trackId: e.trackId, loaded: true, since: now, entryId: play?.entryId, audioHash: hash });
        if (hash) this.analysis.stems.protect(hash, true);
        break;
      }
      case 'trackUnloaded':
      case 'deckLoadFailed':
        this.clearDeck(e.deck, now);
        break;
      case 'cuePointSet':
      case 'cuePointRemoved': {
        const trackId = this.decks.get(e.deck)?.trackId;
        if (!e.success) return;
        if (!trackId) return this.ctx.log.warn({ deck: e.deck }, 'a cue was set on a deck with no known track; ignored');
        if (!db.select({ id: tracks.id }).from(tracks).where(eq(tracks.id, trackId)).get()) return;
        writeTx(db, (tx) =>
          e.event === 'cuePointSet' ? setUserCue(tx, { trackId, index: e.index, positionSec: e.position }, now, 'engine') : removeUserCue(tx, trackId, e.index, now, 'engine'),
        );
        return;
      }
    }
    appendEvent(db, 'audio_engine:deck', { deck: e.deck, trackId: this.decks.get(e.deck)?.trackId ?? null }, now);
    this.report();
  }

  /** A deck emptied or changed: the play's duration is known, its stems may be evicted again. */
  private clearDeck(deck: string, now: number) {
    const d = this.decks.get(deck);
    if (!d) return;
    this.decks.delete(deck);
    if (d.entryId) setPlayDuration(this.ctx.db, d.entryId, now);
    if (d.audioHash && ![...this.decks.values()].some((o) => o.audioHash === d.audioHash)) this.analysis.stems.protect(d.audioHash, false);
  }

  // ---- deferred replies ----

  private onStage(job: AnalysisJob, stage: string) {
    const wanted = stage === 'basic_features' ? 'engine_track_info' : stage === 'stems' ? 'engine_stems' : null;
    if (!wanted) return;
    // one answer per track and deck: the latest request wins
    const latest = new Map<string, Extract<AnalysisWaiter, { trackId: string }>>();
    for (const w of job.waiters) if (w.type === wanted) latest.set(`${w.trackId}:${w.deck ?? ''}`, w);
    for (const w of latest.values()) {
      if (wanted === 'engine_track_info') {
        const r = lookupTrackInfo(this.ctx.db, w.trackId, w.requestId);
        if (r.ok) this.deliver(`info:${w.trackId}:${w.deck ?? ''}`, r.info, w);
      } else {
        const set = this.analysis.stems.get(job.audioHash);
        if (set) this.deliver(`stems:${w.trackId}:${w.deck ?? ''}`, stemsReady(w.trackId, set.files, w.requestId), w);
      }
    }
  }

  /** Sends now, or keeps it for after the reconnection while it still matters. */
  private deliver(key: string, message: object, w: { trackId: string; deck?: string; at: number }) {
    if (this.link?.send(message)) return;
    this.pending.set(key, { message, trackId: w.trackId, deck: w.deck, at: w.at });
  }

  private flushPending() {
    const now = this.ctx.clock.now();
    for (const [key, p] of this.pending) {
      this.pending.delete(key);
      const current = p.deck ? this.decks.get(p.deck)?.trackId === p.trackId : now - p.at < PENDING_TTL_MS;
      if (current) this.link!.send(p.message);
    }
  }

  /**
   * Cue edits and BPM/key/grid corrections made in the UI for a track on a deck: the engine gets the
   * track's info again (new cues, BPM, key, first beat), and `updateFirstBeatOffset` when the grid
   * moved (B §3.6).
   */
  private pushEditedCues() {
    if (!this.link?.connected) return;
    const top = latestEventId(this.ctx.db);
    if (top <= this.lastEventId) return;
    const rows = this.ctx.db
      .select({ type: events.type, payload: events.payload, at: events.createdAt })
      .from(events)
      .where(and(gt(events.id, this.lastEventId), lte(events.id, top), inArray(events.type, ['hot_cue:updated', 'track:updated'])))
      .all();
    this.lastEventId = top;
    const onDeckSince = new Map([...this.decks.values()].map((d) => [d.trackId, d.since]));
    const toPush = new Set<string>();
    const gridMoved = new Set<string>();
    for (const r of rows) {
      if (r.type === 'hot_cue:updated') {
        const p = r.payload as { trackId: string; origin?: string };
        const since = onDeckSince.get(p.trackId);
        if (p.origin !== 'engine' && since !== undefined && r.at >= since) toPush.add(p.trackId);
        continue;
      }
      const p = r.payload as { trackIds?: string[]; fields?: string[] };
      if (!p.fields?.some((f) => f === 'bpm' || f === 'key' || f === 'beatOffset')) continue;
      for (const id of p.trackIds ?? []) {
        const since = onDeckSince.get(id);
        if (since === undefined || r.at < since) continue;
        toPush.add(id);
        if (p.fields.includes('beatOffset')) gridMoved.add(id);
      }
    }
    for (const id of toPush) {
      const info = lookupTrackInfo(this.ctx.db, id);
      if (!info.ok) continue;
      this.link.send(info.info);
      if (gridMoved.has(id)) this.link.send({ command: 'updateFirstBeatOffset', trackId: id, firstBeatOffset: info.info.firstBeatOffset });
    }
  }
}

const stemsReady = (trackId: string, stems: Record<string, string>, requestId?: unknown): StemsReadyMessage => ({
  success: true,
  type: 'stemsReady',
  ...echoId(requestId),
  trackId,
  stems,
});
