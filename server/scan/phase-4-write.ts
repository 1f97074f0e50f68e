import path from 'node:path';
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { fileOperations, tracks, type LibraryDirectory } from '@/drizzle/schema';
import type { AppContext } from '../context';
import type { Executor } from '../db/client';
import { FastRows } from '../db/fast-rows';
import { writeTx } from '../db/tx';
import { appendEvent } from '../events/outbox';
import type { KnownRow, Result, ScanStats } from './scan-types';
import { effectiveColumns, type AnalysisFacts } from '../tracks/effective-values';
import { analysisColumns, quickColumns, upsertArtwork } from './track-rows';
import type { WalkFile } from './walk';

/** Phase 4 — write: what the readers found goes into the library in short transactions. */

// Rows per write transaction: small enough that one write (tracks, FTS and a dozen indexes) stays
// well under the 20 ms main-loop budget; 50 measured p99 lag 22 ms, 20 measured 16 ms, same speed.
export const FLUSH_ROWS = 20;
const FLUSH_MS = 250;

/**
 * Buffers analysis results and writes them in short transactions (new rows, updated rows, files
 * back from missing, a fast scan's quick rows); sets aside new files whose audio is known for
 * phase 5; keeps what phases 5–7 need (touched hashes, broken rows by inode, the paths file
 * operations own).
 */
export class ScanWriter {
  private pending: Result[] = [];
  /** New files whose audio the library already knows: moves or copies, decided in phase 5. */
  readonly deferred: Result[] = [];
  /** Audio hashes whose duplicate groups phase 7 refreshes. */
  readonly touched = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  readonly fast: FastRows;
  readonly lookup: (hash: string) => AnalysisFacts | undefined;
  /** Broken rows of the folder by inode: a half-written file renamed once whole is still that track. */
  readonly brokenByInode = new Map<number, KnownRow>();
  private ownedCache: { key: string; paths: Set<string> } | undefined;

  constructor(
    readonly ctx: AppContext,
    readonly dir: LibraryDirectory,
    readonly scanId: number,
    readonly stats: ScanStats,
    existing: Map<string, KnownRow>,
  ) {
    for (const e of existing.values()) if (e.isBroken && e.inode) this.brokenByInode.set(e.inode, e);
    this.fast = new FastRows(ctx.db);
    this.lookup = (hash) =>
      this.fast.get<AnalysisFacts>(
        'analysis-facts',
        'SELECT bpm, key_pitch AS keyPitch, key_mode AS keyMode, basic_at AS basicAt, analyzer, bpm_confidence AS bpmConfidence, key_confidence AS keyConfidence FROM audio_analysis WHERE audio_hash = ?',
        hash,
      );
  }

  private overridesOf(id: string) {
    return this.fast.get<{ bpm: number | null; keyPitch: number | null; keyMode: number | null; audioHash: string | null; editedFields: string }>(
      'overrides',
      'SELECT bpm_override AS bpm, key_pitch_override AS keyPitch, key_mode_override AS keyMode, audio_hash AS audioHash, edited_fields AS editedFields FROM tracks WHERE id = ?',
      id,
    );
  }

  /** The track at a path of this folder now (a file operation may have put one there meanwhile). */
  rowAt(relPath: string): string | undefined {
    return this.fast.get<{ id: string }>('row-at', 'SELECT id FROM tracks WHERE directory_id = ? AND rel_path = ?', this.dir.id, relPath)?.id;
  }

  /**
   * Paths of this folder that an unfinished journaled file operation owns (its source and its
   * destination). The journal records what becomes of them when the operation ends, so the scan
   * neither records, nor moves, nor marks missing what it finds there. Asked inside each write
   * transaction (scans and file operations share the worker's one connection, so the answer holds
   * for that write); the set is read again only when the unfinished operations changed: their
   * count and highest id say so (ids are never reused, so an operation that started raises the
   * highest and one that ended lowers the count) — a batch of 10,000 pending moves is not re-read
   * for every 20 rows the scan writes.
   */
  owned(tx: Executor): Set<string> {
    const unfinished = inArray(fileOperations.status, ['pending', 'in_progress']);
    const now = tx
      .select({ n: sql<number>`count(*)`, last: sql<number | null>`max(${fileOperations.id})` })
      .from(fileOperations)
      .where(unfinished)
      .get()!;
    const key = `${now.n}:${now.last}`;
    if (this.ownedCache?.key === key) return this.ownedCache.paths;
    const ops = tx
      .select({ src: fileOperations.srcPath, dst: fileOperations.dstPath, srcDir: fileOperations.srcDirectoryId, dstDir: fileOperations.dstDirectoryId })
      .from(fileOperations)
      .where(and(unfinished, or(eq(fileOperations.srcDirectoryId, this.dir.id), eq(fileOperations.dstDirectoryId, this.dir.id))))
      .all();
    const paths = new Set<string>();
    const add = (abs: string | null, directoryId: string | null) => {
      if (!abs || directoryId !== this.dir.id) return;
      const rel = path.relative(this.dir.path, abs);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) paths.add(rel.split(path.sep).join('/'));
    };
    for (const o of ops) {
      add(o.src, o.srcDir);
      add(o.dst, o.dstDir);
    }
    this.ownedCache = { key, paths };
    return paths;
  }

  add(r: Result) {
    this.pending.push(r);
    if (this.pending.length >= FLUSH_ROWS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Fast scan, first phase: a row per new file from its path alone, shown at once. */
  registerQuick(entries: WalkFile[]): { entry: WalkFile; trackId: string }[] {
    const now = this.ctx.clock.now();
    const out: { entry: WalkFile; trackId: string }[] = [];
    for (let i = 0; i < entries.length; i += FLUSH_ROWS) {
      const slice = entries.slice(i, i + FLUSH_ROWS);
      writeTx(this.ctx.db, (tx) => {
        const ids: string[] = [];
        const owned = this.owned(tx);
        for (const entry of slice) {
          if (owned.has(entry.relPath)) continue;
          // a row put at the path since the scan loaded the folder (a file operation ended) is this file's
          const at = this.rowAt(entry.relPath);
          if (at) {
            out.push({ entry, trackId: at });
            continue;
          }
          const id = crypto.randomUUID();
          this.fast.insert(tracks, Object.assign(quickColumns(entry, now), { id, directoryId: this.dir.id, dateAdded: now, createdAt: now, lastScanId: this.scanId }));
          ids.push(id);
          out.push({ entry, trackId: id });
        }
        this.stats.added += ids.length;
        if (ids.length) appendEvent(tx, 'track:added', { trackIds: ids, directoryId: this.dir.id }, now);
      });
    }
    return out;
  }

  private restores: { id: string; entry: WalkFile }[] = [];

  /** An unchanged file that was missing is back (e.g. its drive was plugged in again). */
  restore(id: string, entry: WalkFile) {
    this.restores.push({ id, entry });
    if (this.restores.length >= 500) this.flushRestores();
  }

  private flushRestores() {
    if (this.restores.length === 0) return;
    const batch = this.restores;
    this.restores = [];
    const now = this.ctx.clock.now();
    writeTx(this.ctx.db, (tx) => {
      for (const { id, entry } of batch) {
        tx.update(tracks)
          .set({ isMissing: false, missingSince: null, missingReason: null, mtimeMs: entry.mtimeMs, inode: entry.inode, updatedAt: now })
          .where(eq(tracks.id, id))
          .run();
      }
      appendEvent(tx, 'track:restored', { trackIds: batch.map((r) => r.id), directoryId: this.dir.id }, now);
    });
    this.stats.restored += batch.length;
    for (const r of batch) this.restoredIds.add(r.id);
  }

  /** Restored tracks' hashes count as touched (they may rejoin a duplicate group). */
  readonly restoredIds = new Set<string>();

  flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushRestores();
    if (this.pending.length === 0) return;
    const all = this.pending;
    this.pending = [];
    const now = this.ctx.clock.now();
    const started = performance.now();
    writeTx(this.ctx.db, (tx) => {
      const owned = this.owned(tx);
      const batch = all.filter((r) => !owned.has(r.entry.relPath));
      if (batch.length < all.length) this.ctx.log.debug({ module: 'scan', files: all.length - batch.length }, 'files a file operation is working on were left to it');
      // a row already at the path is this file's, whoever put it there
      for (const r of batch) r.trackId ??= this.rowAt(r.entry.relPath);
      const added: string[] = [];
      const updated: string[] = [];
      const hashes = [...new Set(batch.filter((r) => r.kind === 'new' && r.analysis.hash.audioHash && !r.analysis.broken).map((r) => r.analysis.hash.audioHash))];
      const known = new Set(
        hashes.length
          ? tx
              .select({ audioHash: tracks.audioHash, id: tracks.id })
              .from(tracks)
              .where(inArray(tracks.audioHash, hashes))
              .all()
              .filter((t) => !batch.some((r) => r.trackId === t.id))
              .map((t) => t.audioHash)
          : [],
      );
      for (const r of batch) {
        const a = r.analysis;
        upsertArtwork(this.fast, a.artwork, now);
        if (a.broken) this.stats.broken++;
        // audio we already know (moved here, or a copy), or a broken file renamed once whole:
        // decided once the whole folder was walked
        if (r.kind === 'new' && !r.trackId && !a.broken && r.entry.inode) {
          const b = this.brokenByInode.get(r.entry.inode);
          if (b && b.relPath !== r.entry.relPath) r.brokenFrom = b.id;
        }
        if (r.kind === 'new' && a.hash.audioHash && !a.broken && (known.has(a.hash.audioHash) || r.brokenFrom)) {
          this.deferred.push(r);
          continue;
        }
        const cols = analysisColumns(r.entry, a, now);
        if (r.trackId) {
          const before = this.overridesOf(r.trackId);
          if (!before) continue;
          // fields the user edited in the library keep the user's value
          if (before.editedFields !== '[]') for (const k of JSON.parse(before.editedFields) as string[]) delete (cols as Record<string, unknown>)[k];
          const eff = effectiveColumns(this.lookup, cols, before);
          this.fast.update(tracks, 'id', r.trackId, Object.assign(cols, eff, { isMissing: false, missingSince: null, missingReason: null, lastScanId: this.scanId }));
          if (before.audioHash) this.touched.add(before.audioHash);
          if (r.kind === 'changed') {
            updated.push(r.trackId);
            this.stats.updated++;
          }
        } else {
          const id = crypto.randomUUID();
          this.fast.insert(
            tracks,
            Object.assign(cols, effectiveColumns(this.lookup, cols), { id, directoryId: this.dir.id, dateAdded: now, createdAt: now, lastScanId: this.scanId }),
          );
          added.push(id);
          this.stats.added++;
        }
        if (cols.audioHash) this.touched.add(cols.audioHash);
      }
      if (added.length) appendEvent(tx, 'track:added', { trackIds: added, directoryId: this.dir.id }, now);
      const fastCompleted = batch.filter((r) => r.kind === 'new' && r.trackId).map((r) => r.trackId!);
      if (updated.length || fastCompleted.length) appendEvent(tx, 'track:updated', { trackIds: [...updated, ...fastCompleted], fields: ['tags', 'file'] }, now);
    });
    const ms = performance.now() - started;
    if (ms > 15) this.ctx.log.debug({ module: 'scan', rows: all.length, ms: Math.round(ms) }, 'slow scan write');
  }
}
