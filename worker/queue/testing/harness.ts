/**
 * A real JobRunner in its own process, for crash and concurrency tests. The handler of
 * `jobs.prune` is replaced by one that logs "start <id> <pid>" / "finish <id> <pid>" lines to a
 * file and sleeps, so a test can kill the process mid-job and count what ran.
 *   node --import tsx worker/queue/testing/harness.ts <db> <log> <sleepMs> [<waitForReady>]
 * With waitForReady = N, the runner starts only once N harnesses have written "ready" (so a test of
 * several workers is not won by whichever process happened to boot first on a loaded machine).
 */
import fs from 'node:fs';
import { createAppContext } from '@/server/context';
import { systemClock, sleep } from '@/server/clock';
import { openDatabase } from '@/server/db/client';
import { runMigrations } from '@/server/db/migrate';
import { makeTestEnv } from '@/server/env';
import { silentLogger } from '@/server/log';
import { jobRegistry } from '../../jobs';
import { defineJob } from '../define-job';
import { makeOwnerId } from '../owner';
import { JobRunner } from '../runner';

const [dbFile, logFile, sleepText, waitText] = process.argv.slice(2);
const db = openDatabase(dbFile!);
runMigrations(db.$client);
const ctx = createAppContext({ env: makeTestEnv(), db, log: silentLogger, clock: systemClock, processKind: 'worker' });
const line = (s: string) => fs.appendFileSync(logFile!, `${s}\n`);
const registry = {
  ...jobRegistry,
  'jobs.prune': defineJob<'jobs.prune'>({
    concurrency: () => 4,
    async run({ job, signal }) {
      line(`start ${job.id} ${process.pid}`);
      await sleep(Number(sleepText), signal);
      if (signal.aborted) throw new Error('aborted');
      line(`finish ${job.id} ${process.pid}`);
      return 'done';
    },
  }),
};
const runner = new JobRunner(ctx, registry, { owner: makeOwnerId(), maxParallel: 4, pollMs: 20, leaseMs: 3_000, sweepMs: 200 });
line(`ready ${process.pid}`);
const readyCount = () =>
  fs
    .readFileSync(logFile!, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('ready ')).length;
while (readyCount() < Number(waitText ?? 1)) await sleep(20);
runner.start();
process.on('SIGTERM', () => {
  void runner.stop(5_000).then(() => process.exit(0));
});
