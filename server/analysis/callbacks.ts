import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { asc, eq, isNull } from 'drizzle-orm';
import { analysisCallbacks, analysisJobs, type AnalysisJob } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { writeTx } from '../db/tx';
import { appendEvent } from '../events/outbox';
import { failAttempt, markStageDone, settleJob } from './jobs';
import { applyStage, trackIdsForHash } from './results';
import { Envelope, errorText, stageSchema } from './schemas';

/** Bodies above this go to a file instead of the database row. */
export const INLINE_BODY_MAX = 256 * 1024;

export const callbacksDir = (ctx: Pick<AppContext, 'env'>) => path.join(ctx.env.dataDir, 'analysis-callbacks');

export type ReceiveResult =
  { status: 200; body: { message: string; job_id: string; stage: string }; callbackId: number } | { status: 400 | 401 | 404; body: { error: string; message: string } };

const secretsMatch = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
};

/** Whether any job was ever dispatched with this secret: checked before a byte of the body is read. */
export const callbackSecretKnown = (ctx: Pick<AppContext, 'db'>, secret: string) =>
  ctx.db.select({ id: analysisJobs.id }).from(analysisJobs).where(eq(analysisJobs.secret, secret)).get() !== undefined;

/**
 * Checks one callback delivery and stores it durably before it is acknowledged: the secret in the
 * URL must be the one issued with the job's current dispatch (else 401, nothing stored), the
 * envelope and the stage's data must validate (else 400, nothing stored). `bodyFile` is set when the
 * body was streamed to disk; it is moved into the callbacks folder, never read into a row.
 */
export function receiveCallback(ctx: AppContext, secret: string, parsed: unknown, source: { text?: string; bodyFile?: string }): ReceiveResult {
  const env = Envelope.safeParse(parsed);
  if (!env.success) {
    return { status: 400, body: { error: 'Invalid callback', message: env.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') } };
  }
  const e = env.data;
  const job = ctx.db.select().from(analysisJobs).where(eq(analysisJobs.audioHash, e.job_id)).get();
  if (!job?.secret || !secretsMatch(job.secret, secret)) return { status: 401, body: { error: 'Unauthorized', message: 'Unknown job or wrong callback secret' } };
  // the dispatch this secret was issued for is over, or this stage is in already: a late or replayed
  // delivery is acknowledged (so the server stops resending) and changes nothing
  const late = job.status !== 'dispatched' ? 'the job is finished' : e.stage !== 'job_completed' && job.stagesDone.includes(e.stage) ? 'this stage is in already' : null;
  if (late) {
    ctx.log.warn({ audioHash: e.job_id, stage: e.stage, status: job.status }, `late analysis callback ignored: ${late}`);
    return { status: 200, body: { message: `Ignored: ${late}`, job_id: e.job_id, stage: e.stage }, callbackId: 0 };
  }
  const failed = e.status === 'failed';
  const schema = failed ? undefined : stageSchema(e.stage);
  if (schema) {
    const d = schema.safeParse(e.data);
    if (!d.success) {
      return {
        status: 400,
        body: { error: 'Invalid callback', message: `${e.stage}: ${d.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ')}` },
      };
    }
  }
  const now = ctx.clock.now();
  const id = writeTx(ctx.db, (tx) => {
    const row = tx
      .insert(analysisCallbacks)
      .values({ audioHash: e.job_id, stage: e.stage, status: e.status ?? null, body: source.bodyFile ? null : (source.text ?? JSON.stringify(parsed)), receivedAt: now })
      .returning({ id: analysisCallbacks.id })
      .get();
    if (source.bodyFile) {
      const rel = path.join('analysis-callbacks', `${row.id}.json`);
      fs.mkdirSync(callbacksDir(ctx), { recursive: true });
      fs.renameSync(source.bodyFile, path.join(ctx.env.dataDir, rel));
      tx.update(analysisCallbacks).set({ bodyRelPath: rel }).where(eq(analysisCallbacks.id, row.id)).run();
    }
    tx.update(analysisJobs).set({ lastCallbackAt: now, updatedAt: now }).where(eq(analysisJobs.id, job.id)).run();
    return row.id;
  });
  return { status: 200, body: { message: 'Callback acknowledged', job_id: e.job_id, stage: e.stage }, callbackId: id };
}

export interface ProcessHooks {
  retryBaseMs: number;
  /** Stems need file work (copy, decode, download) before they count; the worker supplies it. */
  stems?: (job: AnalysisJob, data: unknown) => Promise<void>;
  /** After a stage landed (e.g. to answer an engine waiting for basic features). */
  onStage?: (job: AnalysisJob, stage: string, trackIds: string[]) => void;
  onSettled?: (job: AnalysisJob, outcome: 'completed' | 'requeued' | 'failed') => void;
}

function loadEnvelope(ctx: AppContext, row: typeof analysisCallbacks.$inferSelect): Envelope {
  const text = row.bodyRelPath ? fs.readFileSync(path.join(ctx.env.dataDir, row.bodyRelPath), 'utf8') : row.body!;
  return Envelope.parse(JSON.parse(text));
}

/** Applies one stored callback. Replays overwrite with the same values, so they change nothing. */
export async function processCallback(ctx: AppContext, row: typeof analysisCallbacks.$inferSelect, hooks: ProcessHooks): Promise<void> {
  const e = loadEnvelope(ctx, row);
  const now = () => ctx.clock.now();
  const job = () => ctx.db.select().from(analysisJobs).where(eq(analysisJobs.audioHash, e.job_id)).get();
  const current = job();
  if (!current) return;
  const settle = (serverDone = false) => {
    const j = job();
    if (!j) return;
    const r = writeTx(ctx.db, (tx) => {
      const s = settleJob(tx, j, now(), { serverDone });
      if (s.outcome === 'completed')
        appendEvent(tx, 'analysis:complete', { audioHash: j.audioHash, trackIds: trackIdsForHash(ctx.db, j.audioHash), stages: s.job.stagesDone }, now());
      return s;
    });
    if (r.outcome !== 'waiting') hooks.onSettled?.(r.job, r.outcome);
  };

  if (e.status === 'failed' || e.stage === 'job_failed' || e.stage === 'error') {
    const what = e.stage === 'job_failed' || e.stage === 'error' ? 'the analysis' : `stage ${e.stage}`;
    const reason = errorText(e.error ?? (e.data as { error?: unknown } | undefined)?.error, `${what} failed`);
    const updated = failAttempt(ctx.db, current.id, `${what} failed: ${reason}`, now(), { retryBaseMs: hooks.retryBaseMs });
    if (updated?.status === 'failed') hooks.onSettled?.(updated, 'failed');
    return;
  }
  if (e.stage === 'job_completed') return settle(true);
  if (e.stage === 'stems') {
    await hooks.stems?.(current, e.data);
    const after = job();
    if (after) writeTx(ctx.db, (tx) => markStageDone(tx, after, 'stems', now()));
    appendEvent(ctx.db, 'analysis:progress', { audioHash: e.job_id, stage: 'stems' }, now());
    hooks.onStage?.(current, 'stems', trackIdsForHash(ctx.db, e.job_id));
    return settle();
  }
  const applied = writeTx(ctx.db, (tx) => {
    const r = applyStage(tx, e.job_id, e.stage, e.data, now());
    const j = tx.select().from(analysisJobs).where(eq(analysisJobs.id, current.id)).get()!;
    markStageDone(tx, j, e.stage, now());
    appendEvent(tx, 'analysis:progress', { audioHash: e.job_id, stage: e.stage }, now());
    if (r.trackIds.length) appendEvent(tx, 'track:updated', { trackIds: r.trackIds, fields: ['bpm', 'key', 'energy', 'analysis'] }, now());
    return r;
  });
  for (const w of applied.warnings) ctx.log.warn({ audioHash: e.job_id, stage: e.stage }, w);
  hooks.onStage?.(current, e.stage, applied.trackIds);
  settle();
}

/**
 * Processes stored callbacks in arrival order, one at a time (also those a crash left behind).
 * A callback that throws is marked with its error and not retried forever.
 */
export async function processPendingCallbacks(ctx: AppContext, hooks: ProcessHooks): Promise<number> {
  let n = 0;
  for (;;) {
    const row = ctx.db.select().from(analysisCallbacks).where(isNull(analysisCallbacks.processedAt)).orderBy(asc(analysisCallbacks.id)).limit(1).get();
    if (!row) return n;
    let error: string | null = null;
    try {
      await processCallback(ctx, row, hooks);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      ctx.log.error({ err: e, callbackId: row.id, stage: row.stage }, 'analysis callback could not be processed');
    }
    // the row stays as a record of the delivery; its body (waveforms, base64 stems) is not kept
    ctx.db
      .update(analysisCallbacks)
      .set({ processedAt: ctx.clock.now(), error, ...(error ? {} : { body: null }) })
      .where(eq(analysisCallbacks.id, row.id))
      .run();
    if (row.bodyRelPath && !error) fs.rmSync(path.join(ctx.env.dataDir, row.bodyRelPath), { force: true });
    n++;
  }
}
