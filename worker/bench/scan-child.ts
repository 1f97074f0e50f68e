/**
 * The measured part of bench:scan, in its own process like the real worker: a full scan of a
 * folder, then unchanged rescans. Prints one JSON line with timings, main-loop lag and peak RSS.
 *   tsx worker/bench/scan-child.ts LIBRARY WORKDIR THREADS
 */
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createAppContext } from '@/server/context';
import { systemClock } from '@/server/clock';
import { openDatabase } from '@/server/db/client';
import { runMigrations } from '@/server/db/migrate';
import { makeTestEnv } from '@/server/env';
import { silentLogger } from '@/server/log';
import { addFolder, runQueuedScan, scanNow } from '@/server/scan/testing';
import { createThreadedScanner } from '../scan/threaded-scanner';

const [lib, work, threads] = process.argv.slice(2) as [string, string, string];
const env = makeTestEnv({ DATA_DIR: path.join(work, 'data'), LOG_LEVEL: 'silent' });
const db = openDatabase(env.db.path);
runMigrations(db.$client);
const scanner = createThreadedScanner({ threads: Number(threads), log: silentLogger });
const ctx = createAppContext({ env, db, log: silentLogger, clock: systemClock, processKind: 'worker', ports: { scanner } });
const { dir, scanId } = await addFolder(ctx, lib);
await scanner.warm!(); // the worker starts its threads at boot
const lag = monitorEventLoopDelay({ resolution: 5 });
lag.enable();
const t0 = performance.now();
const full = await runQueuedScan(ctx, scanId, { scanner });
const fullMs = performance.now() - t0;
lag.disable();
const rescanMs: number[] = [];
let reread = 0;
for (let i = 0; i < 3; i++) {
  const t1 = performance.now();
  const r = await scanNow(ctx, dir.id, 'hybrid', { scanner });
  rescanMs.push(performance.now() - t1);
  reread += r.stats.processed;
}
await scanner.close();
db.$client.close();
const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1];
console.log(
  JSON.stringify({
    fullMs,
    found: full.stats.found,
    broken: full.stats.broken,
    bytesHashed: full.stats.bytesHashed,
    rescanMs,
    reread,
    lagP99Ms: lag.percentile(99) / 1e6,
    lagMaxMs: lag.max / 1e6,
    peakRssMb: Number(hwm) / 1024,
  }),
);
