import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { jobs } from '@/drizzle/schema';
import { createTestContext, type TestContext } from '@/server/testing/create-test-context';
import { enqueueJob, getJob, requestCancel } from '@/server/jobs/queue';
import { InvalidError, UnavailableError } from '@/server/errors';
import { sleep } from '@/server/clock';
import { jobRegistry } from '../jobs';
import { defineJob, type JobRegistry } from './define-job';
import { JobRunner } from './runner';

let t: TestContext | undefined;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  t?.cleanup();
  t = undefined;
});

async function until(check: () => boolean, timeoutMs = 10_000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await sleep(20);
  }
}

function withHandler(run: JobRegistry['jobs.prune']['run'], concurrency = 1): JobRegistry {
  return { ...jobRegistry, 'jobs.prune': defineJob<'jobs.prune'>({ concurrency: () => concurrency, retryBaseMs: 10, run }) };
}

describe('JobRunner (in process)', () => {
  it('runs a job once and records its result', async () => {
    t = createTestContext({ file: true });
    t.clock.set(Date.now());
    let runs = 0;
    const runner = new JobRunner(
      t.ctx,
      withHandler(async () => ((runs += 1), { outcome: 'done', result: { ok: 1 } })),
      { owner: 'me', maxParallel: 2, pollMs: 10 },
    );
    const { job } = enqueueJob(t.db, 'jobs.prune', {}, {}, t.clock.now());
    runner.start();
    await until(() => getJob(t!.db, job.id)?.status === 'succeeded');
    await runner.stop(1000);
    expect(runs).toBe(1);
    expect(getJob(t.db, job.id)?.result).toEqual({ outcome: 'done', result: { ok: 1 } });
    expect(t.events().map((e) => e.type)).toEqual(expect.arrayContaining(['job:queued', 'job:started', 'job:succeeded']));
  });

  it('retries a failing job with backoff, then fails it for good after maxAttempts', async () => {
    t = createTestContext({ file: true });
    t.clock.set(Date.now());
    let runs = 0;
    const runner = new JobRunner(
      t.ctx,
      withHandler(async () => {
        runs += 1;
        throw new UnavailableError('analysis server down');
      }),
      { owner: 'me', maxParallel: 1, pollMs: 5 },
    );
    const { job } = enqueueJob(t.db, 'jobs.prune', {}, { maxAttempts: 3 }, t.clock.now());
    runner.start();
    // backoff schedules in clock time; move the fake clock forward as the runner waits
    const ticker = setInterval(() => t!.clock.advance(1_000), 10);
    await until(() => getJob(t!.db, job.id)?.status === 'failed');
    clearInterval(ticker);
    await runner.stop(1000);
    expect(runs).toBe(3);
    expect(getJob(t.db, job.id)).toMatchObject({ status: 'failed', attempts: 3, error: 'analysis server down' });
  });

  it('fails invalid work at once without retrying', async () => {
    t = createTestContext({ file: true });
    t.clock.set(Date.now());
    let runs = 0;
    const runner = new JobRunner(
      t.ctx,
      withHandler(async () => ((runs += 1), Promise.reject(new InvalidError('bad input')))),
      { owner: 'me', maxParallel: 1, pollMs: 5 },
    );
    const { job } = enqueueJob(t.db, 'jobs.prune', {}, { maxAttempts: 5 }, t.clock.now());
    runner.start();
    await until(() => getJob(t!.db, job.id)?.status === 'failed');
    await runner.stop(1000);
    expect(runs).toBe(1);
  });

  it('honours a cancel request through the AbortSignal', async () => {
    t = createTestContext({ file: true });
    t.clock.set(Date.now());
    let sawAbort = false;
    const runner = new JobRunner(
      t.ctx,
      withHandler(async ({ signal }) => {
        await sleep(60_000, signal);
        sawAbort = signal.aborted;
        return 'done';
      }),
      { owner: 'me', maxParallel: 1, pollMs: 5, leaseMs: 300 },
    );
    const { job } = enqueueJob(t.db, 'jobs.prune', {}, {}, t.clock.now());
    runner.start();
    await until(() => getJob(t!.db, job.id)?.status === 'running');
    requestCancel(t.db, job.id, t.clock.now());
    await until(() => getJob(t!.db, job.id)?.status === 'cancelled');
    await runner.stop(1000);
    expect(sawAbort).toBe(true);
  });

  it('respects the per-kind concurrency limit', async () => {
    t = createTestContext({ file: true });
    t.clock.set(Date.now());
    let inFlight = 0;
    let peak = 0;
    const runner = new JobRunner(
      t.ctx,
      withHandler(async () => {
        peak = Math.max(peak, ++inFlight);
        await sleep(30);
        inFlight--;
        return 'done';
      }, 2),
      { owner: 'me', maxParallel: 8, pollMs: 5 },
    );
    for (let i = 0; i < 10; i++) enqueueJob(t.db, 'jobs.prune', {}, {}, t.clock.now());
    runner.start();
    await until(() => t!.db.select().from(jobs).where(eq(jobs.status, 'succeeded')).all().length === 10);
    await runner.stop(1000);
    expect(peak).toBe(2);
  });

  it('hands running jobs back to the queue when the drain time limit is reached', async () => {
    t = createTestContext({ file: true });
    t.clock.set(Date.now());
    const runner = new JobRunner(
      t.ctx,
      withHandler(async ({ signal }) => (await sleep(60_000, signal), 'done')),
      { owner: 'me', maxParallel: 1, pollMs: 5 },
    );
    const { job } = enqueueJob(t.db, 'jobs.prune', {}, {}, t.clock.now());
    runner.start();
    await until(() => getJob(t!.db, job.id)?.status === 'running');
    const res = await runner.stop(100);
    expect(res.drained).toBe(false);
    expect(getJob(t.db, job.id)).toMatchObject({ status: 'queued', attempts: 0, leaseOwner: null });
  });
});

describe('JobRunner across processes', () => {
  function startHarness(dbFile: string, logFile: string, sleepMs: number, waitForReady = 1) {
    const c = spawn(process.execPath, ['--import', 'tsx', 'worker/queue/testing/harness.ts', dbFile, logFile, String(sleepMs), String(waitForReady)], {
      cwd: process.cwd(),
      stdio: 'ignore',
    });
    children.push(c);
    return c;
  }
  const lines = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').filter(Boolean) : []);

  it('finishes a job exactly once after its worker is killed with SIGKILL mid-run and restarted', async () => {
    t = createTestContext({ file: true });
    const dbFile = t.ctx.env.db.path;
    const logFile = path.join(t.tmp, 'log.txt');
    const { job } = enqueueJob(t.db, 'jobs.prune', {}, {}, Date.now());
    const first = startHarness(dbFile, logFile, 1_500);
    await until(() => lines(logFile).some((l) => l.startsWith(`start ${job.id}`)), 20_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    expect(getJob(t.db, job.id)?.status).toBe('running');
    startHarness(dbFile, logFile, 200);
    await until(() => getJob(t!.db, job.id)?.status === 'succeeded', 20_000);
    const log = lines(logFile);
    expect(log.filter((l) => l.startsWith(`finish ${job.id} `))).toHaveLength(1);
    expect(log.filter((l) => l.startsWith(`start ${job.id} `))).toHaveLength(2);
    expect(getJob(t.db, job.id)?.attempts).toBe(2);
  }, 60_000);

  it('never runs the same job twice when two workers start at once', async () => {
    t = createTestContext({ file: true });
    const dbFile = t.ctx.env.db.path;
    const logFile = path.join(t.tmp, 'log.txt');
    const ids = Array.from({ length: 40 }, () => enqueueJob(t!.db, 'jobs.prune', {}, {}, Date.now()).job.id);
    // both start claiming only once both are up, however slowly each process boots
    startHarness(dbFile, logFile, 100, 2);
    startHarness(dbFile, logFile, 100, 2);
    await until(() => t!.db.select().from(jobs).where(eq(jobs.status, 'succeeded')).all().length === ids.length, 30_000);
    const finishes = lines(logFile).filter((l) => l.startsWith('finish '));
    const starts = lines(logFile).filter((l) => l.startsWith('start '));
    expect(finishes).toHaveLength(40);
    expect(starts).toHaveLength(40);
    expect(new Set(finishes.map((l) => l.split(' ')[1])).size).toBe(40);
    // both workers took part
    expect(new Set(starts.map((l) => l.split(' ')[2])).size).toBe(2);
  }, 60_000);
});
