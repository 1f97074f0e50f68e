/**
 * npm run bench:stalls -- [--tracks 100000] [--files 300] [--limit-s 300] [--profile DIR]
 *
 * How long the worker's main loop is ever held (issue 25: never more than 100 ms), measured on the
 * real worker process while everything happens at once on a big library:
 *   - start-up beside a database of `--tracks` tracks;
 *   - a scan of a folder holding those tracks whose files are all gone (a drive emptied while the
 *     library was away): read, marked missing, duplicate groups refreshed;
 *   - a scan of `--files` real generated files, analysed by the built-in analyzer as they come in;
 *   - a backup, and a journaled move of 50 of those files, once the real files are in.
 * The baseline, in the same run: the same worker idle on an empty library for the same time.
 * Figures come from the worker itself (its heartbeat's longest stall, its "main loop was blocked"
 * log lines), not from outside. `--profile DIR` writes the mix worker's CPU profile there, with its
 * log, to see what held the loop (the log's processMs is the time since the process started).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { analysisJobs, fileOperations, jobs, scans, tracks, workerStatus } from '@/drizzle/schema';
import { systemClock } from '@/server/clock';
import { createAppContext } from '@/server/context';
import { closeDatabase, openDatabase } from '@/server/db/client';
import { runMigrations } from '@/server/db/migrate';
import { loadEnv } from '@/server/env';
import { commitPlan, planMove } from '@/server/files/plan';
import { enqueueJob } from '@/server/jobs/queue';
import { createDirectory } from '@/server/library/create-directory';
import { createLogger } from '@/server/log';
import { freePort } from '@/server/testing/free-port';
import { fixtureLibrary } from '@/server/testing/library/generate';
import { seedTracks } from '@/server/testing/seed-tracks';
import { printTable, type Row } from '@/server/bench/report';
import { componentOf, type MainLoopComponent } from '@/server/system/components';
import { fillFolder } from './library';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => Number(args[args.indexOf(`--${name}`) + 1] || 0) || dflt;
const TRACKS = arg('tracks', 100_000);
const FILES = arg('files', 300);
const LIMIT_MS = arg('limit-s', 300) * 1000;
const PROFILE = args.includes('--profile') ? path.resolve(args[args.indexOf('--profile') + 1]!) : undefined;

interface Figures {
  seconds: number;
  /** Longest stall after the worker's first 10 s, and during them. */
  worstMs: number;
  worstStartupMs: number;
  /** Every stall of 100 ms or more the worker logged, in ms. */
  stalls: number[];
}

const until = async (what: string, cond: () => boolean, limitMs = LIMIT_MS) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

/** Runs the worker on `dataDir` until `done()` holds (checked with the bench's own connection). */
async function runWorker(
  dataDir: string,
  profile: string | undefined,
  done: (db: ReturnType<typeof openDatabase>, t0: number) => boolean,
  during?: (db: ReturnType<typeof openDatabase>) => Promise<void>,
): Promise<Figures> {
  const log = path.join(dataDir, 'worker.log');
  const out = fs.openSync(log, 'w');
  const port = await freePort();
  const child = spawn(process.execPath, [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), '--import', 'tsx', 'worker/main.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, WORKER_PORT: String(port), LOG_LEVEL: 'info', AUDIO_SERVER_WS_URL: '', PYTHON_SERVER_URL: '' },
    stdio: ['ignore', out, out],
  });
  const db = openDatabase(path.join(dataDir, 'library.db'));
  const t0 = Date.now();
  try {
    await until('the worker to start', () => db.select().from(workerStatus).where(eq(workerStatus.state, 'running')).get() !== undefined, 120_000);
    await during?.(db);
    await until('the work to finish', () => done(db, t0));
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.closeSync(out);
  }
  const seconds = (Date.now() - t0) / 1000;
  const row = db.select().from(workerStatus).get()!;
  closeDatabase(db);
  if (profile) fs.copyFileSync(log, path.join(profile, 'worker.log'));
  const loop: Partial<MainLoopComponent> = componentOf(row.components, 'mainLoop') ?? {};
  const stalls = fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.includes('the main loop was blocked'))
    .map((l) => (JSON.parse(l) as { stalledMs: number }).stalledMs);
  return { seconds, worstMs: loop.worstStallMs ?? 0, worstStartupMs: loop.worstStartupStallMs ?? 0, stalls };
}

function prepare(name: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `mismo-stalls-${name}-`));
  const env = loadEnv({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const db = openDatabase(env.db.path);
  runMigrations(db.$client);
  const ctx = createAppContext({ env, db, log: createLogger(env, 'cli'), clock: systemClock, processKind: 'cli' });
  return { dataDir, db, ctx };
}

async function main() {
  const lib = await fixtureLibrary({ n: 40, seed: 11, edgeCases: false });

  // the baseline: an empty library, idle
  const base = prepare('idle');
  closeDatabase(base.db);
  const idleFor = 20_000;
  const idle = await runWorker(base.dataDir, undefined, (_db, t0) => Date.now() - t0 > idleFor);

  // everything at once
  const { dataDir, db, ctx } = prepare('mix');
  const folders = fs.mkdtempSync(path.join(os.tmpdir(), 'mismo-stalls-music-'));
  const emptied = path.join(folders, 'emptied');
  const real = path.join(folders, 'music');
  fs.mkdirSync(emptied);
  fillFolder(real, lib.root, FILES, 50);
  const gone = await createDirectory(ctx, { path: emptied });
  const t0 = performance.now();
  seedTracks(db, TRACKS, { seed: 7, directoryId: gone.id, now: Date.now() });
  console.log(`[stalls] ${TRACKS.toLocaleString('en-US')} tracks seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${FILES} real files`);
  const music = await createDirectory(ctx, { path: real });
  closeDatabase(db);
  let batchId = '';
  let backupJob = 0;
  if (PROFILE) fs.mkdirSync(PROFILE, { recursive: true });
  const mix = await runWorker(
    dataDir,
    PROFILE,
    (db) => {
      const scansOpen = db
        .select()
        .from(scans)
        .where(inArray(scans.status, ['queued', 'running']))
        .all().length;
      const analysing = db
        .select()
        .from(analysisJobs)
        .where(inArray(analysisJobs.status, ['queued', 'dispatched']))
        .all().length;
      const opsOpen = db
        .select()
        .from(fileOperations)
        .where(and(eq(fileOperations.batchId, batchId), inArray(fileOperations.status, ['pending', 'in_progress'])))
        .all().length;
      const backup = db.select().from(jobs).where(eq(jobs.id, backupJob)).get();
      return scansOpen === 0 && analysing === 0 && opsOpen === 0 && backup?.status === 'succeeded';
    },
    async (wdb) => {
      // once the real files are in: a backup and a journaled move, while analysis goes on
      await until('the real files to be scanned', () => wdb.select({ id: tracks.id }).from(tracks).where(eq(tracks.directoryId, music.id)).all().length >= FILES);
      const wctx = createAppContext({ env: ctx.env, db: wdb, log: ctx.log, clock: systemClock, processKind: 'cli' });
      backupJob = enqueueJob(wdb, 'backup.create', { reason: 'manual' }).job.id;
      const ids = wdb.select({ id: tracks.id }).from(tracks).where(eq(tracks.directoryId, music.id)).limit(50).all();
      const plan = await planMove(wctx, { trackIds: ids.map((r) => r.id), folder: path.join(real, 'Moved') });
      batchId = commitPlan(wctx, plan).batchId;
    },
  );

  const over = (f: Figures) => f.stalls.filter((s) => s >= 100).length;
  const rows: Row[] = [
    ['', 'idle, empty library (baseline)', `mix: ${TRACKS.toLocaleString('en-US')} tracks, ${FILES} files`],
    ['ran for', `${idle.seconds.toFixed(0)} s`, `${mix.seconds.toFixed(0)} s`],
    ['longest stall after start-up', `${idle.worstMs} ms`, `${mix.worstMs} ms (${(mix.worstMs / Math.max(1, idle.worstMs)).toFixed(1)}× baseline; target < 100 ms)`],
    ['longest stall in the first 10 s', `${idle.worstStartupMs} ms`, `${mix.worstStartupMs} ms (${(mix.worstStartupMs / Math.max(1, idle.worstStartupMs)).toFixed(1)}× baseline)`],
    ['stalls of 100 ms or more', String(over(idle)), `${over(mix)}${mix.stalls.length ? ` (${mix.stalls.join(', ')} ms)` : ''}`],
  ];
  printTable('Worker main-loop stalls (from the worker heartbeat and log)', rows);
  fs.rmSync(base.dataDir, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(folders, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
