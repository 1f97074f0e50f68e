import { eq, sql } from 'drizzle-orm';
import { analysisJobs, libraryDirectories, type AnalysisJob } from '@/drizzle/schema';
import type { AppContext } from '@/server/context';
import { appendEvent } from '@/server/events/outbox';
import { processPendingCallbacks, type ProcessHooks } from '@/server/analysis/callbacks';
import {
  BUILTIN_URL,
  claimNextJob,
  failAttempt,
  MAX_CLOSED_PER_CLAIM,
  queueDeepWhenIdle,
  queueUnanalysedSlice,
  quietFinishedJobs,
  requestAnalysis,
  settleJob,
  stuckJobs,
} from '@/server/analysis/jobs';
import type { AnalysisComponent } from '@/server/system/components';
import { rerankEnergy, trackIdsForHash } from '@/server/analysis/results';
import { BUILTIN_VERSION } from '@/server/analysis/builtin/envelopes';
import { ANALYSIS_PRIORITY } from '@/server/analysis/schemas';
import { writeTx } from '@/server/db/tx';
import { libraryVersion } from '@/server/tracks/facet-index';
import type { Components } from '../components';
import type { WorkerHttp } from '../http';
import { Supervisor } from '../supervise';
import { BuiltinAnalyzer } from './builtin';
import { BuiltinPort } from './builtin-port';
import { callbackEndpoint } from './callback-endpoint';
import { HttpAnalysisServer } from './http-server';
import type { AnalysisPort } from './port';
import { StemCache, acceptStems } from './stems';
import { yieldToLoop } from '@/server/db/slices';

/** Built-in results handed to a server (or re-analysed after a version bump) per housekeeping round. */
const REPLACE_BATCH = 100;

export interface AnalysisServiceOptions {
  /** Base URL the analysis servers call back (the worker's own HTTP address unless configured). */
  callbackBase: () => string;
  pumpMs?: number;
  /** Grace for stages still missing after `job_completed` (callbacks may arrive out of order). */
  graceMs?: number;
}

/**
 * The worker's side of analysis: the dispatcher that hands the most urgent jobs to whoever
 * analyses — the configured HTTP servers (health checked in the background; never blocking start)
 * or the built-in analyzer, by the setting `analysis.engine` — within their capacity; the
 * processing of stored callbacks; housekeeping (new audio, stuck jobs, replacing built-in results,
 * energy ranks); the stem cache; and the optional supervised server process.
 */
export class AnalysisService {
  readonly servers: HttpAnalysisServer[];
  readonly builtin: BuiltinAnalyzer;
  readonly builtinPort: BuiltinPort;
  readonly stems: StemCache;
  readonly supervisor: Supervisor | undefined;
  readonly hooks: ProcessHooks;
  /** Listeners for finished stages (the engine link answers waiters through this). */
  readonly stageListeners = new Set<NonNullable<ProcessHooks['onStage']>>();
  private energyDirty = false;
  private energyRankedAt = 0;
  private timers: NodeJS.Timeout[] = [];
  private pumping = false;
  private pumpAgain = false;
  private pumpScheduled = false;
  private processing: Promise<void> | undefined;
  private processAgain = false;
  private stopped = false;
  private inFlightSubmits = new Set<Promise<unknown>>();
  private dirsKey = '';
  private seenVersion = -1;
  /** The sweep for new audio under way, if any (one at a time; see `sweepUnanalysed`). */
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly components: Components,
    private readonly opts: AnalysisServiceOptions,
  ) {
    const env = ctx.env.analysis;
    const serverHooks = { callbackUrl: (secret: string) => this.callbackUrl(secret), changed: () => this.report(), cameUp: () => this.wake() };
    this.servers = env.serverUrls.map((url) => new HttpAnalysisServer(url, ctx, serverHooks));
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
    this.builtinPort = new BuiltinPort(ctx, this.builtin, {
      active: () => this.builtinActive,
      stored: () => this.kickProcessing(),
      scored: () => (this.energyDirty = true),
      changed: () => this.report(),
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
        ready: async () => (first ? (await first.checkHealth()).state === 'up' : false),
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

  private get serverUp() {
    return this.servers.some((s) => s.state === 'up');
  }

  /** Whether the built-in analyzer takes jobs now: always in `builtin`, in `auto` while no server answers. */
  get builtinActive() {
    const mode = this.mode;
    return mode === 'builtin' || (mode === 'auto' && !this.serverUp);
  }

  /** Who may take jobs, servers first (the built-in analyzer only while the setting lets it). */
  private get ports(): AnalysisPort[] {
    return [...(this.mode === 'builtin' ? [] : this.servers), this.builtinPort];
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
    http.route(
      'POST',
      '/api/analysis/callback',
      callbackEndpoint(this.ctx, () => this.kickProcessing()),
    );
    this.report();
    // the loops run even while nobody may analyse: the setting can change at any time
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
   * while the server still works on them). Built-in ones died with the old worker: again.
   */
  private async resumeDispatched() {
    const jobs = this.ctx.db.select().from(analysisJobs).where(eq(analysisJobs.status, 'dispatched')).all();
    const requeue = (j: AnalysisJob, why: string) => failAttempt(this.ctx.db, j.id, why, this.ctx.clock.now(), { retryBaseMs: 0, countAttempt: false });
    for (const j of jobs) {
      if (!j.serverUrl) continue;
      if (j.serverUrl === BUILTIN_URL) {
        requeue(j, 'The worker stopped during the analysis');
        continue;
      }
      const server = this.servers.find((s) => s.url === j.serverUrl) ?? this.detached(j.serverUrl);
      if ((await server.knows(j.audioHash)) === false) requeue(j, 'The analysis server no longer knew this job after a restart');
    }
  }

  stop = async () => {
    this.stopped = true;
    await this.sweeping;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const builtin = this.builtinPort.stop();
    await Promise.allSettled([...this.inFlightSubmits]);
    await builtin;
    await this.processing;
    await this.supervisor?.stop();
  };

  /** Something changed (a request, a finished job): look for work soon. */
  wake() {
    // one pump waits at a time: every caller waking it must not start a chain of its own
    if (this.stopped || this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private report() {
    const up = this.servers.filter((s) => s.state === 'up').length;
    const sup = this.supervisor?.status;
    const builtin = this.builtinActive;
    const state = !this.enabled ? 'disabled' : up > 0 || builtin ? 'ready' : sup && sup.state !== 'running' && sup.state !== 'stopped' ? sup.state : 'waiting';
    const threads = `${this.builtin.capacity} thread${this.builtin.capacity > 1 ? 's' : ''}`;
    const detail = !this.enabled
      ? 'No analysis server configured (Settings → Analysis → Who analyses is set to the server)'
      : up > 0 && this.mode !== 'builtin'
        ? `${up} of ${this.servers.length} server${this.servers.length > 1 ? 's' : ''} healthy`
        : builtin
          ? this.mode === 'builtin'
            ? `The built-in analyzer (${threads})`
            : `The built-in analyzer (${threads}) while no analysis server answers`
          : (sup?.detail ?? 'No analysis server answers; jobs wait until one does');
    const st = this.builtin.stats;
    const component: AnalysisComponent = {
      state,
      detail,
      mode: this.mode,
      analyzer: up > 0 && this.mode !== 'builtin' ? 'server' : builtin ? 'builtin' : null,
      builtin: {
        version: BUILTIN_VERSION,
        threads: this.builtin.capacity,
        running: this.builtinPort.running,
        tracks: st.tracks,
        failures: st.failures,
        // audio seconds per second of work: "× realtime"
        speed: st.busySeconds > 0 ? Math.round((st.audioSeconds / st.busySeconds) * 10) / 10 : null,
        secondsPerTrack: st.tracks > 0 ? Math.round((st.busySeconds / st.tracks) * 100) / 100 : null,
      },
      servers: this.servers.map((s) => ({ url: s.url, state: s.state, detail: s.detail ?? null, version: s.version ?? null, checkedAt: s.checkedAt })),
      supervisor: sup ? { state: sup.state, detail: sup.detail ?? null, pid: sup.pid, restarts: sup.restarts } : null,
    };
    this.components.set('analysis', { ...component, stemCacheBytes: this.stems.totalBytes() });
  }

  private async healthRound() {
    await Promise.all(this.servers.map((s) => s.checkHealth()));
  }

  private housekeeping() {
    const now = this.ctx.clock.now();
    const env = this.ctx.env.analysis;
    if (!this.enabled) {
      // "server only" with no server configured: nothing is queued for nobody
      this.report();
      return;
    }
    // new or changed audio can only appear when the tracks table moved (its version is kept by triggers)
    const version = libraryVersion(this.ctx.db);
    if (version !== this.seenVersion && !this.sweeping && this.ctx.settings.get('analysis.autoAnalyzeNewTracks')) {
      // a change during the sweep moves the version again: the next round sweeps again
      this.sweeping = this.sweepUnanalysed()
        .then(() => void (this.seenVersion = version))
        .catch((e: unknown) => this.ctx.log.warn({ err: e }, 'looking for new audio to analyse failed'))
        .finally(() => (this.sweeping = undefined));
    }
    // deep stages need a server; the built-in analyzer cannot do them
    if (this.serverUp && this.mode !== 'builtin' && this.ctx.settings.get('analysis.deepAnalysisWhenIdle')) queueDeepWhenIdle(this.ctx.db, now);
    this.replaceBuiltinResults(now);
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
  private replaceBuiltinResults(now: number) {
    const db = this.ctx.db;
    const idle = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM analysis_jobs WHERE status IN ('queued', 'dispatched') AND priority > ${ANALYSIS_PRIORITY.idle}`).n === 0;
    if (!idle) return;
    const toServer = this.serverUp && this.mode !== 'builtin';
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

  /** Tells whoever runs a job to stop it (a server: `DELETE /jobs/{id}`; built in: the thread stops). */
  async cancelRemote(serverUrl: string, hash: string) {
    const port = serverUrl === BUILTIN_URL ? this.builtinPort : this.servers.find((s) => s.url === serverUrl);
    await (port ?? this.detached(serverUrl)).cancel(hash);
  }

  /** A client for a server no longer configured (jobs sent to it before a restart). */
  private detached(url: string) {
    const nothing = () => undefined;
    return new HttpAnalysisServer(url, this.ctx, { callbackUrl: () => '', changed: nothing, cameUp: nothing });
  }

  /**
   * Queues the library's audio that has no analysis yet, one slice of the tracks table at a time
   * with other work let in between: at 100,000 new tracks this is seconds of writes, never one
   * long stall of the worker (issue 25).
   */
  private async sweepUnanalysed() {
    for (let at: number | null = 0; at !== null && !this.stopped;) {
      const r = queueUnanalysedSlice(this.ctx.db, this.ctx.clock.now(), at);
      if (r.queued) this.wake();
      at = r.next;
      await yieldToLoop();
    }
  }

  private inFlight(id: string) {
    return this.ctx.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM analysis_jobs WHERE status = 'dispatched' AND server_url = ${id}`).n;
  }

  /** Hands waiting jobs to ports with free slots, the most urgent first, the least busy port first. */
  pump() {
    if (this.stopped || !this.enabled) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      for (;;) {
        const free = this.ports.filter((p) => p.available).map((p) => ({ p, n: this.inFlight(p.id) }));
        const target = free.filter((x) => x.n < x.p.capacity).sort((a, b) => a.n - b.n)[0];
        if (!target) break;
        // (servers and the built-in analyzer never take work at the same time: see builtinActive)
        const out = { closed: 0 };
        const claimed = claimNextJob(this.ctx.db, target.p.id, this.ctx.clock.now(), out);
        if (!claimed) {
          // it stopped after closing a batch of jobs whose files are all gone: more may wait
          if (out.closed >= MAX_CLOSED_PER_CLAIM) this.pumpAgain = true;
          break;
        }
        this.track(target.p.submit(claimed.job, claimed.filePath));
      }
    } finally {
      this.pumping = false;
      if (this.pumpAgain) {
        this.pumpAgain = false;
        this.wake();
      }
    }
  }

  private track(p: Promise<void>) {
    const tracked = p
      .catch((e: unknown) => this.ctx.log.error({ err: e }, 'analysis submit failed'))
      .finally(() => {
        this.inFlightSubmits.delete(tracked);
        this.wake();
      });
    this.inFlightSubmits.add(tracked);
  }

  private callbackUrl(secret: string) {
    return `${this.opts.callbackBase().replace(/\/+$/, '')}/api/analysis/callback/${secret}`;
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

  /** What control jobs from the web reach. */
  async control(action: 'start' | 'stop' | 'restart') {
    if (!this.supervisor) throw new Error('The analysis server is not started by Mismo Library (set PYTHON_SERVER_AUTO_START=true)');
    if (action === 'start') await this.supervisor.start();
    else if (action === 'stop') await this.supervisor.stop();
    else await this.supervisor.restart();
    await this.healthRound();
  }
}
