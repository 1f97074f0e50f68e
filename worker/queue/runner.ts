import type { Job, JobProgress } from '@/drizzle/schema';
import type { AppContext } from '@/server/context';
import { DomainError, RetryLaterError, errorMessage } from '@/server/errors';
import { JOB_CATALOGUE, JOB_KINDS, isJobKind, type JobKind } from '@/server/jobs/catalogue';
import { cancelledJob, claimJob, completeJob, failJob, releaseJob, renewLease, requeueAbandoned, setProgress } from '@/server/jobs/queue';
import type { Logger } from '@/server/log';
import type { JobDefinition, JobOutcome, JobRegistry } from './define-job';
import { isOwnerDead } from './owner';

export interface RunnerOptions {
  owner: string;
  /** Jobs this process runs at once, whatever their kind. */
  maxParallel: number;
  pollMs?: number;
  leaseMs?: number;
  sweepMs?: number;
  progressEveryMs?: number;
}

type StopReason = 'cancelled' | 'shutdown' | 'lost' | 'timeout';

interface Running {
  job: Job;
  abort: AbortController;
  done: Promise<void>;
}

/**
 * Claims jobs from the shared SQLite queue and runs their handlers: leases renewed while a job
 * runs, cancel requests honoured through an AbortSignal, failures mapped to retries by error
 * code, abandoned jobs (crashed workers) re-queued, and a graceful drain on stop.
 */
export class JobRunner {
  private running = new Map<number, Running>();
  private timer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private log: Logger;

  constructor(
    private readonly ctx: AppContext,
    private readonly registry: JobRegistry,
    private readonly opts: RunnerOptions,
  ) {
    this.log = ctx.log.child({ module: 'jobs' });
  }

  get activeCount() {
    return this.running.size;
  }

  activeJobs(): { id: number; kind: string }[] {
    return [...this.running.values()].map((r) => ({ id: r.job.id, kind: r.job.kind }));
  }

  start() {
    this.sweep();
    this.schedule(0);
    this.sweepTimer = setInterval(() => this.sweep(), this.opts.sweepMs ?? 5_000);
  }

  /** Looks for work now instead of at the next poll (after this process enqueues something). */
  wake() {
    if (!this.stopping) this.schedule(0);
  }

  private schedule(ms: number) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
  }

  private sweep() {
    try {
      const back = requeueAbandoned(this.ctx.db, this.ctx.clock.now(), (o) => isOwnerDead(o, this.opts.owner));
      if (back.length) this.log.warn({ jobs: back.map((j) => j.id) }, 're-queued jobs abandoned by a stopped worker');
    } catch (e) {
      this.log.warn({ err: e }, 'sweep failed');
    }
  }

  private limits(): Partial<Record<JobKind, number>> {
    const out: Partial<Record<JobKind, number>> = {};
    for (const k of JOB_KINDS) out[k] = Math.max(1, (this.registry[k] as JobDefinition<JobKind>).concurrency(this.ctx));
    return out;
  }

  private tick() {
    this.timer = undefined;
    if (this.stopping) return;
    try {
      while (this.running.size < this.opts.maxParallel) {
        const job = claimJob(this.ctx.db, { owner: this.opts.owner, leaseMs: this.opts.leaseMs ?? 30_000, limits: this.limits(), now: this.ctx.clock.now() });
        if (!job) break;
        this.launch(job);
      }
    } catch (e) {
      this.log.warn({ err: e }, 'claim failed; will retry');
    }
    this.schedule(this.opts.pollMs ?? 250);
  }

  private launch(job: Job) {
    const abort = new AbortController();
    const done = this.execute(job, abort).finally(() => {
      this.running.delete(job.id);
      this.wake();
    });
    this.running.set(job.id, { job, abort, done });
  }

  private async execute(job: Job, abort: AbortController): Promise<void> {
    const { db, clock } = this.ctx;
    const owner = this.opts.owner;
    const log = this.log.child({ jobId: job.id, kind: job.kind });
    if (!isJobKind(job.kind)) {
      failJob(db, job.id, owner, `Unknown job kind "${job.kind}"`, { retryable: false }, clock.now());
      return;
    }
    const def: JobDefinition<JobKind> = this.registry[job.kind];
    const parsed = JOB_CATALOGUE[job.kind].safeParse(job.payload);
    if (!parsed.success) {
      failJob(db, job.id, owner, `Invalid payload: ${parsed.error.message}`, { retryable: false }, clock.now());
      return;
    }
    const leaseMs = def.leaseMs ?? this.opts.leaseMs ?? 30_000;
    const stop = (reason: StopReason) => {
      if (!abort.signal.aborted) abort.abort(reason);
    };
    const renew = setInterval(
      () => {
        try {
          const r = renewLease(db, job.id, owner, leaseMs, clock.now());
          if (!r.owned) stop('lost');
          else if (r.cancelRequested) stop('cancelled');
        } catch (e) {
          log.warn({ err: e }, 'lease renewal failed');
        }
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    const timeout = def.timeoutMs ? setTimeout(() => stop('timeout'), def.timeoutMs) : undefined;
    let pending: JobProgress | undefined;
    let lastProgress = 0;
    const flushProgress = () => {
      if (!pending) return;
      const p = pending;
      pending = undefined;
      lastProgress = Date.now();
      try {
        setProgress(db, job.id, owner, p, clock.now());
      } catch (e) {
        log.debug({ err: e }, 'progress write failed');
      }
    };
    const progressTimer = setInterval(flushProgress, this.opts.progressEveryMs ?? 500);
    const progress = (p: JobProgress) => {
      pending = p;
      if (Date.now() - lastProgress >= (this.opts.progressEveryMs ?? 500)) flushProgress();
    };
    try {
      log.debug('job started');
      const outcome: JobOutcome = await def.run({ ctx: this.ctx, payload: parsed.data, job, signal: abort.signal, progress });
      flushProgress();
      if (abort.signal.aborted) throw abort.signal.reason;
      const result = typeof outcome === 'string' ? { outcome } : outcome;
      completeJob(db, job.id, owner, result, clock.now());
      log.debug({ outcome: result.outcome }, 'job finished');
    } catch (e) {
      flushProgress();
      this.settleFailure(job, def, abort.signal, e, log);
    } finally {
      clearInterval(renew);
      clearInterval(progressTimer);
      if (timeout) clearTimeout(timeout);
    }
  }

  private settleFailure(job: Job, def: JobDefinition<JobKind>, signal: AbortSignal, e: unknown, log: Logger) {
    const { db, clock } = this.ctx;
    const owner = this.opts.owner;
    const now = clock.now();
    const reason = signal.aborted ? (signal.reason as StopReason) : undefined;
    if (reason === 'cancelled') {
      cancelledJob(db, job.id, owner, now);
      log.info('job cancelled');
      return;
    }
    if (reason === 'shutdown') {
      releaseJob(db, job.id, owner, now);
      log.info('job released for the next worker');
      return;
    }
    if (reason === 'lost') {
      log.warn('lease lost; another worker owns this job now');
      return;
    }
    const message = reason === 'timeout' ? `timed out after ${def.timeoutMs} ms` : errorMessage(e);
    if (e instanceof RetryLaterError) {
      failJob(db, job.id, owner, message, { retryable: true, retryLaterMs: e.delayMs }, now);
      return;
    }
    const permanent = e instanceof DomainError && (e.code === 'NOT_FOUND' || e.code === 'INVALID' || e.code === 'CONFLICT' || e.code === 'PRECONDITION');
    const outcome = failJob(db, job.id, owner, message, { retryable: !permanent, baseDelayMs: def.retryBaseMs }, now);
    const level = outcome === 'failed' ? 'error' : 'warn';
    log[level]({ err: e instanceof DomainError ? undefined : e, error: message, outcome }, 'job failed');
  }

  /** Stops claiming; waits for running jobs up to `timeoutMs`, then aborts and releases them. */
  async stop(timeoutMs: number): Promise<{ drained: boolean; released: number[] }> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    const all = () => Promise.all([...this.running.values()].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([all().then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)))]);
    clearTimeout(timer);
    const released = [...this.running.keys()];
    if (!drained) {
      for (const r of this.running.values()) r.abort.abort('shutdown' satisfies StopReason);
      await Promise.race([all(), new Promise((r) => setTimeout(r, 2_000))]);
    }
    return { drained, released: drained ? [] : released };
  }
}
