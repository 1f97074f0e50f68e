import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { compileRule, compileSort, type SmartDefinition } from './rules';

/**
 * The tracks a smart playlist holds right now, in its order: one statement, rules bound as
 * parameters. A duration limit keeps tracks while the running total stays within it.
 */
export function smartTrackIds(ex: Executor, def: SmartDefinition, now: number, seed = 1): string[] {
  const where = compileRule(def.rules, now);
  const order = compileSort(def.sort, seed);
  const limit = def.limit;
  if (limit && 'durationMinutes' in limit) {
    const rows = ex.all<{ id: string }>(sql`
      SELECT id FROM (
        SELECT t.id AS id, row_number() OVER w AS n, sum(coalesce(t.duration_ms, 0)) OVER (w ROWS UNBOUNDED PRECEDING) AS running
        FROM tracks t WHERE ${where}
        WINDOW w AS (ORDER BY ${order})
      ) WHERE running <= ${limit.durationMinutes * 60_000} ORDER BY n`);
    return rows.map((r) => r.id);
  }
  const rows = ex.all<{ id: string }>(sql`SELECT t.id AS id FROM tracks t WHERE ${where} ORDER BY ${order} LIMIT ${limit && 'count' in limit ? limit.count : -1}`);
  return rows.map((r) => r.id);
}

/** How many tracks match the rules (before any limit). */
export function smartCount(ex: Executor, def: SmartDefinition, now: number): number {
  return ex.get<{ n: number }>(sql`SELECT count(*) AS n FROM tracks t WHERE ${compileRule(def.rules, now)}`).n;
}
