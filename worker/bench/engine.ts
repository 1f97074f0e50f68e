/**
 * npm run bench:engine -- [--files N] [--requests N]
 *
 * The audio engine's view of us: a fake engine (this process) talks to a real worker process over
 * a real WebSocket and times each reply from send to receipt.
 *   - getTrackInfo for random analysed tracks (with hot cues), one request at a time
 *   - baseline in the same run, interleaved with it: an unknown command, which the worker answers
 *     without touching the database (the WebSocket + event-loop floor)
 *   - both idle, then during full scans of a generated library (tags re-read and every file
 *     re-hashed); a new full scan is started whenever one ends, so every timed request overlaps one
 *   - during built-in analysis (every track analysed again, ANALYSIS_THREADS threads), with the
 *     worker's own main-loop delay (its heartbeat's event-loop histogram) alongside
 * Target: getTrackInfo p99 < 20 ms during the scan and during analysis; main-loop delay p99 < 20 ms.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { audioAnalysis, hotCues, scans, tracks } from '@/drizzle/schema';
import { systemClock } from '@/server/clock';
import { createAppContext } from '@/server/context';
import { openDatabase } from '@/server/db/client';
import { runMigrations } from '@/server/db/migrate';
import { makeTestEnv } from '@/server/env';
import { silentLogger } from '@/server/log';
import { requestAnalysis } from '@/server/analysis/jobs';
import { ANALYSIS_PRIORITY } from '@/server/analysis/schemas';
import { startScan } from '@/server/scan/start-scan';
import { currentWorker } from '@/server/system/worker-status';
import { addFolder } from '@/server/scan/testing';
import { startFakeEngine, type FakeEngine } from '@/server/testing/fake-audio-engine';
import { benchLibrary } from './library';
import { median, percentile, printTable, type Row } from '@/server/bench/report';
import { componentOf, type MainLoopComponent } from '@/server/system/components';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const FILES = Number(opt('--files') ?? 2000);
const REQUESTS = Number(opt('--requests') ?? 10_000);
const BENCH = path.join(os.tmpdir(), 'mismo-bench');

fs.mkdirSync(BENCH, { recursive: true });
const lib = await benchLibrary(FILES, BENCH);
const work = fs.mkdtempSync(path.join(BENCH, 'engine-'));
const engine = await startFakeEngine({ version: 'bench' });
const env = makeTestEnv({ DATA_DIR: path.join(work, 'data') });
const db = openDatabase(env.db.path);
runMigrations(db.$client);
const ctx = createAppContext({ env, db, log: silentLogger, clock: systemClock, processKind: 'cli', ports: {} });
const { dir, scanId } = await addFolder(ctx, lib);
// the first phases time the engine's replies against scans alone: analysis waits until asked for
ctx.settings.update({ 'analysis.engine': 'server' });

console.error('starting the worker; first scan…');
const worker = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
  env: { ...process.env, DATA_DIR: env.dataDir, AUDIO_SERVER_WS_URL: engine.url, PYTHON_SERVER_URL: '', WORKER_PORT: '0', LOG_LEVEL: 'warn', NODE_ENV: 'production' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const stopWorker = () => worker.kill('SIGTERM');
process.on('exit', stopWorker);
const scanStatus = (id: number) => db.select({ s: scans.status }).from(scans).where(eq(scans.id, id)).get()?.s;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
while (scanStatus(scanId) !== 'completed') await sleep(200);
while (!engine.connected) await sleep(50);

// every track analysed (as if the analysis server had been), a third with cues
const ids = db.transaction((tx) => {
  const rows = tx.select({ id: tracks.id, hash: tracks.audioHash }).from(tracks).where(eq(tracks.isBroken, false)).all();
  const now = Date.now();
  for (const [i, r] of rows.entries()) {
    if (!r.hash) continue;
    tx.insert(audioAnalysis)
      .values({
        audioHash: r.hash,
        bpm: 120 + (i % 20),
        keyPitch: i % 12,
        keyMode: i % 2,
        firstBeatOffset: 0.1,
        firstPhraseBeat: 1,
        stagesDone: ['basic_features'],
        basicAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .run();
    if (i % 3 === 0)
      for (let c = 0; c < 4; c++)
        tx.insert(hotCues)
          .values({ id: crypto.randomUUID(), trackId: r.id, cueIndex: c, positionSec: 16 * c, createdAt: now, updatedAt: now })
          .run();
  }
  tx.run(sql`UPDATE tracks SET is_analyzed = 1, bpm = coalesce(bpm, 124)`);
  return rows.filter((r) => r.hash).map((r) => r.id);
});
console.error(`${ids.length} tracks ready; ${REQUESTS} requests idle, then ${REQUESTS} during full scans…`);

let seq = 0;
/** One request, timed from send to the reply with its requestId. */
async function timed(e: FakeEngine, message: Record<string, unknown>): Promise<number> {
  const requestId = `b-${++seq}`;
  const from = e.received.length;
  const t0 = performance.now();
  e.send({ ...message, requestId });
  const reply = await e.waitFor((m) => m.requestId === requestId, 10_000, from);
  if (message.command === 'getTrackInfo' && reply.success !== true) throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
  return performance.now() - t0;
}

async function run(n: number, during?: () => Promise<boolean>) {
  const info: number[] = [];
  const floor: number[] = [];
  while (info.length < n) {
    if (during && info.length % 100 === 0 && !(await during())) continue;
    info.push(await timed(engine, { command: 'getTrackInfo', trackId: ids[Math.floor(Math.random() * ids.length)] }));
    floor.push(await timed(engine, { command: 'bench.noop' }));
  }
  return { info, floor };
}

// warm up (JIT, statement cache), then idle
await run(500);
const idle = await run(REQUESTS);

// during full scans: start one, wait until it runs, restart it whenever it finishes
let current = 0;
let scansRun = 0;
const duringScan = async () => {
  const s = current ? scanStatus(current) : undefined;
  if (s === 'running') return true;
  if (!current || s === 'completed' || s === 'failed' || s === 'cancelled') {
    current = startScan(ctx, { directoryId: dir.id, strategy: 'full' }).scan.id;
    scansRun++;
  }
  while (scanStatus(current) === 'queued') await sleep(5);
  return scanStatus(current) === 'running';
};
const t0 = performance.now();
const busy = await run(REQUESTS, duringScan);
const busyMs = performance.now() - t0;
while (scanStatus(current) === 'running') await sleep(100);

// during built-in analysis: every track again, at the priority new imports get
console.error('during built-in analysis…');
ctx.settings.update({ 'analysis.engine': 'builtin' });
const hashes = db
  .selectDistinct({ h: tracks.audioHash })
  .from(tracks)
  .where(sql`${tracks.audioHash} IS NOT NULL AND ${tracks.isBroken} = 0`)
  .all();
db.transaction((tx) => {
  for (const { h } of hashes) requestAnalysis(tx, { audioHash: h!, priority: ANALYSIS_PRIORITY.auto, force: true }, Date.now());
});
const running = () => db.get<{ n: number }>(sql`SELECT count(*) AS n FROM analysis_jobs WHERE status = 'dispatched' AND server_url = 'builtin'`).n > 0;
const loopLag = { p99: 0, max: 0 };
const sampleLag = () => {
  const c: Partial<MainLoopComponent> = componentOf(currentWorker(db, Date.now()).components, 'mainLoop') ?? {};
  loopLag.p99 = Math.max(loopLag.p99, c.p99Ms ?? 0);
  loopLag.max = Math.max(loopLag.max, c.maxMs ?? 0);
};
const left = () => db.get<{ n: number }>(sql`SELECT count(*) AS n FROM analysis_jobs WHERE status IN ('queued', 'dispatched')`).n;
const t1 = performance.now();
// requests all the way through: the whole library analysed again (or 20 minutes at most)
const analysing: { info: number[]; floor: number[] } = { info: [], floor: [] };
while (left() > 0 && performance.now() - t1 < 20 * 60_000) {
  for (let i = 0; i < 200 && !running() && left() > 0; i++) await sleep(25);
  sampleLag();
  const r = await run(100);
  analysing.info.push(...r.info);
  analysing.floor.push(...r.floor);
  await sleep(50);
}
const analysingMs = performance.now() - t1;
const analysed = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM analysis_jobs WHERE status = 'completed' AND server_url = 'builtin'`).n;
ctx.settings.update({ 'analysis.engine': 'server' });

// a loop, not Math.max(...xs): the analysis phase collects more samples than the call stack takes arguments
const stats = (xs: number[]) => ({ p50: median(xs), p99: percentile(xs, 99), max: xs.reduce((m, x) => (x > m ? x : m), -Infinity) });
const rows: Row[] = [];
const fmt = (x: number) => `${x.toFixed(2)} ms`;
for (const [label, r] of [
  ['idle', idle],
  ['during full scan', busy],
  ['during built-in analysis', analysing],
] as const) {
  const a = stats(r.info);
  const b = stats(r.floor);
  rows.push([`getTrackInfo, ${label}`, `p50 ${fmt(a.p50)}  p99 ${fmt(a.p99)}  max ${fmt(a.max)}`, `${r.info.length} requests`]);
  rows.push([
    `  baseline (no-op command), ${label}`,
    `p50 ${fmt(b.p50)}  p99 ${fmt(b.p99)}  max ${fmt(b.max)}`,
    `ratio p50 ${(a.p50 / b.p50).toFixed(2)}×  p99 ${(a.p99 / b.p99).toFixed(2)}×`,
  ]);
}
printTable(`bench:engine — ${ids.length} tracks, ${FILES} files; ${scansRun} full scans during the busy phase (${(busyMs / 1000).toFixed(1)} s)`, rows);
const p99 = stats(busy.info).p99;
const p99a = stats(analysing.info).p99;
console.log(
  `\nbuilt-in analysis phase: ${(analysingMs / 1000).toFixed(1)} s, ${analysed} tracks analysed; worker main-loop delay p99 ${loopLag.p99} ms, max ${loopLag.max} ms (heartbeat histogram, 10 ms resolution)`,
);
printTable('targets', [
  ['getTrackInfo p99 during a full scan', fmt(p99), p99 < 20 ? '< 20 ms  ✓' : '< 20 ms  ✗ MISSED'],
  ['getTrackInfo p99 during built-in analysis', fmt(p99a), p99a < 20 ? '< 20 ms  ✓' : '< 20 ms  ✗ MISSED'],
  ['worker main-loop delay p99 during built-in analysis', `${loopLag.p99} ms`, loopLag.p99 < 20 ? '< 20 ms  ✓' : '< 20 ms  ✗ MISSED'],
]);

stopWorker();
await new Promise((r) => worker.once('exit', r));
await engine.close();
db.$client.close();
fs.rmSync(work, { recursive: true, force: true });
