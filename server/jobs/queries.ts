import { and, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { jobs, type Job } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { JOB_LABELS, isJobKind } from './catalogue';
import { ListJobsInput } from './schemas';

export interface JobView extends Job {
  label: string;
}

const view = (j: Job): JobView => ({ ...j, label: isJobKind(j.kind) ? JOB_LABELS[j.kind] : j.kind });

/** Jobs for the Activity page: running and queued first (by priority), then the most recent. */
export function listJobs(ex: Executor, raw: ListJobsInput = {}): { items: JobView[]; nextCursor: number | null } {
  const input = ListJobsInput.parse(raw);
  const where: SQL[] = [];
  if (input.view === 'active') where.push(inArray(jobs.status, ['queued', 'running']));
  if (input.view === 'finished') where.push(inArray(jobs.status, ['succeeded', 'failed', 'cancelled']));
  if (input.view === 'failed') where.push(eq(jobs.status, 'failed'));
  if (input.kind) where.push(eq(jobs.kind, input.kind));
  if (input.beforeId) where.push(lt(jobs.id, input.beforeId));
  const rows = ex
    .select()
    .from(jobs)
    .where(where.length ? and(...where) : undefined)
    .orderBy(sql`case ${jobs.status} when 'running' then 0 when 'queued' then 1 else 2 end`, desc(jobs.id))
    .limit(input.limit + 1)
    .all();
  const items = rows.slice(0, input.limit).map(view);
  return { items, nextCursor: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null };
}

export function jobCounts(ex: Executor): Record<Job['status'], number> {
  const rows = ex
    .select({ status: jobs.status, n: sql<number>`count(*)` })
    .from(jobs)
    .groupBy(jobs.status)
    .all();
  const out = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const r of rows) out[r.status] = r.n;
  return out;
}

export function jobById(ex: Executor, id: number): JobView | undefined {
  const j = ex.select().from(jobs).where(eq(jobs.id, id)).get();
  return j ? view(j) : undefined;
}
