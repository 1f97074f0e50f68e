import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { bool, ms } from './columns';

/** The durable job queue: the web enqueues, workers claim with a lease. */
export const jobs = sqliteTable(
  'jobs',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    kind: text().notNull(),
    payload: text({ mode: 'json' }).$type<unknown>().notNull(),
    status: text({ enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled'] }).notNull(),
    /** Higher runs first. */
    priority: integer().notNull().default(0),
    dedupeKey: text(),
    attempts: integer().notNull().default(0),
    maxAttempts: integer().notNull().default(3),
    runAfter: ms().notNull(),
    leaseOwner: text(),
    leaseExpiresAt: ms(),
    cancelRequested: bool().notNull().default(false),
    progress: text({ mode: 'json' }).$type<JobProgress>(),
    result: text({ mode: 'json' }).$type<unknown>(),
    error: text(),
    createdAt: ms().notNull(),
    startedAt: ms(),
    finishedAt: ms(),
    updatedAt: ms().notNull(),
  },
  (t) => [
    index('jobs_claim_idx').on(t.status, t.priority, t.runAfter),
    index('jobs_finished_idx').on(t.finishedAt),
    uniqueIndex('jobs_active_dedupe_uq')
      .on(t.dedupeKey)
      .where(sql`status in ('queued', 'running') and dedupe_key is not null`),
  ],
);

export interface JobProgress {
  done: number;
  total: number | null;
  message?: string;
  [k: string]: unknown;
}

export type Job = typeof jobs.$inferSelect;
