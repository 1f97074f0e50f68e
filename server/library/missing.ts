import fs from 'node:fs';
import path from 'node:path';
import { and, asc, eq, inArray, isNotNull, lt, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { hotCues, libraryCleanups, playlistTracks, tracks, type Track } from '@/drizzle/schema';
import type { AppContext } from '../context';
import type { Executor, Tx } from '../db/client';
import { writeTx } from '../db/tx';
import { appendEvent } from '../events/outbox';
import { InvalidError, NotFoundError, PreconditionError } from '../errors';
import { listDirectories } from '../folders/directories.repo';
import { assertCleanPath, isInside, realpathOrInvalid } from '../folders/paths';
import { startScan } from '../scan/start-scan';
import { walk } from '../scan/walk';
import type { ScannerPort } from '../scan/scanner-port';
import { removeTracksTx } from '../tracks/remove-tracks-tx';
import { TrackId } from '../tracks/schemas';
import { restoreSnapshotTx, snapshotTracks } from '../tracks/snapshot';

const DAY = 86_400_000;
/** A file that appeared this close to another's vanishing (with the same audio) is that file moved. */
const MOVE_WINDOW_MS = 15 * 60_000;

// ---------------------------------------------------------------------------------------------
// Relocate: find missing tracks again and re-attach them, keeping their identity.

export const RelocateInput = z.object({
  /** Which missing tracks to look for (default: every missing track that is not just offline). */
  trackIds: z.array(TrackId).max(50_000).optional(),
  /** Extra folders to search (absolute; inside a library folder, where tracks can live). */
  searchPaths: z.array(z.string().min(1).max(4096)).max(20).default([]),
});
export type RelocateInput = z.input<typeof RelocateInput>;

export interface RelocateCandidate {
  trackId: string;
  /** Absolute path of the file offered. */
  path: string;
  /** Set when the file is already a track of the library (the two would be merged). */
  matchTrackId: string | null;
  reason: 'same audio' | 'name and duration';
}

export interface RelocateResult {
  looked: number;
  /** Found by identical audio and re-attached. */
  reattached: { trackId: string; path: string }[];
  /** Probably the same track (name and duration agree); re-attached only when confirmed. */
  candidates: RelocateCandidate[];
  searchedFiles: number;
  notFound: number;
}

/** File names compared loosely: no extension, case, accents, punctuation or track numbers. */
export function looseName(fileName: string): string {
  return fileName
    .replace(/\.[^.]+$/, '')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/^\s*\d{1,3}\s*[-._)]\s*/, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Checks user-given folders: real, and inside a library folder (where a track can live). */
export async function checkSearchPaths(ctx: AppContext, paths: string[]): Promise<string[]> {
  const dirs = listDirectories(ctx.db);
  const out: string[] = [];
  for (const p of paths) {
    assertCleanPath(p, 'Folder');
    if (!path.isAbsolute(p)) throw new InvalidError(`Folder must be an absolute path: ${p}`);
    const real = await realpathOrInvalid(p, 'Folder');
    if (!fs.statSync(real).isDirectory()) throw new InvalidError(`Not a folder: ${real}`);
    if (!dirs.some((d) => isInside(d.path, real)))
      throw new InvalidError(`${real} is not inside a library folder. Add it as a folder instead: its files are then matched to missing tracks by their audio.`);
    out.push(real);
  }
  return out;
}

const missingWanted = (ex: Executor, trackIds?: string[]) =>
  ex
    .select()
    .from(tracks)
    .where(and(eq(tracks.isMissing, true), ne(tracks.missingReason, 'offline'), trackIds ? inArray(tracks.id, trackIds) : undefined))
    .all();

/**
 * Looks for missing tracks (not the ones merely offline): first among the files the library
 * already knows (the same audio under another path: the two are merged into the missing track,
 * keeping its id), then in the given folders, file by file, by audio hash. Exact matches are
 * re-attached; files whose loose name and duration agree (±2 s) are offered for confirmation.
 */
export async function relocateMissing(ctx: AppContext, raw: RelocateInput, opts: RelocateOptions): Promise<RelocateResult> {
  const input = RelocateInput.parse(raw);
  const searchPaths = await checkSearchPaths(ctx, input.searchPaths);
  const wanted = missingWanted(ctx.db, input.trackIds);
  const dirs = listDirectories(ctx.db);
  const s: Search = {
    ctx,
    dirs,
    result: { looked: wanted.length, reattached: [], candidates: [], searchedFiles: 0, notFound: 0 },
    open: new Map(wanted.map((t) => [t.id, t])),
    byHash: groupBy(
      wanted.filter((t) => t.audioHash),
      (t) => t.audioHash!,
    ),
    absOf: (t) => `${dirs.find((d) => d.id === t.directoryId)?.path ?? ''}/${t.relPath}`,
  };
  matchKnownAudio(s);
  if (searchPaths.length && s.open.size) await searchFolders(s, searchPaths, opts);
  if (s.open.size) matchLooseNames(s);
  const { result, open } = s;
  result.candidates = result.candidates.filter((c) => open.has(c.trackId));
  result.notFound = [...open.keys()].filter((id) => !result.candidates.some((c) => c.trackId === id)).length;
  return result;
}

type RelocateOptions = { scanner: ScannerPort; signal: AbortSignal; onProgress?: (done: number, total: number) => void };

/** One search's state: the tracks still looked for (`open`), by audio hash, and what was found. */
interface Search {
  ctx: AppContext;
  dirs: ReturnType<typeof listDirectories>;
  result: RelocateResult;
  open: Map<string, Track>;
  byHash: Map<string, Track[]>;
  absOf(t: Pick<Track, 'directoryId' | 'relPath'>): string;
}

function groupBy<T>(list: Iterable<T>, key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of list) (out.get(key(t)) ?? out.set(key(t), []).get(key(t))!).push(t);
  return out;
}

/**
 * Step 1: the same audio is already in the library under another path. If that file arrived around
 * when this one vanished, it is this one moved (seen by two scans in the wrong order): merged. If
 * it was there long before, it is a second copy the DJ kept: offered, not merged.
 */
function matchKnownAudio(s: Search) {
  const { ctx, open, byHash, result } = s;
  const hashes = [...byHash.keys()];
  for (let i = 0; i < hashes.length; i += 500) {
    const present = ctx.db
      .select()
      .from(tracks)
      .where(and(inArray(tracks.audioHash, hashes.slice(i, i + 500)), eq(tracks.isMissing, false)))
      .orderBy(asc(tracks.seq))
      .all();
    for (const p of present) {
      const m = byHash.get(p.audioHash!)?.find((x) => open.has(x.id));
      if (!m) continue;
      if (p.createdAt >= (m.missingSince ?? 0) - MOVE_WINDOW_MS) {
        mergeInto(ctx, m, p);
        open.delete(m.id);
        result.reattached.push({ trackId: m.id, path: s.absOf(p) });
      } else result.candidates.push({ trackId: m.id, path: s.absOf(p), matchTrackId: p.id, reason: 'same audio' });
    }
  }
}

/** Step 2: files in the given folders that are not tracks yet, read and hashed one by one. */
async function searchFolders(s: Search, searchPaths: string[], opts: RelocateOptions) {
  const { ctx, open, byHash, result, dirs } = s;
  const files: string[] = [];
  for (const root of searchPaths) {
    const dir = dirs.find((d) => isInside(d.path, root))!;
    for (const item of walk({ root, includePatterns: dir.includePatterns, excludePatterns: dir.excludePatterns, maxDepth: null, followSymlinks: false }))
      if ('sizeBytes' in item) files.push(path.join(root, item.relPath));
  }
  const known = new Set(
    ctx.db
      .select({ d: tracks.directoryId, r: tracks.relPath })
      .from(tracks)
      .all()
      .map((r) => `${r.d}/${r.r}`),
  );
  const loose = groupBy(open.values(), (t) => looseName(t.fileName));
  let done = 0;
  for (const abs of files) {
    if (opts.signal.aborted || !open.size) break;
    opts.onProgress?.(++done, files.length);
    const dir = dirs.find((d) => isInside(d.path, abs))!;
    const relPath = path.relative(dir.path, abs).split(path.sep).join('/');
    if (known.has(`${dir.id}/${relPath}`)) continue; // already a track: step 1 saw it if it matches
    result.searchedFiles++;
    const a = await opts.scanner.analyze({ absPath: abs, relPath, dataDir: ctx.env.dataDir }, { timeoutMs: ctx.settings.get('library.perFileTimeoutMs'), signal: opts.signal });
    const m = a.hash.audioHash ? byHash.get(a.hash.audioHash)?.find((x) => open.has(x.id)) : undefined;
    if (m) {
      reattach(ctx, m, dir.id, relPath);
      open.delete(m.id);
      result.reattached.push({ trackId: m.id, path: abs });
      continue;
    }
    const durationMs = a.facts?.durationMs ?? null;
    for (const t of loose.get(looseName(path.basename(abs))) ?? [])
      if (open.has(t.id) && durationMs !== null && t.durationMs !== null && Math.abs(durationMs - t.durationMs) <= 2_000)
        result.candidates.push({ trackId: t.id, path: abs, matchTrackId: null, reason: 'name and duration' });
  }
}

/** Step 3: present tracks of the library with the same loose name and duration (e.g. a re-encode): offered. */
function matchLooseNames(s: Search) {
  const { ctx, open, result } = s;
  const names = groupBy(open.values(), (t) => looseName(t.fileName));
  const present = ctx.db
    .select({ id: tracks.id, directoryId: tracks.directoryId, relPath: tracks.relPath, fileName: tracks.fileName, durationMs: tracks.durationMs })
    .from(tracks)
    .where(and(eq(tracks.isMissing, false), isNotNull(tracks.directoryId)))
    .all();
  for (const p of present)
    for (const t of names.get(looseName(p.fileName)) ?? [])
      if (
        t.durationMs !== null &&
        p.durationMs !== null &&
        Math.abs(t.durationMs - p.durationMs) <= 2_000 &&
        !result.candidates.some((c) => c.trackId === t.id && c.path === s.absOf(p))
      )
        result.candidates.push({ trackId: t.id, path: s.absOf(p), matchTrackId: p.id, reason: 'name and duration' });
}

/** Points a missing track at a file of a library folder and has the file read (a one-file scan). */
function reattach(ctx: AppContext, m: Track, directoryId: string, relPath: string, tx?: Tx) {
  const run = (t: Tx) => {
    const now = ctx.clock.now();
    const from = { directoryId: m.directoryId, relPath: m.relPath };
    t.update(tracks)
      .set({
        directoryId,
        relPath,
        fileName: path.posix.basename(relPath),
        fileExt: path.posix.extname(relPath).slice(1).toLowerCase(),
        formerPath: null,
        isMissing: false,
        missingReason: null,
        missingSince: null,
        // unknown until the scan reads it: size 0 makes it "changed"
        sizeBytes: 0,
        mtimeMs: 0,
        updatedAt: now,
      })
      .where(eq(tracks.id, m.id))
      .run();
    appendEvent(t, 'track:moved', { trackId: m.id, from, to: { directoryId, relPath } }, now);
    appendEvent(t, 'track:restored', { trackIds: [m.id], directoryId }, now);
    startScan(ctx, { directoryId, relPath, strategy: 'hybrid', priority: 'normal' }, 'system', t);
  };
  return tx ? run(tx) : writeTx(ctx.db, run);
}

/**
 * The missing track `m` takes over the file of the present track `p` (the same audio): `p`'s
 * playlist entries and cues move to `m`, the better rating and the play counts are kept, `p` is
 * removed, and `m` keeps its id.
 */
function mergeInto(ctx: AppContext, m: Track, p: Track) {
  writeTx(ctx.db, (tx) => {
    const now = ctx.clock.now();
    tx.update(playlistTracks).set({ trackId: m.id }).where(eq(playlistTracks.trackId, p.id)).run();
    const mCues = tx.select({ id: hotCues.id }).from(hotCues).where(eq(hotCues.trackId, m.id)).all();
    if (!mCues.length) tx.update(hotCues).set({ trackId: m.id }).where(eq(hotCues.trackId, p.id)).run();
    tx.delete(tracks).where(eq(tracks.id, p.id)).run();
    appendEvent(tx, 'track:deleted', { trackIds: [p.id] }, now);
    tx.update(tracks)
      .set({
        rating: Math.max(m.rating, p.rating),
        playCount: m.playCount + p.playCount,
        lastPlayedAt: Math.max(m.lastPlayedAt ?? 0, p.lastPlayedAt ?? 0) || null,
        duplicateGroupId: null,
      })
      .where(eq(tracks.id, m.id))
      .run();
    reattach(ctx, m, p.directoryId!, p.relPath, tx);
  });
}

export const ConfirmRelocateInput = z.object({ trackId: TrackId, path: z.string().min(1).max(4096) });

/** Re-attaches a missing track to a file the DJ confirmed (from the candidates, or any file). */
export async function confirmRelocate(ctx: AppContext, raw: z.input<typeof ConfirmRelocateInput>) {
  const input = ConfirmRelocateInput.parse(raw);
  assertCleanPath(input.path, 'File');
  if (!path.isAbsolute(input.path)) throw new InvalidError('File path must be absolute');
  const real = await realpathOrInvalid(input.path, 'File');
  if (!fs.statSync(real).isFile()) throw new InvalidError(`Not a file: ${real}`);
  const dir = listDirectories(ctx.db).find((d) => isInside(d.path, real));
  if (!dir) throw new InvalidError(`The file is not inside any library folder: ${real}`);
  const relPath = path.relative(dir.path, real).split(path.sep).join('/');
  const m = ctx.db.select().from(tracks).where(eq(tracks.id, input.trackId)).get();
  if (!m) throw new NotFoundError('track', input.trackId);
  if (!m.isMissing) throw new PreconditionError('This track is not missing');
  const there = ctx.db
    .select()
    .from(tracks)
    .where(and(eq(tracks.directoryId, dir.id), eq(tracks.relPath, relPath)))
    .get();
  if (there) mergeInto(ctx, m, there);
  else reattach(ctx, m, dir.id, relPath);
  return { trackId: m.id, directoryId: dir.id, relPath };
}

// ---------------------------------------------------------------------------------------------
// Cleanup: remove tracks missing for a long time, with an export first and an undo after.

export const CleanupInput = z.object({
  olderThanDays: z.number().int().min(0).max(3650).optional(),
  /** Keep their playlist entries as placeholders (default) or remove the entries too. */
  keepPlaylistEntries: z.boolean().default(true),
  /** Write their metadata to a JSON file in the data folder first (default). */
  exportMetadata: z.boolean().default(true),
});
export type CleanupInput = z.input<typeof CleanupInput>;

function cleanupTargets(ex: Executor, olderThanDays: number, now: number) {
  return ex
    .select()
    .from(tracks)
    .where(and(eq(tracks.isMissing, true), ne(tracks.missingReason, 'offline'), lt(tracks.missingSince, now - olderThanDays * DAY)))
    .orderBy(asc(tracks.missingSince))
    .all();
}

/** What a cleanup would remove (a dry run): how many, some of them, and the playlists they are in. */
export function previewCleanup(ctx: AppContext, raw: CleanupInput) {
  const input = CleanupInput.parse(raw);
  const days = input.olderThanDays ?? ctx.settings.get('library.missingCleanupDays');
  const targets = cleanupTargets(ctx.db, days, ctx.clock.now());
  const ids = targets.map((t) => t.id);
  let entries = 0;
  for (let i = 0; i < ids.length; i += 500)
    entries += ctx.db
      .select({ id: playlistTracks.id })
      .from(playlistTracks)
      .where(inArray(playlistTracks.trackId, ids.slice(i, i + 500)))
      .all().length;
  return {
    olderThanDays: days,
    count: targets.length,
    playlistEntries: entries,
    sample: targets.slice(0, 200).map((t) => ({ id: t.id, title: t.title, artist: t.artist, relPath: t.relPath, missingSince: t.missingSince, missingReason: t.missingReason })),
  };
}

/**
 * Removes the tracks missing for longer than the given days (not the offline ones: their drive
 * may come back). Their metadata is exported first if asked; a snapshot kept in the database lets
 * `undoCleanup` put back every track (same ids), cue and playlist entry.
 */
export function runCleanup(ctx: AppContext, raw: CleanupInput, jobId: number | null = null) {
  const input = CleanupInput.parse(raw);
  const days = input.olderThanDays ?? ctx.settings.get('library.missingCleanupDays');
  const now = ctx.clock.now();
  const targets = cleanupTargets(ctx.db, days, now);
  if (!targets.length) return { cleanupId: null, removed: 0, exportPath: null };
  const ids = targets.map((t) => t.id);
  const snapshot = snapshotTracks(ctx.db, ids);
  let exportPath: string | null = null;
  if (input.exportMetadata) {
    const folder = path.join(ctx.env.dataDir, 'exports');
    fs.mkdirSync(folder, { recursive: true });
    exportPath = path.join(folder, `missing-tracks-${new Date(now).toISOString().replace(/[:.]/g, '-')}.json`);
    const tmp = `${exportPath}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ exportedAt: new Date(now).toISOString(), reason: `missing for more than ${days} days`, ...snapshot }, null, 1));
    fs.renameSync(tmp, exportPath);
  }
  const cleanupId = writeTx(ctx.db, (tx) => {
    const row = tx
      .insert(libraryCleanups)
      .values({ olderThanDays: days, trackCount: ids.length, keptPlaylistEntries: input.keepPlaylistEntries, exportPath, snapshot, jobId, createdAt: now })
      .returning({ id: libraryCleanups.id })
      .get();
    if (!input.keepPlaylistEntries)
      for (let i = 0; i < ids.length; i += 500)
        tx.delete(playlistTracks)
          .where(inArray(playlistTracks.trackId, ids.slice(i, i + 500)))
          .run();
    removeTracksTx(tx, ids, now);
    return row.id;
  });
  return { cleanupId, removed: ids.length, exportPath };
}

/** Puts back what a cleanup removed: the tracks (same ids), their cues and playlist entries. */
export function undoCleanup(ctx: AppContext, cleanupId: number) {
  return writeTx(ctx.db, (tx) => {
    const c = tx.select().from(libraryCleanups).where(eq(libraryCleanups.id, cleanupId)).get();
    if (!c) throw new NotFoundError('cleanup', cleanupId);
    if (c.undoneAt) throw new PreconditionError('This cleanup was already undone');
    const now = ctx.clock.now();
    const { restored, occupied } = restoreSnapshotTx(tx, c.snapshot, now);
    tx.update(libraryCleanups).set({ undoneAt: now }).where(eq(libraryCleanups.id, cleanupId)).run();
    if (restored.length) appendEvent(tx, 'track:added', { trackIds: restored }, now);
    // a track whose path holds another track now (the file came back and was scanned in) stays out
    return { restored: restored.length, occupied: occupied.map((o) => o.relPath) };
  });
}

export function listCleanups(ctx: AppContext) {
  return ctx.db
    .select({
      id: libraryCleanups.id,
      olderThanDays: libraryCleanups.olderThanDays,
      trackCount: libraryCleanups.trackCount,
      keptPlaylistEntries: libraryCleanups.keptPlaylistEntries,
      exportPath: libraryCleanups.exportPath,
      createdAt: libraryCleanups.createdAt,
      undoneAt: libraryCleanups.undoneAt,
    })
    .from(libraryCleanups)
    .orderBy(sql`${libraryCleanups.id} DESC`)
    .limit(50)
    .all();
}
