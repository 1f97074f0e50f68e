import { createAppContext, type AppContext } from '@/server/context';
import { systemClock } from '@/server/clock';
import { closeDatabase, openDatabase, optimizeQueryPlans } from '@/server/db/client';
import { dialableHost, type Env } from '@/server/env';
import { appendEvent } from '@/server/events/outbox';
import { createLogger, type Logger } from '@/server/log';
import { recoverOperations } from '@/server/files/recover';
import { migrateWithBackup } from '@/server/ops/backup';
import { Components } from './components';
import { Heartbeat } from './heartbeat';
import { WorkerHttp, sendJson } from './http';
import { jobRegistry } from './jobs';
import { makeOwnerId } from './queue/owner';
import { JobRunner } from './queue/runner';
import { Scheduler } from './schedule';
import { createThreadedScanner } from './scan/threaded-scanner';
import { startupScans } from './startup';
import { WatchService } from './watch/watch-service';
import { AnalysisService } from './analysis/service';
import { AudioEngineService } from './engine/service';
import { SmartRefresher } from './playlists/smart-refresh';

export interface WorkerHandle {
  ctx: AppContext;
  id: string;
  httpPort: number;
  runner: JobRunner;
  watch: WatchService;
  analysis: AnalysisService;
  engine: AudioEngineService;
  smart: SmartRefresher;
  components: Components;
  stop(reason?: string): Promise<void>;
}

/**
 * Boots the worker: config → database → migrations → context → heartbeat → job runner → HTTP →
 * schedules. `stop()` drains running jobs within the configured time limit, then closes
 * everything; the heartbeat says "stopped" so the UI updates at once.
 */
export async function startWorker(env: Env, opts: { log?: Logger } = {}): Promise<WorkerHandle> {
  const log = opts.log ?? createLogger(env, 'worker');
  const db = openDatabase(env.db.path);
  const applied = migrateWithBackup(db.$client, env, log);
  if (applied.length) log.info({ applied }, 'database migrated');
  optimizeQueryPlans(db);
  const scanner = createThreadedScanner({ threads: env.worker.scanThreads, log: log.child({ module: 'scan' }) });
  const ctx = createAppContext({ env, db, log, clock: systemClock, processKind: 'worker', ports: { scanner } });
  const id = makeOwnerId();
  const components = new Components();
  const heartbeat = new Heartbeat(ctx, id, components, env.worker.heartbeatMs);
  heartbeat.start();

  // before any job runs: finish or undo file operations a crash interrupted
  await recoverOperations(ctx).catch((e: unknown) => log.error({ err: e }, 'file operation recovery failed'));

  const runner = new JobRunner(ctx, jobRegistry, { owner: id, maxParallel: Math.max(2, env.worker.concurrency * 2) });
  runner.start();
  // the library grows and shrinks by whole folders: statistics are looked at again every hour
  const optimize = setInterval(() => {
    try {
      optimizeQueryPlans(db);
    } catch (e) {
      log.warn({ err: e }, 'refreshing query statistics failed');
    }
  }, 3_600_000);
  optimize.unref();
  const reportJobs = setInterval(() => components.set('jobs', { state: 'running', active: runner.activeCount, jobs: runner.activeJobs() }), 1_000);
  components.set('jobs', { state: 'running', active: 0 });

  const http = new WorkerHttp(log.child({ module: 'http' }));
  // up or down only: anyone who can reach this port may ask. Details (components, jobs, analysis
  // URLs) are on the System page and in the web's signed-in /api/health.
  http.route('GET', '/health', (_req, res) => sendJson(res, 200, { status: 'ok' }));
  const httpPort = await http.listen(env.worker.host, env.worker.port);
  components.set('http', { state: 'listening', port: httpPort });

  const analysis = new AnalysisService(ctx, components, {
    callbackBase: () => env.analysis.callbackBaseUrl ?? `http://${dialableHost(env.analysis.callbackHost ?? env.worker.host)}:${httpPort}`,
  });
  ctx.ports.analysis = analysis;
  analysis.start(http);
  const engine = new AudioEngineService(ctx, components, analysis);
  ctx.ports.audioEngine = engine;
  engine.start();

  const smart = new SmartRefresher(ctx, components, { debounceMs: env.worker.smartRefreshDebounceMs });
  smart.start();

  const scheduler = new Scheduler(ctx, () => runner.wake());
  scheduler.every({ kind: 'events.prune', payload: {}, everyMs: 3_600_000 }, true);
  scheduler.every({ kind: 'jobs.prune', payload: {}, everyMs: 6 * 3_600_000 }, true);
  scheduler.every({ kind: 'sessions.finalizeIdle', payload: {}, everyMs: 5 * 60_000 }, true);
  scheduler.every({ kind: 'files.emptyTrash', payload: {}, everyMs: 24 * 3_600_000 }, true);
  scheduler.every({ kind: 'backup.create', payload: { reason: 'scheduled' }, everyMs: 15 * 60_000 }, true);

  // start the analysis threads now rather than in the middle of the first scan
  scanner.warm?.().catch((e: unknown) => log.warn({ err: e }, 'scan threads could not start'));
  startupScans(ctx, () => runner.wake());
  const watch = new WatchService(ctx, { onQueued: () => runner.wake(), components });
  watch.start().catch((e: unknown) => log.warn({ err: e }, 'folder watching could not start'));

  heartbeat.setState('running');
  appendEvent(db, 'worker:state', { workerId: id, state: 'running' }, ctx.clock.now());
  log.info({ id, httpPort, db: env.db.path }, 'worker started');

  let stopping: Promise<void> | undefined;
  const stop = (reason = 'stop') =>
    (stopping ??= (async () => {
      log.info({ reason }, 'worker stopping');
      heartbeat.setState('stopping');
      scheduler.stop();
      smart.stop();
      clearInterval(reportJobs);
      clearInterval(optimize);
      await watch.stop();
      await engine.stop();
      await analysis.stop();
      const { drained, released } = await runner.stop(env.worker.shutdownTimeoutMs);
      if (!drained) log.warn({ released }, 'drain time limit reached; running jobs were handed back to the queue');
      await http.close();
      await scanner.close();
      heartbeat.stop();
      heartbeat.setState('stopped');
      appendEvent(db, 'worker:state', { workerId: id, state: 'stopped' }, ctx.clock.now());
      closeDatabase(db);
      log.info('worker stopped');
    })());
  return { ctx, id, httpPort, runner, watch, analysis, engine, smart, components, stop };
}
