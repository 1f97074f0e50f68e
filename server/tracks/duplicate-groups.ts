import { and, eq, inArray, sql } from 'drizzle-orm';
import { duplicateGroups, tracks } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { appendEvent } from '../events/outbox';

const CHUNK = 400;

/**
 * Brings duplicate groups up to date for the given audio hashes: present, playable tracks
 * sharing a hash form a group (missing and broken copies are not duplicates). Emits
 * `duplicate:detected` when a group appears or gains a member. Call inside a write transaction.
 */
export function refreshDuplicateGroups(tx: Executor, hashes: Iterable<string>, now: number): number {
  const list = [...new Set([...hashes].filter(Boolean))];
  let detected = 0;
  for (let i = 0; i < list.length; i += CHUNK) {
    const chunk = list.slice(i, i + CHUNK);
    const members = tx
      .select({ id: tracks.id, audioHash: tracks.audioHash, isMissing: tracks.isMissing, isBroken: tracks.isBroken })
      .from(tracks)
      .where(inArray(tracks.audioHash, chunk))
      .all();
    const byHash = new Map<string, string[]>();
    for (const m of members) if (!m.isMissing && !m.isBroken) (byHash.get(m.audioHash!) ?? byHash.set(m.audioHash!, []).get(m.audioHash!)!).push(m.id);
    const existing = new Map(
      tx
        .select()
        .from(duplicateGroups)
        .where(inArray(duplicateGroups.audioHash, chunk))
        .all()
        .map((g) => [g.audioHash, g]),
    );
    for (const hash of chunk) {
      const ids = byHash.get(hash) ?? [];
      const group = existing.get(hash);
      if (ids.length >= 2) {
        const row = group
          ? tx
              .update(duplicateGroups)
              .set({ memberCount: ids.length, updatedAt: now, ...(ids.length > group.memberCount ? { status: 'open' as const, resolvedAt: null } : {}) })
              .where(eq(duplicateGroups.id, group.id))
              .returning()
              .get()
          : tx.insert(duplicateGroups).values({ audioHash: hash, memberCount: ids.length, createdAt: now, updatedAt: now }).returning().get();
        tx.update(tracks).set({ duplicateGroupId: row.id }).where(inArray(tracks.id, ids)).run();
        tx.update(tracks)
          .set({ duplicateGroupId: null })
          .where(
            and(
              eq(tracks.audioHash, hash),
              sql`${tracks.id} not in (${sql.join(
                ids.map((x) => sql`${x}`),
                sql`, `,
              )})`,
            ),
          )
          .run();
        if (!group || ids.length > group.memberCount) {
          appendEvent(tx, 'duplicate:detected', { groupId: row.id, audioHash: hash, trackIds: ids }, now);
          detected++;
        }
      } else if (group) {
        tx.update(tracks).set({ duplicateGroupId: null }).where(eq(tracks.audioHash, hash)).run();
        if (group.status === 'open') tx.delete(duplicateGroups).where(eq(duplicateGroups.id, group.id)).run();
        else tx.update(duplicateGroups).set({ memberCount: ids.length, updatedAt: now }).where(eq(duplicateGroups.id, group.id)).run();
      }
    }
  }
  return detected;
}
