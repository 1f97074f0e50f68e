import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { ms } from './columns';

/** Outbox of live events, appended in the same transaction as the change they describe. */
export const events = sqliteTable(
  'events',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    type: text().notNull(),
    payload: text({ mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: ms().notNull(),
  },
  (t) => [index('events_created_idx').on(t.createdAt)],
);

export type EventRow = typeof events.$inferSelect;
