import { and, gt, lt, asc, desc, sql } from 'drizzle-orm';
import { events } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import type { EventMap, EventType, StoredEvent } from './catalogue';

/**
 * Appends an event. Call it inside the transaction that makes the change, so the event is
 * visible exactly when the change is.
 */
export function appendEvent<T extends EventType>(ex: Executor, type: T, payload: EventMap[T], at = Date.now()): number {
  const row = ex
    .insert(events)
    .values({ type, payload: payload as Record<string, unknown>, createdAt: at })
    .returning({ id: events.id })
    .get();
  return row.id;
}

export function readEventsAfter(ex: Executor, afterId: number, limit = 500): StoredEvent[] {
  return ex.select().from(events).where(gt(events.id, afterId)).orderBy(asc(events.id)).limit(limit).all() as StoredEvent[];
}

export function latestEventId(ex: Executor): number {
  return ex.select({ id: events.id }).from(events).orderBy(desc(events.id)).limit(1).get()?.id ?? 0;
}

/** Deletes events older than the retention window, always keeping the newest `keepAtLeast`. */
export function pruneEvents(ex: Executor, olderThan: number, keepAtLeast = 1000): number {
  const floor = ex.select({ id: events.id }).from(events).orderBy(desc(events.id)).limit(1).offset(keepAtLeast).get();
  if (!floor) return 0;
  return ex
    .delete(events)
    .where(and(lt(events.createdAt, olderThan), sql`${events.id} <= ${floor.id}`))
    .run().changes;
}
