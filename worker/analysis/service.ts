import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { analysisJobs, libraryDirectories, type AnalysisJob } from '@/drizzle/schema';
import type { AppContext } from '@/server/context';
import { appendEvent } from '@/server/events/outbox';
import { callbacksDir, processPendingCallbacks, receiveCallback, INLINE_BODY_MAX, type ProcessHooks } from '@/server/analysis/callbacks';
import {
  BUILTIN_STAGES,
  BUILTIN_URL,
  claimNextJob,
  failAttempt,
  queueDeepWhenIdle,
  queueUnanalysed,
  quietFinishedJobs,
  requestAnalysis,
  settleJob,
  stuckJobs,
} from '@/server/analysis/jobs';
import { rerankEnergy, trackIdsForHash } from '@/server/analysis/results';
import { BUILTIN_VERSION } from '@/server/analysis/builtin/envelopes';
import { writeTx } from '@/server/db/tx';
import { libraryVersion } from '@/server/tracks/facet-index';
import { ANALYSIS_PRIORITY, STAGES } from '@/server/analysis/schemas';
import type { Components } from '../components';
import { sendJson, type WorkerHttp } from '../http';
import { Supervisor } from '../supervise';
import { StemCache, acceptStems } from './stems';
import { BuiltinAnalyzer, BuiltinFailure } from './builtin';

export interface ServerState {
  url: string;
  state: 'unknown' | 'up' | 'down';
  detail?: string;
  version?: string;
  checkedAt: number | null;
}

/** Built-in results handed to a server (or re-analysed after a version bump) per housekeeping round. */
const REPLACE_BATCH = 100;

/** Hashes queued per housekeeping round when new audio appears (one short write each round). */
const UNANALYSED_BATCH = 500;

/** Largest callback body accepted (base64 stems can reach a few hundred MB). */
const MAX_BODY = 600 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/opus',
  '.aif': 'audio/aiff',
  '.aiff': 'audio/aiff',
  '.alac': 'audio/mp4',
};

export interface AnalysisServiceOptions {
  /** Base URL the analysis servers call back (the worker's own HTTP address unless configured). */
  callbackBase: () => string;
  pumpMs?: number;
  /** Grace for stages still missing after `job_completed` (callbacks may arrive out of order). */
  graceMs?: number;
}

/**
 * The worker's side of analysis: health of each configured server (in the background; never
 * blocking start), the dispatcher that hands the most urgent jobs to healthy servers within their
 * concurrency, the callback endpoint, the stem cache, and the optional supervised server process.
 */
export class AnalysisService {
  readonly servers: ServerState[];
  readonly stems: StemCache;
  readonly supervisor: Supervisor | undefined;
  readonly builtin: BuiltinAnalyzer;
  private readonly builtinRuns = new Map<string, AbortController>();
  private energyDirty = false;
  private energyRankedAt = 0;
  private timers: NodeJS.Timeout[] = [];
  private pumping = false;
  private pumpAgain = false;
  private processing: Promise<void> | undefined;
  private processAgain = false;
  private stopped = false;
  private inFlightSubmits = new Set<Promise<unknown>>();
  private dirsKey = '';
  private seenVersion = -1;
  readonly hooks: ProcessHooks;
  /** Listeners for finished stages (the engine link answers waiters through this). */
  readonly stageListeners = new Set<NonNullable<ProcessHooks['onStage']>>();

  constructor(
    private readonly ctx: AppContext,
    private readonly components: Components,
    private readonly opts: AnalysisServiceOptions,
  ) {
    const env = ctx.env.analysis;
    this.servers = env.serverUrls.map((url) => ({ url: url.replace(/\/+$/, ''), state: 'unknown', checkedAt: null }));
    this.stems = new StemCache(ctx);
    this.builtin = new BuiltinAnalyzer({
      threads: env.threads,
      trackTimeoutMs: env.trackTimeoutMs,
      bpmRange: () => {
        const lo = ctx.settings.get('analysis.minBpm');
        const hi = ctx.settings.get('analysis.maxBpm');
        return hi > lo * 1.5 ? { minBpm: lo, maxBpm: hi } : { minBpm: 70, maxBpm: 180 };
      },
    });
    this.hooks = {
      retryBaseMs: env.retryDelayMs,
      stems: async (job, data) => void (await acceptStems(ctx, this.stems, job, data)),
      onStage: (job, stage, ids) => {
        for (const l of this.stageListeners) l(job, stage, ids);
      },
      onSettled: () => this.wake(),
    };
    if (env.autoStart && env.pythonPath && env.appDir) {
      const first = this.servers[0];
      this.supervisor = new Supervisor({
        name: 'analysis-server',
        command: env.pythonPath,
        args: ['-m', 'uvicorn', 'src.app:app', '--host', '127.0.0.1', '--port', String(env.port)],
        cwd: env.appDir,
        env: () => ({ ...process.env, MISMO_ALLOW_FILE_PATHS: 'true', MISMO_ALLOWED_PATH_PREFIXES: JSON.stringify(this.activeDirectories()) }),
        ready: async () => (first ? (await this.checkHealth(first)).state === 'up' : false),
        startupTimeoutMs: env.startupTimeoutMs,
        log: ctx.log.child({ module: 'analysis-server' }),
        onState: () => this.report(),
      });
    }
  }

  /** Analysis always runs: with the built-in analyzer when no server is configured or answering. */
  get enabled() {
    return this.servers.length > 0 || this.mode !== 'server';
  }

  get mode() {
    return this.ctx.settings.get('analysis.engine');
  }

  /** Whether the built-in analyzer takes jobs now: always in `builtin`, in `auto` while no server answers. */
  get builtinActive() {
    const mode = this.mode;
    return mode === 'builtin' || (mode === 'auto' && !this.servers.some((s) => s.state === 'up'));
  }

  private activeDirectories() {
    return this.ctx.db
      .select({ path: libraryDirectories.path })
      .from(libraryDirectories)
      .where(eq(libraryDirectories.isActive, true))
      .orderBy(libraryDirectories.path)
      .all()
      .map((r) => r.path);
  }

  /** Registers the callback route and starts the loops. Returns at once. */
  start(http: WorkerHttp) {
    http.route('POST', '/api/analysis/callback', (req, res, url) => this.onCallback(req, res, url));
    this.report();
    if (!this.enabled) return;
    const env = this.ctx.env.analysis;
    this.dirsKey = JSON.stringify(this.activeDirectories());
    const every = (ms: number, fn: () => unknown) => {
      const t = setInterval(() => {
        if (!this.stopped) void Promise.resolve(fn()).catch((e: unknown) => this.ctx.log.warn({ err: e }, 'analysis loop step failed'));
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(env.healthIntervalMs, () => this.healthRound());
    every(this.opts.pumpMs ?? 1_000, () => this.pump());
    every(Math.max(1_000, Math.min(5_000, env.healthIntervalMs)), () => this.housekeeping());
    void this.boot();
  }

  private async boot() {
    await this.resumeDispatched();
    this.kickProcessing();
    await this.healthRound();
    if (this.supervisor && this.servers[0]?.state !== 'up') void this.supervisor.start();
    this.housekeeping();
    this.pump();
  }

  /**
   * After a restart: jobs left dispatched keep waiting for their callbacks if their server still
   * knows them; if it answers that it does not, they go back to the queue (never submitted twice
   * while the server still works on them).
   */
  private async resumeDispatched() {
    const jobs = this.ctx.db.select().from(analysisJobs).where(eq(analysisJobs.status, 'dispatched')).all();
    for (const j of jobs) {
      if (!j.serverUrl) continue;
      if (j.serverUrl === BUILTIN_URL) {
        // the thread died with the old worker: analyse again, without counting it against the file
        failAttempt(this.ctx.db, j.id, 'The worker stopped during the analysis', this.ctx.clock.now(), { retryBaseMs: 0, countAttempt: false });
        continue;
      }
      try {
        const res = await fetch(`${j.serverUrl}/jobs/${j.audioHash}`, { signal: AbortSignal.timeout(5_000) });
        if (res.status === 404)
          failAttempt(this.ctx.db, j.id, 'The analysis server no longer knew this job after a restart', this.ctx.clock.now(), { retryBaseMs: 0, countAttempt: false });
      } catch {
        // server away: the stuck-job timeout decides later
      }
    }
  }

  stop = async () => {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const c of this.builtinRuns.values()) c.abort();
    await Promise.allSettled([...this.inFlightSubmits]);
    await this.processing;
    await this.builtin.stop();
    await this.supervisor?.stop();
  };

  /** Something changed (a request, a finished job): look for work soon. */
  wake() {
    if (!this.stopped) setImmediate(() => this.pump());
  }

  private report() {
    const up = this.servers.filter((s) => s.state === 'up').length;
    const sup = this.supervisor?.status;
    const builtin = this.builtinActive;
    const state = !this.enabled ? 'disabled' : up > 0 || builtin ? 'ready' : sup && sup.state !== 'running' && sup.state !== 'stopped' ? sup.state : 'waiting';
    const threads = `${this.builtin.capacity} thread${this.builtin.capacity > 1 ? 's' : ''}`;
    const detail = !this.enabled
      ? 'No analysis server configured (Settings → Analysis → Who analyses is set to the server)'
      : up > 0
        ? `${up} of ${this.servers.length} server${this.servers.length > 1 ? 's' : ''} healthy`
        : builtin
          ? this.mode === 'builtin'
            ? `The built-in analyzer (${threads})`
            : `The built-in analyzer (${threads}) while no analysis server answers`
          : (sup?.detail ?? 'No analysis server answers; jobs wait until one does');
    const st = this.builtin.stats;
    this.components.set('analysis', {
      state,
      detail,
      mode: this.mode,
      analyzer: up > 0 && this.mode !== 'builtin' ? 'server' : builtin ? 'builtin' : null,
      builtin: {
        version: BUILTIN_VERSION,
        threads: this.builtin.capacity,
        running: this.builtin.running,
        tracks: st.tracks,
        failures: st.failures,
        // audio seconds per second of work: "× realtime"
        speed: st.busySeconds > 0 ? Math.round((st.audioSeconds / st.busySeconds) * 10) / 10 : null,
        secondsPerTrack: st.tracks > 0 ? Math.round((st.busySeconds / st.tracks) * 100) / 100 : null,
      },
      servers: this.servers.map((s) => ({ url: s.url, state: s.state, detail: s.detail ?? null, version: s.version ?? null, checkedAt: s.checkedAt })),
      supervisor: sup ? { state: sup.state, detail: sup.detail ?? null, pid: sup.pid, restarts: sup.restarts } : null,
      stemCacheBytes: this.stems.totalBytes(),
    });
  }

  /** `GET /health`: healthy only on 200 with `status: "ok"` (B §1.2). */
  async checkHealth(s: ServerState): Promise<ServerState> {
    const before = s.state;
    try {
      const res = await fetch(`${s.url}/health`, { signal: AbortSignal.timeout(5_000) });
      const body = (await res.json().catch(() => null)) as { status?: unknown; version?: unknown } | null;
      if (res.status === 200 && body?.status === 'ok') {
        s.state = 'up';
        s.detail = undefined;
        s.version = typeof body.version === 'string' ? body.version : undefined;
      } else {
        s.state = 'down';
        s.detail = `health: HTTP ${res.status}${typeof body?.status === 'string' ? ` (${body.status})` : ''}`;
      }
    } catch (e) {
      s.state = 'down';
      s.detail = e instanceof Error ? ((e.cause as { code?: string } | undefined)?.code ?? e.message) : String(e);
    }
    s.checkedAt = this.ctx.clock.now();
    if (before !== s.state) {
      appendEvent(this.ctx.db, 'analysis_server:state', { url: s.url, state: s.state, ...(s.detail ? { detail: s.detail } : {}) }, this.ctx.clock.now());
      this.ctx.log.info({ url: s.url, state: s.state, detail: s.detail }, 'analysis server state');
      if (s.state === 'up') this.wake();
    }
    this.report();
    return s;
  }

  private async healthRound() {
    await Promise.all(this.servers.map((s) => this.checkHealth(s)));
  }

  private housekeeping() {
    const now = this.ctx.clock.now();
    const env = this.ctx.env.analysis;
    // new or changed audio can only appear when the tracks table moved (its version is kept by triggers)
    const version = libraryVersion(this.ctx.db);
    if (version !== this.seenVersion && this.ctx.settings.get('analysis.autoAnalyzeNewTracks')) {
      // a full batch may have left more behind: look again next round
      if (queueUnanalysed(this.ctx.db, now, UNANALYSED_BATCH) < UNANALYSED_BATCH) this.seenVersion = version;
    }
    const serverUp = this.servers.some((s) => s.state === 'up');
    // deep stages need a server; the built-in analyzer cannot do them
    if (serverUp && this.mode !== 'builtin' && this.ctx.settings.get('analysis.deepAnalysisWhenIdle')) queueDeepWhenIdle(this.ctx.db, now);
    this.replaceBuiltinResults(now, serverUp);
    this.rankEnergyWhenDue(now);
    for (const j of stuckJobs(this.ctx.db, now, { processingTimeoutMs: env.processingTimeoutMs, graceMs: this.opts.graceMs ?? 15_000 })) {
      const missing = j.stagesDispatched.filter((s) => !j.stagesDone.includes(s));
      const why = j.serverDoneAt
        ? `The server finished without sending ${missing.join(', ')}`
        : `No word from the analysis server for ${Math.round(env.processingTimeoutMs / 1000)} s`;
      failAttempt(this.ctx.db, j.id, why, now, { retryBaseMs: env.retryDelayMs });
      if (j.serverUrl) void this.cancelRemote(j.serverUrl, j.audioHash);
    }
    for (const j of quietFinishedJobs(this.ctx.db, now, this.opts.graceMs ?? 15_000)) {
      writeTx(this.ctx.db, (tx) => {
        const r = settleJob(tx, j, now, { force: true });
        if (r.outcome === 'completed')
          appendEvent(tx, 'analysis:complete', { audioHash: j.audioHash, trackIds: trackIdsForHash(this.ctx.db, j.audioHash), stages: r.job.stagesDone }, now);
      });
    }
    // a supervised server gets the new list of folders it may read
    const key = JSON.stringify(this.activeDirectories());
    if (key !== this.dirsKey) {
      this.dirsKey = key;
      if (this.supervisor && this.supervisor.status.state !== 'stopped') {
        this.ctx.log.info('library folders changed; restarting the analysis server');
        void this.supervisor.restart();
      }
    }
    this.report();
    this.pump();
  }

  /**
   * Built-in results wait to be replaced: by a server's when one answers (auto or server mode),
   * or by the current built-in version's after an upgrade. Both at idle priority, a batch a round.
   */
  private replaceBuiltinResults(now: number, serverUp: boolean) {
    const db = this.ctx.db;
    const idle = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM analysis_jobs WHERE status IN ('queued', 'dispatched') AND priority > ${ANALYSIS_PRIORITY.idle}`).n === 0;
    if (!idle) return;
    const toServer = serverUp && this.mode !== 'builtin';
    const rows = db.all<{ hash: string }>(
      sql`SELECT a.audio_hash AS hash FROM audio_analysis a
           WHERE a.analyzer = 'builtin' AND (${toServer ? 1 : 0} = 1 OR a.analysis_version IS NOT ${BUILTIN_VERSION})
             AND NOT EXISTS (SELECT 1 FROM analysis_jobs j WHERE j.audio_hash = a.audio_hash AND (j.status IN ('queued', 'dispatched', 'failed', 'missing', 'cancelled') OR j.server_only = 1 AND j.status = 'completed' AND j.completed_at > a.basic_at))
           LIMIT ${REPLACE_BATCH}`,
    );
    for (const r of rows) requestAnalysis(db, { audioHash: r.hash, priority: ANALYSIS_PRIORITY.idle, force: true, serverOnly: toServer }, now);
  }

  /** Energy 1–10 is a rank over the library: re-ranked (at most every 30 s) once new scores came in. */
  private rankEnergyWhenDue(now: number) {
    if (!this.energyDirty || now - this.energyRankedAt < 30_000) return;
    this.energyDirty = false;
    this.energyRankedAt = now;
    writeTx(this.ctx.db, (tx) => {
      const ids = rerankEnergy(tx, now);
      for (let i = 0; i < ids.length; i += 500) appendEvent(tx, 'track:updated', { trackIds: ids.slice(i, i + 500), fields: ['energy'] }, now);
    });
  }

  /** `DELETE /jobs/{id}` on the server (best effort); the built-in analyzer stops the track. */
  async cancelRemote(serverUrl: string, hash: string) {
    if (serverUrl === BUILTIN_URL) {
      this.builtinRuns.get(hash)?.abort();
      return;
    }
    try {
      await fetch(`${serverUrl}/jobs/${hash}`, { method: 'DELETE', signal: AbortSignal.timeout(5_000) });
    } catch {
      // the server may be gone; nothing else to do
    }
  }

  private inFlight(url: string) {
    return this.ctx.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM analysis_jobs WHERE status = 'dispatched' AND server_url = ${url}`).n;
  }

  /** Hands waiting jobs to healthy servers with free slots; the most urgent first. */
  pump() {
    if (this.stopped || !this.enabled) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      const limit = this.ctx.env.analysis.concurrency;
      for (; this.mode !== 'builtin';) {
        const free = this.servers.filter((s) => s.state === 'up').map((s) => ({ s, n: this.inFlight(s.url) }));
        const target = free.filter((x) => x.n < limit).sort((a, b) => a.n - b.n)[0];
        if (!target) break;
        const claimed = claimNextJob(this.ctx.db, target.s.url, this.ctx.clock.now());
        if (!claimed) break;
        const p = this.submit(target.s, claimed.job, claimed.filePath).finally(() => this.inFlightSubmits.delete(p));
        this.inFlightSubmits.add(p);
      }
      while (this.builtinActive && this.inFlight(BUILTIN_URL) < this.builtin.capacity) {
        const claimed = claimNextJob(this.ctx.db, BUILTIN_URL, this.ctx.clock.now());
        if (!claimed) break;
        const p = this.runBuiltin(claimed.job, claimed.filePath).finally(() => this.inFlightSubmits.delete(p));
        this.inFlightSubmits.add(p);
      }
    } finally {
      this.pumping = false;
      if (this.pumpAgain) {
        this.pumpAgain = false;
        this.wake();
      }
    }
  }

  /**
   * Analyses one job on this machine and hands the results to the code that stores a server's
   * callbacks (validated by the same schemas, stored durably, then processed), so waveforms,
   * events, the engine's waiters and smart playlists need no second path.
   */
  private async runBuiltin(job: AnalysisJob, filePath: string) {
    const abort = new AbortController();
    this.builtinRuns.set(job.audioHash, abort);
    this.report();
    try {
      // a row whose file has gone (seeded, or deleted since) fails at once, with no ffmpeg started
      await fs.promises.access(filePath, fs.constants.R_OK).catch(() => {
        throw new BuiltinFailure('The file is not there (or not readable) any more', true);
      });
      const r = await this.builtin.analyze(filePath, abort.signal);
      for (const stage of BUILTIN_STAGES) if (job.stagesDispatched.includes(stage)) this.deliver(job, stage, r.stages[stage]);
      this.deliver(job, 'job_completed', undefined);
      if (job.stagesDispatched.includes('characteristics')) this.energyDirty = true;
    } catch (e) {
      const permanent = e instanceof BuiltinFailure && e.permanent;
      const why = e instanceof Error ? e.message : String(e);
      if (why !== 'Cancelled' && !this.stopped) failAttempt(this.ctx.db, job.id, why, this.ctx.clock.now(), { retryBaseMs: this.ctx.env.analysis.retryDelayMs, final: permanent });
      if (!(e instanceof BuiltinFailure)) this.ctx.log.error({ err: e, audioHash: job.audioHash }, 'built-in analysis failed');
    } finally {
      this.builtinRuns.delete(job.audioHash);
      this.report();
      this.wake();
    }
  }

  private deliver(job: AnalysisJob, stage: string, data: unknown) {
    const envelope = { job_id: job.audioHash, stage, status: 'completed', timestamp: new Date(this.ctx.clock.now()).toISOString(), ...(data === undefined ? {} : { data }) };
    const r = receiveCallback(this.ctx, job.secret ?? '', envelope, { text: JSON.stringify(envelope) });
    // refused only when the job was cancelled or re-dispatched meanwhile: nothing to store then
    if (r.status !== 200) this.ctx.log.info({ audioHash: job.audioHash, stage, status: r.status }, 'built-in result not stored');
    else this.kickProcessing();
  }

  private callbackUrl(secret: string) {
    return `${this.opts.callbackBase().replace(/\/+$/, '')}/api/analysis/callback/${secret}`;
  }

  /** The six flags, always all sent (true-by-default on the server side, B §1.5). */
  private options(job: AnalysisJob) {
    return Object.fromEntries(STAGES.map((s) => [s, job.stagesDispatched.includes(s)]));
  }

  private async submit(server: ServerState, job: AnalysisJob, filePath: string) {
    const env = this.ctx.env.analysis;
    const callback = this.callbackUrl(job.secret!);
    let res: Response;
    try {
      if (env.remote) {
        // streamed from disk: the file is never read whole into memory
        const form = new FormData();
        const blob = await fs.openAsBlob(filePath, { type: CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream' });
        form.append('file', blob, path.basename(filePath));
        form.append('track_hash', job.audioHash);
        form.append('options', JSON.stringify(this.options(job)));
        form.append('callback_url', callback);
        form.append('stem_delivery_mode', 'callback');
        res = await fetch(`${server.url}/jobs`, { method: 'POST', body: form, signal: AbortSignal.timeout(Math.max(60_000, env.requestTimeoutMs)) });
      } else {
        res = await fetch(`${server.url}/jobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ file_path: filePath, track_hash: job.audioHash, options: this.options(job), callback_url: callback, stem_delivery_mode: 'path' }),
          signal: AbortSignal.timeout(env.requestTimeoutMs),
        });
      }
    } catch (e) {
      // the server went away: not the job's fault, so the attempt does not count
      const why = e instanceof Error ? ((e.cause as { code?: string } | undefined)?.code ?? e.message) : String(e);
      server.state = 'down';
      server.detail = why;
      this.report();
      failAttempt(this.ctx.db, job.id, `Could not reach ${server.url}: ${why}`, this.ctx.clock.now(), { retryBaseMs: 0, countAttempt: false });
      return;
    }
    if (res.ok) {
      await res.body?.cancel();
      return;
    }
    const text = (await res.text().catch(() => '')).slice(0, 300);
    failAttempt(this.ctx.db, job.id, `${server.url} refused the job: HTTP ${res.status}${text ? ` ${text}` : ''}`, this.ctx.clock.now(), { retryBaseMs: env.retryDelayMs });
    this.wake();
  }

  /** Processes stored callbacks one at a time, in order; a new arrival during a run is picked up by it. */
  private kickProcessing() {
    if (this.processing) {
      this.processAgain = true;
      return;
    }
    this.processing = (async () => {
      do {
        this.processAgain = false;
        await processPendingCallbacks(this.ctx, this.hooks);
      } while (this.processAgain);
    })()
      .catch((e: unknown) => this.ctx.log.error({ err: e }, 'processing analysis callbacks failed'))
      .finally(() => {
        this.processing = undefined;
        this.wake();
      });
  }

  /** Reads a body: in memory while small, streamed to a file once large. */
  private async readBody(req: http.IncomingMessage): Promise<{ text?: string; file?: string; tooLarge?: boolean }> {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > MAX_BODY) {
      req.resume();
      return { tooLarge: true };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let out: fs.WriteStream | undefined;
    let file: string | undefined;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) {
        out?.destroy();
        if (file) fs.rmSync(file, { force: true });
        return { tooLarge: true };
      }
      if (!out && size > INLINE_BODY_MAX) {
        fs.mkdirSync(callbacksDir(this.ctx), { recursive: true });
        file = path.join(callbacksDir(this.ctx), `.incoming-${crypto.randomBytes(6).toString('hex')}`);
        out = fs.createWriteStream(file);
        for (const c of chunks) out.write(c);
        chunks.length = 0;
      }
      if (out) {
        if (!out.write(chunk)) await new Promise<void>((r) => out!.once('drain', () => r()));
      } else chunks.push(chunk);
    }
    if (out) {
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
      return { file };
    }
    return { text: Buffer.concat(chunks).toString('utf8') };
  }

  private async onCallback(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const secret = url.pathname.slice('/api/analysis/callback/'.length);
    if (!/^[\w-]{10,100}$/.test(secret)) {
      req.resume();
      return sendJson(res, 401, { error: 'Unauthorized', message: 'Missing or malformed callback secret' });
    }
    const body = await this.readBody(req);
    if (body.tooLarge) return sendJson(res, 413, { error: 'Too large', message: `Callback bodies are limited to ${MAX_BODY / 1024 / 1024} MB` });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.file ? await fs.promises.readFile(body.file, 'utf8') : body.text!);
    } catch {
      if (body.file) fs.rmSync(body.file, { force: true });
      return sendJson(res, 400, { error: 'Invalid callback', message: 'The body is not JSON' });
    }
    const r = receiveCallback(this.ctx, secret, parsed, { text: body.text, bodyFile: body.file });
    if (r.status !== 200) {
      if (body.file) fs.rmSync(body.file, { force: true });
      this.ctx.log.warn({ status: r.status, message: r.body.message }, 'analysis callback rejected');
      return sendJson(res, r.status, r.body);
    }
    sendJson(res, 200, r.body);
    this.kickProcessing();
  }

  /** What control jobs from the web reach. */
  async control(action: 'start' | 'stop' | 'restart') {
    if (!this.supervisor) throw new Error('The analysis server is not started by Mismo Library (set PYTHON_SERVER_AUTO_START=true)');
    if (action === 'start') await this.supervisor.start();
    else if (action === 'stop') await this.supervisor.stop();
    else await this.supervisor.restart();
    await this.healthRound();
  }
}
