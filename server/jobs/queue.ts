import { and, asc, desc, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import { jobs, type Job, type JobProgress } from '@/drizzle/schema';
import type { Db, Executor } from '../db/client';
import { inWriteTx, writeTx } from '../db/tx';
import { appendEvent } from '../events/outbox';
import { InvalidError, NotFoundError, PreconditionError } from '../errors';
import type { AppContext } from '../context';
import { JOB_CATALOGUE, PRIORITY, type JobKind, type JobPayload } from './catalogue';

export interface EnqueueOptions {
  priority?: number;
  /** A second enqueue with the same key while the first is queued or running returns the first. */
  dedupeKey?: string;
  maxAttempts?: number;
  runAfter?: number;
}

export interface EnqueueResult {
  job: Job;
  created: boolean;
}

/**
 * Adds a job (inside the caller's transaction when given one). With a dedupe key, an active job
 * with the same key is returned instead, its priority raised if the new request is more urgent.
 */
/**
 * What a person's click queues: a job at user priority (unless said otherwise), deduplicated by
 * `dedupeKey` when given. Returns the job's id for the UI to follow, and whether an identical job
 * was already waiting.
 */
export function enqueueForUser<K extends JobKind>(ctx: AppContext, kind: K, payload: JobPayload<K>, opts: EnqueueOptions = {}) {
  const { job, created } = enqueueJob(ctx.db, kind, payload, { priority: PRIORITY.user, ...opts }, ctx.clock.now());
  return { jobId: job.id, alreadyQueued: !created };
}

export function enqueueJob<K extends JobKind>(ex: Executor, kind: K, payload: JobPayload<K>, opts: EnqueueOptions = {}, now = Date.now()): EnqueueResult {
  const parsed = JOB_CATALOGUE[kind].safeParse(payload);
  if (!parsed.success) throw new InvalidError(`Invalid payload for job ${kind}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const priority = opts.priority ?? 0;
  const run = (tx: Executor): EnqueueResult => {
    if (opts.dedupeKey) {
      const existing = activeByDedupeKey(tx, opts.dedupeKey);
      if (existing) {
        if (priority > existing.priority) {
          const job = tx.update(jobs).set({ priority, updatedAt: now }).where(eq(jobs.id, existing.id)).returning().get();
          return { job, created: false };
        }
        return { job: existing, created: false };
      }
    }
    const job = tx
      .insert(jobs)
      .values({
        kind,
        payload: parsed.data,
        status: 'queued',
        priority,
        dedupeKey: opts.dedupeKey ?? null,
        maxAttempts: opts.maxAttempts ?? 3,
        runAfter: opts.runAfter ?? now,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    appendEvent(tx, 'job:queued', { jobId: job.id, kind }, now);
    return { job, created: true };
  };
  return inWriteTx(ex, run);
}

export function activeByDedupeKey(ex: Executor, dedupeKey: string): Job | undefined {
  return ex
    .select()
    .from(jobs)
    .where(and(eq(jobs.dedupeKey, dedupeKey), inArray(jobs.status, ['queued', 'running'])))
    .get();
}

export function getJob(ex: Executor, id: number): Job | undefined {
  return ex.select().from(jobs).where(eq(jobs.id, id)).get();
}

export interface ClaimOptions {
  owner: string;
  leaseMs: number;
  /** Kinds this worker can run, each with its global concurrency limit. */
  limits: Partial<Record<JobKind, number>>;
  now?: number;
}

/**
 * Atomically claims the most urgent runnable job whose kind is below its concurrency limit
 * (counted across every worker process). Returns undefined when there is nothing to do.
 */
export function claimJob(db: Db, opts: ClaimOptions): Job | undefined {
  const now = opts.now ?? Date.now();
  const kinds = Object.keys(opts.limits) as JobKind[];
  if (kinds.length === 0) return undefined;
  // Cheap read first: most polls find nothing and must not take the write lock.
  const any = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.status, 'queued'), inArray(jobs.kind, kinds), sql`${jobs.runAfter} <= ${now}`))
    .limit(1)
    .get();
  if (!any) return undefined;
  return writeTx(db, (tx) => {
    const running = tx
      .select({ kind: jobs.kind, n: sql<number>`count(*)` })
      .from(jobs)
      .where(and(eq(jobs.status, 'running'), inArray(jobs.kind, kinds)))
      .groupBy(jobs.kind)
      .all();
    const busy = new Map(running.map((r) => [r.kind, r.n]));
    const open = kinds.filter((k) => (busy.get(k) ?? 0) < (opts.limits[k] ?? 1));
    if (open.length === 0) return undefined;
    const next = tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.status, 'queued'), inArray(jobs.kind, open), sql`${jobs.runAfter} <= ${now}`))
      .orderBy(desc(jobs.priority), asc(jobs.runAfter), asc(jobs.id))
      .limit(1)
      .get();
    if (!next) return undefined;
    const job = tx
      .update(jobs)
      .set({
        status: 'running',
        leaseOwner: opts.owner,
        leaseExpiresAt: now + opts.leaseMs,
        attempts: sql`${jobs.attempts} + 1`,
        startedAt: now,
        updatedAt: now,
      })
      .where(and(eq(jobs.id, next.id), eq(jobs.status, 'queued')))
      .returning()
      .get();
    if (job) appendEvent(tx, 'job:started', { jobId: job.id, kind: job.kind }, now);
    return job;
  });
}

/** Extends a lease. Returns whether it is still ours and whether cancellation was requested. */
export function renewLease(db: Db, id: number, owner: string, leaseMs: number, now = Date.now()): { owned: boolean; cancelRequested: boolean } {
  const row = db
    .update(jobs)
    .set({ leaseExpiresAt: now + leaseMs, updatedAt: now })
    .where(and(eq(jobs.id, id), eq(jobs.leaseOwner, owner), eq(jobs.status, 'running')))
    .returning({ cancelRequested: jobs.cancelRequested })
    .get();
  return { owned: Boolean(row), cancelRequested: row?.cancelRequested ?? false };
}

export function setProgress(db: Db, id: number, owner: string, progress: JobProgress, now = Date.now()): boolean {
  return writeTx(db, (tx) => {
    const row = tx
      .update(jobs)
      .set({ progress, updatedAt: now })
      .where(and(eq(jobs.id, id), eq(jobs.leaseOwner, owner), eq(jobs.status, 'running')))
      .returning({ kind: jobs.kind })
      .get();
    if (row) appendEvent(tx, 'job:progress', { jobId: id, kind: row.kind, done: progress.done, total: progress.total, message: progress.message }, now);
    return Boolean(row);
  });
}

function finish(db: Db, id: number, owner: string, set: Partial<Job>, now: number, event: (tx: Executor, kind: string) => void): boolean {
  return writeTx(db, (tx) => {
    const row = tx
      .update(jobs)
      .set({ ...set, leaseOwner: null, leaseExpiresAt: null, updatedAt: now })
      .where(and(eq(jobs.id, id), eq(jobs.leaseOwner, owner), eq(jobs.status, 'running')))
      .returning({ kind: jobs.kind })
      .get();
    if (row) event(tx, row.kind);
    return Boolean(row);
  });
}

export function completeJob(db: Db, id: number, owner: string, result: unknown, now = Date.now()) {
  return finish(db, id, owner, { status: 'succeeded', result: result ?? null, finishedAt: now, error: null }, now, (tx, kind) =>
    appendEvent(tx, 'job:succeeded', { jobId: id, kind }, now),
  );
}

export function cancelledJob(db: Db, id: number, owner: string, now = Date.now()) {
  return finish(db, id, owner, { status: 'cancelled', finishedAt: now }, now, (tx, kind) => appendEvent(tx, 'job:cancelled', { jobId: id, kind }, now));
}

export interface FailOptions {
  /** false: never retry (bad input, missing entity). */
  retryable: boolean;
  /** Reschedule after this delay without spending an attempt. */
  retryLaterMs?: number;
  baseDelayMs?: number;
}

/** Exponential backoff with ±20 % jitter: base · 2^(attempt-1). */
export function backoffMs(attempt: number, baseMs: number, maxMs = 10 * 60_000) {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.8 + Math.random() * 0.4));
}

/** Records a failure: re-queues with backoff while attempts remain, otherwise fails for good. */
export function failJob(db: Db, id: number, owner: string, error: string, opts: FailOptions, now = Date.now()): 'retrying' | 'failed' | 'lost' {
  return writeTx(db, (tx) => {
    const job = tx
      .select()
      .from(jobs)
      .where(and(eq(jobs.id, id), eq(jobs.leaseOwner, owner), eq(jobs.status, 'running')))
      .get();
    if (!job) return 'lost';
    if (opts.retryLaterMs !== undefined) {
      tx.update(jobs)
        .set({ status: 'queued', attempts: Math.max(0, job.attempts - 1), runAfter: now + opts.retryLaterMs, leaseOwner: null, leaseExpiresAt: null, error, updatedAt: now })
        .where(eq(jobs.id, id))
        .run();
      return 'retrying';
    }
    const willRetry = opts.retryable && job.attempts < job.maxAttempts;
    tx.update(jobs)
      .set(
        willRetry
          ? { status: 'queued', runAfter: now + backoffMs(job.attempts, opts.baseDelayMs ?? 2000), leaseOwner: null, leaseExpiresAt: null, error, updatedAt: now }
          : { status: 'failed', finishedAt: now, leaseOwner: null, leaseExpiresAt: null, error, updatedAt: now },
      )
      .where(eq(jobs.id, id))
      .run();
    appendEvent(tx, 'job:failed', { jobId: id, kind: job.kind, error, willRetry }, now);
    return willRetry ? 'retrying' : 'failed';
  });
}

/** Gives a running job back to the queue without counting the attempt (graceful shutdown). */
export function releaseJob(db: Db, id: number, owner: string, now = Date.now()) {
  return writeTx(db, (tx) => {
    const job = tx
      .select()
      .from(jobs)
      .where(and(eq(jobs.id, id), eq(jobs.leaseOwner, owner), eq(jobs.status, 'running')))
      .get();
    if (!job) return false;
    tx.update(jobs)
      .set({ status: 'queued', attempts: Math.max(0, job.attempts - 1), leaseOwner: null, leaseExpiresAt: null, runAfter: now, updatedAt: now })
      .where(eq(jobs.id, id))
      .run();
    return true;
  });
}

/**
 * Crash recovery: running jobs whose lease expired (or whose owner is known to be dead) go back
 * to the queue; their attempt counts, so a job that kills its worker every time ends up failed.
 */
export function requeueAbandoned(db: Db, now = Date.now(), isOwnerDead: (owner: string) => boolean = () => false): Job[] {
  return writeTx(db, (tx) => {
    const running = tx.select().from(jobs).where(eq(jobs.status, 'running')).all();
    const abandoned = running.filter((j) => (j.leaseExpiresAt ?? 0) < now || (j.leaseOwner !== null && isOwnerDead(j.leaseOwner)));
    for (const j of abandoned) {
      const exhausted = j.attempts >= j.maxAttempts;
      tx.update(jobs)
        .set(
          exhausted
            ? { status: 'failed', error: 'worker stopped while running this job, too many times', finishedAt: now, leaseOwner: null, leaseExpiresAt: null, updatedAt: now }
            : { status: 'queued', runAfter: now, leaseOwner: null, leaseExpiresAt: null, updatedAt: now },
        )
        .where(and(eq(jobs.id, j.id), eq(jobs.status, 'running')))
        .run();
      if (exhausted) appendEvent(tx, 'job:failed', { jobId: j.id, kind: j.kind, error: 'worker crashed', willRetry: false }, now);
    }
    return abandoned;
  });
}

/** Queued jobs are cancelled at once; running ones get a request their handler honours. */
export function requestCancel(db: Db, id: number, now = Date.now()): Job {
  return writeTx(db, (tx) => {
    const job = getJob(tx, id);
    if (!job) throw new NotFoundError('job', id);
    if (job.status === 'queued') {
      const out = tx.update(jobs).set({ status: 'cancelled', finishedAt: now, updatedAt: now }).where(eq(jobs.id, id)).returning().get();
      appendEvent(tx, 'job:cancelled', { jobId: id, kind: job.kind }, now);
      return out;
    }
    if (job.status === 'running') {
      return tx.update(jobs).set({ cancelRequested: true, updatedAt: now }).where(eq(jobs.id, id)).returning().get();
    }
    throw new PreconditionError(`Job ${id} has already finished (${job.status})`);
  });
}

/** Puts a failed or cancelled job back in the queue with fresh attempts. */
export function retryJob(db: Db, id: number, now = Date.now()): Job {
  return writeTx(db, (tx) => {
    const job = getJob(tx, id);
    if (!job) throw new NotFoundError('job', id);
    if (job.status !== 'failed' && job.status !== 'cancelled') throw new PreconditionError(`Only failed or cancelled jobs can be retried; job ${id} is ${job.status}`);
    if (job.dedupeKey && activeByDedupeKey(tx, job.dedupeKey)) throw new PreconditionError('An identical job is already queued or running');
    const out = tx
      .update(jobs)
      .set({ status: 'queued', attempts: 0, error: null, cancelRequested: false, runAfter: now, finishedAt: null, progress: null, updatedAt: now })
      .where(eq(jobs.id, id))
      .returning()
      .get();
    appendEvent(tx, 'job:queued', { jobId: id, kind: job.kind }, now);
    return out;
  });
}

/** Deletes finished jobs older than `olderThan`. */
export function pruneJobs(db: Db, olderThan: number): number {
  return db
    .delete(jobs)
    .where(and(inArray(jobs.status, ['succeeded', 'failed', 'cancelled']), isNotNull(jobs.finishedAt), lt(jobs.finishedAt, olderThan)))
    .run().changes;
}
