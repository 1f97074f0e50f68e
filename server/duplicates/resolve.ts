import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { and, asc, eq, gt, inArray, isNotNull, isNull } from 'drizzle-orm';
import { z } from 'zod';
import {
  duplicateGroups,
  duplicateResolutions,
  fileOperations,
  hotCues,
  libraryDirectories,
  playlists,
  playlistTracks,
  trackExclusions,
  tracks,
  trashItems,
  type HotCue,
  type PlaylistTrack,
  type Track,
} from '@/drizzle/schema';
import type { AppContext } from '../context';
import type { Executor, Tx } from '../db/client';
import { writeTx } from '../db/tx';
import { appendEvent } from '../events/outbox';
import { NotFoundError, PreconditionError } from '../errors';
import { commitPlan, planRestore, trashPathFor } from '../files/plan';
import { journalBatch, queueBatchJob, type PlannedOperation } from '../files/journal';
import { removeTracksTx } from '../tracks/remove-tracks-tx';
import { restoreSnapshotTx } from '../tracks/snapshot';
import { TrackId } from '../tracks/schemas';
import { TAG_FIELDS } from '../tracks/update-track';
import { analysisLookup, effectiveColumns } from '../tracks/effective-values';
import { refreshDuplicateGroups } from '../tracks/duplicate-groups';

import { type CanonicalCriterion } from '../settings/canonical-rule';

export const FileAction = z.enum(['keep', 'trash', 'delete']);
export type FileAction = z.infer<typeof FileAction>;
export const ResolveInput = z.object({
  groupId: z.number().int().positive(),
  /** The copy to keep; default: the best by the rule. */
  canonicalTrackId: TrackId.optional(),
  /** What happens to the other files: stay on disk (out of the library), go to the trash, or are deleted for good. */
  fileAction: FileAction.default('keep'),
});
export type ResolveInput = z.input<typeof ResolveInput>;

/** Tag and user fields a blank on the kept copy is filled from the others (best copy first). */
const FILLABLE = [
  ...TAG_FIELDS,
  'trackTotal',
  'discTotal',
  'tagBpm',
  'tagKey',
  'color',
  'energyLevel',
  'bpmOverride',
  'keyPitchOverride',
  'artworkId',
] as const satisfies readonly (keyof Track)[];
/** Fields that only make sense together: filling the first takes the others from the same copy. */
const COMPANIONS: Partial<Record<(typeof FILLABLE)[number], (keyof Track)[]>> = {
  tagKey: ['tagKeyPitch', 'tagKeyMode'],
  keyPitchOverride: ['keyModeOverride'],
};
type Fillable = (typeof FILLABLE)[number];

type Member = Track & { directoryPriority: number; directoryPath: string | null };
/** What ranking copies needs to know. */
export type Rankable = Pick<Track, 'isLossless' | 'bitrate' | 'sampleRate' | 'bitDepth' | 'dateAdded' | 'playCount' | 'rating' | 'relPath' | 'fileWarning'> & {
  directoryPriority: number;
};

const better: Record<CanonicalCriterion, (a: Rankable, b: Rankable) => number> = {
  lossless: (a, b) => Number(b.isLossless ?? false) - Number(a.isLossless ?? false),
  bitrate: (a, b) => (b.bitrate ?? 0) - (a.bitrate ?? 0),
  sampleRate: (a, b) => (b.sampleRate ?? 0) - (a.sampleRate ?? 0),
  bitDepth: (a, b) => (b.bitDepth ?? 0) - (a.bitDepth ?? 0),
  directoryPriority: (a, b) => b.directoryPriority - a.directoryPriority,
  earliestAdded: (a, b) => a.dateAdded - b.dateAdded,
  mostPlayed: (a, b) => b.playCount - a.playCount,
  highestRated: (a, b) => b.rating - a.rating,
};

/**
 * Members best first by the rule. Ties go to a copy without a file warning (e.g. FLAC named .mp3),
 * then the earliest added, then the path, so the order is stable.
 */
export function rankMembers<T extends Rankable>(members: T[], rule: readonly CanonicalCriterion[]): T[] {
  return [...members].sort((a, b) => {
    for (const c of rule) {
      const d = better[c](a, b);
      if (d) return d;
    }
    return Number(!!a.fileWarning) - Number(!!b.fileWarning) || a.dateAdded - b.dateAdded || a.relPath.localeCompare(b.relPath);
  });
}

function loadMembers(ex: Executor, groupId: number): Member[] {
  return ex
    .select({ t: tracks, directoryPriority: libraryDirectories.priority, directoryPath: libraryDirectories.path })
    .from(tracks)
    .leftJoin(libraryDirectories, eq(libraryDirectories.id, tracks.directoryId))
    .where(eq(tracks.duplicateGroupId, groupId))
    .all()
    .map((r) => ({ ...r.t, directoryPriority: r.directoryPriority ?? 0, directoryPath: r.directoryPath }));
}

const blank = (v: unknown) => v === null || v === undefined || v === '' || v === 0;
const abs = (m: Member) => (m.directoryPath ? path.join(m.directoryPath, m.relPath) : m.relPath);

export interface ResolutionPlan {
  groupId: number;
  audioHash: string;
  fileAction: FileAction;
  canonical: { id: string; path: string; reason: string };
  others: { id: string; path: string; action: FileAction; sizeBytes: number }[];
  fills: { field: Fillable; value: unknown; fromTrackId: string }[];
  rating: { before: number; after: number };
  playCount: { before: number; after: number };
  hotCues: { moved: number; dropped: number };
  playlistEntries: { repointed: number; removedAsDuplicate: number; playlists: string[] };
  bytesFreed: number;
  undoable: boolean;
  /** "What resolving will do", one sentence per change. */
  sentences: string[];
}

interface Computed {
  plan: ResolutionPlan;
  members: Member[];
  canonical: Member;
  others: Member[];
  cues: HotCue[];
  entries: (PlaylistTrack & { playlistType: string; playlistName: string })[];
}

function compute(ctx: AppContext, ex: Executor, raw: ResolveInput): Computed {
  const input = ResolveInput.parse(raw);
  const group = ex.select().from(duplicateGroups).where(eq(duplicateGroups.id, input.groupId)).get();
  if (!group) throw new NotFoundError('duplicate group', input.groupId);
  if (group.status !== 'open') throw new PreconditionError('This group is already resolved');
  const members = loadMembers(ex, group.id);
  if (members.length < 2) throw new PreconditionError('This group has fewer than two copies left; nothing to resolve');
  const rule = ctx.settings.get('duplicates.canonicalRule');
  const ranked = rankMembers(members, rule);
  const canonical = input.canonicalTrackId ? members.find((m) => m.id === input.canonicalTrackId) : ranked[0];
  if (!canonical) throw new PreconditionError('The chosen copy is not in this group');
  const others = ranked.filter((m) => m.id !== canonical.id);
  const ids = members.map((m) => m.id);

  const fills: ResolutionPlan['fills'] = [];
  for (const field of FILLABLE) {
    if (!blank(canonical[field])) continue;
    const donor = others.find((o) => !blank(o[field]));
    if (donor) fills.push({ field, value: donor[field], fromTrackId: donor.id });
  }
  const cues = ex.select().from(hotCues).where(inArray(hotCues.trackId, ids)).all();
  const { moves, dropped } = mergeCues(cues, canonical.id);
  const moved = moves.length;
  const entries = affectedEntries(ex, ids);
  const { repointed, removed } = mergeEntries(entries, canonical.id, new Set(others.map((o) => o.id)));
  const playlistNames = [...new Set(entries.filter((e) => e.trackId && ids.includes(e.trackId) && e.trackId !== canonical.id).map((e) => e.playlistName))].sort();
  const rating = Math.max(...members.map((m) => m.rating));
  const playCount = members.reduce((a, m) => a + m.playCount, 0);
  const bytesFreed = input.fileAction === 'keep' ? 0 : others.reduce((a, o) => a + o.sizeBytes, 0);

  const s: string[] = [];
  s.push(`Keep "${abs(canonical)}"${input.canonicalTrackId ? ' (chosen by hand)' : ` (${reasonFor(canonical, others, rule)})`}.`);
  if (fills.length) s.push(`Fill its blank ${fills.map((f) => f.field).join(', ')} from the other copies.`);
  if (rating !== canonical.rating) s.push(`Rating ${canonical.rating} → ${rating} (the highest).`);
  if (playCount !== canonical.playCount) s.push(`Play count ${canonical.playCount} → ${playCount} (summed).`);
  if (moved) s.push(`Move ${moved} hot cue${moved === 1 ? '' : 's'} to it${dropped ? `; ${dropped} clashing with its own are dropped` : ''}.`);
  if (repointed) s.push(`Point ${repointed} playlist entr${repointed === 1 ? 'y' : 'ies'} at it (${playlistNames.join(', ')}).`);
  if (removed) s.push(`Remove ${removed} entr${removed === 1 ? 'y' : 'ies'} that would list it twice in the same playlist.`);
  const verb = { keep: 'Leave on disk but take out of the library', trash: 'Move to the trash', delete: 'Delete for good' }[input.fileAction];
  for (const o of others) s.push(`${verb}: "${abs(o)}".`);
  if (input.fileAction === 'delete') s.push('Deleting for good cannot be undone.');

  return {
    plan: {
      groupId: group.id,
      audioHash: group.audioHash,
      fileAction: input.fileAction,
      canonical: { id: canonical.id, path: abs(canonical), reason: input.canonicalTrackId ? 'chosen by hand' : reasonFor(canonical, others, rule) },
      others: others.map((o) => ({ id: o.id, path: abs(o), action: input.fileAction, sizeBytes: o.sizeBytes })),
      fills,
      rating: { before: canonical.rating, after: rating },
      playCount: { before: canonical.playCount, after: playCount },
      hotCues: { moved, dropped },
      playlistEntries: { repointed, removedAsDuplicate: removed, playlists: playlistNames },
      bytesFreed,
      undoable: input.fileAction !== 'delete',
      sentences: s,
    },
    members,
    canonical,
    others,
    cues,
    entries,
  };
}

function reasonFor(c: Member, others: Member[], rule: readonly CanonicalCriterion[]): string {
  for (const crit of rule) {
    if (others.every((o) => better[crit](c, o) < 0)) {
      return {
        lossless: 'lossless',
        bitrate: `highest bitrate, ${Math.round((c.bitrate ?? 0) / 1000)} kbps`,
        sampleRate: `highest sample rate, ${((c.sampleRate ?? 0) / 1000).toFixed(1)} kHz`,
        bitDepth: `highest bit depth, ${c.bitDepth} bit`,
        directoryPriority: 'its folder has the highest priority',
        earliestAdded: 'added first',
        mostPlayed: 'played most',
        highestRated: 'rated highest',
      }[crit];
    }
    if (others.some((o) => better[crit](c, o) !== 0)) break;
  }
  return 'best by the rule';
}

/** The others' cues move to the kept copy, unless it has one in that slot already (then dropped). */
function mergeCues(cues: HotCue[], canonicalId: string) {
  const taken = new Set(cues.filter((c) => c.trackId === canonicalId).map((c) => `${c.source}:${c.cueIndex}`));
  const moves: string[] = [];
  let dropped = 0;
  for (const c of cues) {
    if (c.trackId === canonicalId) continue;
    const slot = `${c.source}:${c.cueIndex}`;
    if (taken.has(slot)) dropped++;
    else {
      taken.add(slot);
      moves.push(c.id);
    }
  }
  return { moves, dropped };
}

/** Every entry of every playlist that holds one of these tracks, in playlist order. */
function affectedEntries(ex: Executor, ids: string[]) {
  const lists = ex.selectDistinct({ id: playlistTracks.playlistId }).from(playlistTracks).where(inArray(playlistTracks.trackId, ids)).all();
  if (!lists.length) return [];
  return ex
    .select({ e: playlistTracks, playlistType: playlists.type, playlistName: playlists.name })
    .from(playlistTracks)
    .innerJoin(playlists, eq(playlists.id, playlistTracks.playlistId))
    .where(
      inArray(
        playlistTracks.playlistId,
        lists.map((l) => l.id),
      ),
    )
    .orderBy(asc(playlistTracks.playlistId), asc(playlistTracks.position), asc(playlistTracks.id))
    .all()
    .map((r) => ({ ...r.e, playlistType: r.playlistType, playlistName: r.playlistName }));
}

/**
 * Entries after the merge: the others' entries point at the kept copy; in a playlist that would
 * then list it twice the later entry goes (history — session playlists — keeps every play).
 * Positions are renumbered without gaps, order kept.
 */
function mergeEntries(entries: Computed['entries'], canonicalId: string, otherIds: Set<string>) {
  const updates: { id: number; trackId: string | null; position: number }[] = [];
  const deletes: number[] = [];
  let repointed = 0;
  const byList = new Map<string, Computed['entries']>();
  for (const e of entries) (byList.get(e.playlistId) ?? byList.set(e.playlistId, []).get(e.playlistId)!).push(e);
  for (const list of byList.values()) {
    const history = list[0]!.playlistType === 'session';
    let seen = false;
    let pos = Math.min(...list.map((e) => e.position));
    for (const e of list) {
      const isOther = e.trackId !== null && otherIds.has(e.trackId);
      const becomes = isOther ? canonicalId : e.trackId;
      if (becomes === canonicalId && !history) {
        if (seen) {
          deletes.push(e.id);
          continue;
        }
        seen = true;
      }
      if (isOther) repointed++;
      if (isOther || e.position !== pos) updates.push({ id: e.id, trackId: becomes, position: pos });
      pos++;
    }
  }
  return { updates, deletes, repointed, removed: deletes.length };
}

export function previewResolution(ctx: AppContext, raw: ResolveInput): ResolutionPlan {
  return compute(ctx, ctx.db, raw).plan;
}

interface ResolutionSnapshot {
  tracks: Track[];
  hotCues: HotCue[];
  playlistEntries: PlaylistTrack[];
  exclusions: { directoryId: string; relPath: string }[];
  /** What the resolution wrote on the kept copy (absent in resolutions made before it was kept). */
  applied?: Partial<Track>;
}

/** Fields of the kept copy a resolution may change besides the filled ones (and what follows from them). */
const MERGED_FIELDS: (keyof Track)[] = ['rating', 'playCount', 'lastPlayedAt', 'dateAdded', 'editedFields', 'bpm', 'keyPitch', 'keyMode', 'bpmSource', 'keySource'];

/**
 * Resolves a group in one transaction: the kept copy gets the others' blank tags, the highest
 * rating, the summed play count, their cues and playlist entries; the others leave the library,
 * and their files are kept, trashed or deleted by journaled file operations queued in the same
 * transaction. A snapshot of everything touched makes `undoResolution` exact.
 */
/** `opts.batchId`: journal the file operations into this batch (resolving many groups as one). */
export function applyResolution(ctx: AppContext, raw: ResolveInput, opts: { batchId?: string } = {}) {
  const now = ctx.clock.now();
  return writeTx(ctx.db, (tx) => {
    const { plan, members, canonical, others, cues, entries } = compute(ctx, tx, raw);
    const snapshot: ResolutionSnapshot = {
      tracks: members,
      hotCues: cues,
      playlistEntries: entries.map(({ playlistType: _t, playlistName: _n, ...e }) => e),
      exclusions: [],
    };
    // the kept copy
    const set: Partial<Track> = { rating: plan.rating.after, playCount: plan.playCount.after, updatedAt: now, duplicateGroupId: null };
    for (const f of plan.fills) {
      const donor = others.find((o) => o.id === f.fromTrackId)!;
      for (const k of [f.field, ...(COMPANIONS[f.field] ?? [])]) Object.assign(set, { [k]: donor[k] });
    }
    set.lastPlayedAt = Math.max(...members.map((m) => m.lastPlayedAt ?? 0)) || null;
    set.dateAdded = Math.min(...members.map((m) => m.dateAdded));
    set.editedFields = [...new Set([...canonical.editedFields, ...plan.fills.map((f) => f.field)])];
    // a filled tag BPM/key or correction changes what the library shows, as an edit would
    const after = { ...canonical, ...set };
    Object.assign(set, effectiveColumns(analysisLookup(tx), after, { bpm: after.bpmOverride, keyPitch: after.keyPitchOverride, keyMode: after.keyModeOverride }));
    tx.update(tracks).set(set).where(eq(tracks.id, canonical.id)).run();
    const { updatedAt: _u, duplicateGroupId: _g, ...applied } = set;
    snapshot.applied = applied;
    const cueMoves = mergeCues(cues, canonical.id).moves;
    if (cueMoves.length) tx.update(hotCues).set({ trackId: canonical.id, updatedAt: now }).where(inArray(hotCues.id, cueMoves)).run();
    // playlist entries
    const merged = mergeEntries(entries, canonical.id, new Set(others.map((o) => o.id)));
    if (merged.deletes.length) tx.delete(playlistTracks).where(inArray(playlistTracks.id, merged.deletes)).run();
    for (const u of merged.updates) tx.update(playlistTracks).set({ trackId: u.trackId, position: u.position }).where(eq(playlistTracks.id, u.id)).run();
    // the other copies leave the library (kept files are left out of later scans)
    if (plan.fileAction === 'keep')
      for (const o of others) {
        if (!o.directoryId) continue;
        const added = tx.insert(trackExclusions).values({ directoryId: o.directoryId, relPath: o.relPath, createdAt: now }).onConflictDoNothing().run().changes;
        if (added) snapshot.exclusions.push({ directoryId: o.directoryId, relPath: o.relPath });
      }
    const batchId = plan.fileAction === 'keep' ? null : (opts.batchId ?? randomUUID());
    const resolution = tx
      .insert(duplicateResolutions)
      .values({
        groupId: plan.groupId,
        audioHash: plan.audioHash,
        canonicalTrackId: canonical.id,
        fileAction: plan.fileAction,
        plan,
        snapshot,
        status: 'applied',
        batchId,
        createdAt: now,
      })
      .returning()
      .get();
    removeTracksTx(
      tx,
      others.map((o) => o.id),
      now,
    );
    if (batchId) journalOtherCopiesTx(tx, plan, others, batchId, resolution.id, now);
    tx.update(duplicateGroups)
      .set({ status: 'resolved', canonicalTrackId: canonical.id, resolvedAt: now, memberCount: 1, updatedAt: now })
      .where(eq(duplicateGroups.id, plan.groupId))
      .run();
    appendEvent(tx, 'duplicate:resolved', { groupId: plan.groupId, resolutionId: resolution.id }, now);
    appendEvent(tx, 'track:updated', { trackIds: [canonical.id] }, now);
    return { resolutionId: resolution.id, batchId, plan };
  });
}

/** The other copies' files go to the trash or are deleted, by journaled file operations queued in the resolution's transaction. */
function journalOtherCopiesTx(tx: Tx, plan: ResolutionPlan, others: Member[], batchId: string, resolutionId: number, now: number) {
  const ops: PlannedOperation[] = others
    .filter((o) => o.directoryId && o.directoryPath && !o.isMissing)
    .map((o) => ({
      kind: plan.fileAction === 'trash' ? 'trash' : 'delete',
      trackId: o.id,
      srcPath: abs(o),
      dstPath: plan.fileAction === 'trash' ? trashPathFor(o.directoryPath!, batchId, o.relPath) : null,
      srcDirectoryId: o.directoryId!,
      dstDirectoryId: plan.fileAction === 'trash' ? o.directoryId : null,
      sizeBytes: o.sizeBytes,
      audioHash: o.audioHash,
      meta: { fileOnly: true, resolutionId, permanent: plan.fileAction === 'delete', title: o.title, artist: o.artist },
    }));
  journalBatch(tx, batchId, ops, now);
  queueBatchJob(tx, batchId, now);
}

/**
 * Puts a resolution back exactly: the kept copy's fields, every copy's row (same ids), cues and
 * playlist entries (positions included), exclusions lifted, trashed files restored to their paths.
 * Refuses, changing nothing, when that can no longer be done (see `undoRefusal`).
 */
export function undoResolution(ctx: AppContext, resolutionId: number) {
  const now = ctx.clock.now();
  const result = writeTx(ctx.db, (tx) => {
    const r = tx.select().from(duplicateResolutions).where(eq(duplicateResolutions.id, resolutionId)).get();
    if (!r) throw new NotFoundError('resolution', resolutionId);
    const snap = r.snapshot as ResolutionSnapshot;
    const refusal = undoRefusal(tx, r, snap);
    if (refusal) throw new PreconditionError(refusal);
    const canonical = snap.tracks.find((t) => t.id === r.canonicalTrackId)!;
    restoreKeptFieldsTx(tx, r.plan as ResolutionPlan, snap, canonical);
    // the others' cues the kept copy took over go back to their copies; its own cues stay as they are now
    const moved = snap.hotCues.filter((c) => c.trackId !== canonical.id);
    if (moved.length)
      tx.delete(hotCues)
        .where(
          and(
            eq(hotCues.trackId, canonical.id),
            inArray(
              hotCues.id,
              moved.map((c) => c.id),
            ),
          ),
        )
        .run();
    const others = snap.tracks.filter((t) => t.id !== canonical.id);
    const { occupied } = restoreSnapshotTx(tx, { tracks: others, hotCues: moved, playlistEntries: snap.playlistEntries }, now, { wholeEntries: true });
    // a copy comes back at its old place: another track there now (the file was added again) blocks it
    if (occupied.length) throw new PreconditionError(`${occupied[0]!.relPath} is in the library again as another track; remove that one first to undo this resolution`);
    for (const x of snap.exclusions)
      tx.delete(trackExclusions)
        .where(and(eq(trackExclusions.directoryId, x.directoryId), eq(trackExclusions.relPath, x.relPath)))
        .run();
    reopenGroupTx(tx, r, snap, now);
    const trashed = tx
      .select({ id: trashItems.id })
      .from(trashItems)
      .where(and(eq(trashItems.resolutionId, r.id), isNull(trashItems.restoredAt), isNull(trashItems.purgedAt)))
      .all();
    return { groupId: r.groupId, trashed: trashed.map((t) => t.id) };
  });
  // the trashed copies go back where they were (journaled like every file operation)
  const restore = result.trashed.length ? commitPlan(ctx, planRestore(ctx, { itemIds: result.trashed })) : null;
  return { groupId: result.groupId, restoreBatchId: restore?.batchId ?? null };
}

type ResolutionRow = typeof duplicateResolutions.$inferSelect;

/** Why a resolution cannot be undone now, or null: undone already, files gone for good, or later work in the way. */
function undoRefusal(tx: Tx, r: ResolutionRow, snap: ResolutionSnapshot): string | null {
  if (r.status !== 'applied') return 'This resolution was already undone';
  if (r.fileAction === 'delete') return 'The other copies were deleted for good; this cannot be undone';
  if (r.batchId) {
    const waiting = tx
      .select({ id: fileOperations.id })
      .from(fileOperations)
      .where(and(eq(fileOperations.batchId, r.batchId), inArray(fileOperations.status, ['pending', 'in_progress'])))
      .get();
    if (waiting) return 'Its files are still being moved to the trash; try again in a moment';
    const purged = tx
      .select({ id: trashItems.id })
      .from(trashItems)
      .where(and(eq(trashItems.resolutionId, r.id), isNotNull(trashItems.purgedAt)))
      .get();
    if (purged) return 'The trash holding the other copies was emptied; this cannot be undone';
  }
  // undo goes back in order: a later resolution that took in any of these tracks is undone first
  const mine = new Set(snap.tracks.map((t) => t.id));
  const later = tx
    .select({ id: duplicateResolutions.id, snapshot: duplicateResolutions.snapshot })
    .from(duplicateResolutions)
    .where(and(gt(duplicateResolutions.id, r.id), eq(duplicateResolutions.status, 'applied')))
    .all()
    .find((l) => (l.snapshot as ResolutionSnapshot).tracks.some((t) => mine.has(t.id)));
  if (later) return `A later resolution (#${later.id}) involves these tracks; undo that one first`;
  // the kept copy carries what the others had (cues, playlist entries): it must still be there
  if (!tx.select({ id: tracks.id }).from(tracks).where(eq(tracks.id, r.canonicalTrackId)).get())
    return 'The copy this resolution kept is no longer in the library (deleted or in the trash); put it back first to undo this resolution';
  return null;
}

/**
 * Only what the resolution changed on the kept copy goes back, and only where nobody changed it
 * since: the kept copy may have been moved, renamed, re-tagged, rated or cued after it (its path
 * and file facts are never touched here).
 */
function restoreKeptFieldsTx(tx: Tx, plan: ResolutionPlan, snap: ResolutionSnapshot, canonical: Track) {
  const current = tx.select().from(tracks).where(eq(tracks.id, canonical.id)).get();
  if (!current) return;
  const touched = snap.applied
    ? (Object.keys(snap.applied) as (keyof Track)[])
    : [...MERGED_FIELDS, ...plan.fills.flatMap((f) => [f.field, ...(COMPANIONS[f.field] ?? [])] as (keyof Track)[])];
  const back: Partial<Track> = {};
  for (const k of touched) {
    const unchangedSince = !snap.applied || JSON.stringify(current[k]) === JSON.stringify(snap.applied[k]);
    if (unchangedSince) Object.assign(back, { [k]: canonical[k] });
  }
  if (Object.keys(back).length) tx.update(tracks).set(back).where(eq(tracks.id, canonical.id)).run();
}

/** The group is open again with its copies in it (group ids as they were), and the UI is told. */
function reopenGroupTx(tx: Tx, r: ResolutionRow, snap: ResolutionSnapshot, now: number) {
  tx.update(duplicateGroups).set({ status: 'open', canonicalTrackId: null, resolvedAt: null, updatedAt: now }).where(eq(duplicateGroups.id, r.groupId)).run();
  tx.update(duplicateResolutions).set({ status: 'undone', undoneAt: now }).where(eq(duplicateResolutions.id, r.id)).run();
  refreshDuplicateGroups(tx, [r.audioHash], now);
  // refresh only sets membership for present copies; put the snapshot's group ids back too
  tx.update(tracks)
    .set({ duplicateGroupId: r.groupId })
    .where(
      inArray(
        tracks.id,
        snap.tracks.filter((t) => t.duplicateGroupId === r.groupId).map((t) => t.id),
      ),
    )
    .run();
  appendEvent(tx, 'duplicate:resolved', { groupId: r.groupId, resolutionId: r.id, undone: true }, now);
  appendEvent(tx, 'track:added', { trackIds: snap.tracks.map((t) => t.id) }, now);
}

export function listResolutions(ctx: AppContext, limit = 50) {
  return ctx.db
    .select({
      id: duplicateResolutions.id,
      groupId: duplicateResolutions.groupId,
      canonicalTrackId: duplicateResolutions.canonicalTrackId,
      fileAction: duplicateResolutions.fileAction,
      status: duplicateResolutions.status,
      plan: duplicateResolutions.plan,
      createdAt: duplicateResolutions.createdAt,
      undoneAt: duplicateResolutions.undoneAt,
    })
    .from(duplicateResolutions)
    .orderBy(asc(duplicateResolutions.status), asc(duplicateResolutions.id))
    .limit(limit)
    .all()
    .reverse()
    .map((r) => ({ ...r, plan: r.plan as ResolutionPlan }));
}

export const ResolveAllInput = z.object({ fileAction: FileAction.default('keep') });

/** What resolving every open group by the rule would do, in numbers. */
export function previewResolveAll(ctx: AppContext, raw: z.input<typeof ResolveAllInput>) {
  const { fileAction } = ResolveAllInput.parse(raw);
  const groups = ctx.db.select({ id: duplicateGroups.id }).from(duplicateGroups).where(eq(duplicateGroups.status, 'open')).all();
  let files = 0;
  let bytes = 0;
  let cues = 0;
  let entries = 0;
  const sample: ResolutionPlan[] = [];
  for (const g of groups) {
    const p = compute(ctx, ctx.db, { groupId: g.id, fileAction }).plan;
    files += p.others.length;
    bytes += p.others.reduce((a, o) => a + o.sizeBytes, 0);
    cues += p.hotCues.moved;
    entries += p.playlistEntries.repointed;
    if (sample.length < 20) sample.push(p);
  }
  return { groups: groups.length, files, bytes, cuesMoved: cues, entriesRepointed: entries, fileAction, sample };
}

/** Resolves every open group by the rule (a job, with progress). */
export async function resolveAll(
  ctx: AppContext,
  raw: { fileAction: FileAction; groupIds?: number[] },
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
) {
  const ids =
    raw.groupIds ??
    ctx.db
      .select({ id: duplicateGroups.id })
      .from(duplicateGroups)
      .where(eq(duplicateGroups.status, 'open'))
      .all()
      .map((g) => g.id);
  // one batch of file operations (one job in Activity) for all the groups
  const batchId = randomUUID();
  let resolved = 0;
  let files = 0;
  let bytes = 0;
  const failed: { groupId: number; error: string }[] = [];
  for (const [i, groupId] of ids.entries()) {
    if (opts.signal?.aborted) break;
    try {
      const { plan } = applyResolution(ctx, { groupId, fileAction: raw.fileAction }, { batchId });
      resolved++;
      files += plan.others.length;
      bytes += plan.others.reduce((a, o) => a + o.sizeBytes, 0);
    } catch (e) {
      failed.push({ groupId, error: (e as Error).message });
    }
    opts.onProgress?.(i + 1, ids.length);
    if (i % 20 === 19) await new Promise((r) => setImmediate(r));
  }
  return { resolved, failed, files, bytes };
}
