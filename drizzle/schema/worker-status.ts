import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';
import { ms } from './columns';

/** Heartbeat row per worker process; the web shows "worker offline" when it is stale. */
export const workerStatus = sqliteTable('worker_status', {
  id: text().primaryKey(),
  pid: integer().notNull(),
  hostname: text().notNull(),
  version: text().notNull(),
  state: text({ enum: ['starting', 'running', 'stopping', 'stopped'] }).notNull(),
  components: text({ mode: 'json' }).$type<Record<string, ComponentState>>().notNull().default({}),
  startedAt: ms().notNull(),
  heartbeatAt: ms().notNull(),
});

export interface ComponentState {
  state: string;
  detail?: string;
  [k: string]: unknown;
}

export type WorkerStatus = typeof workerStatus.$inferSelect;
