import fs from 'node:fs/promises';
import { constants as fsc } from 'node:fs';
import path from 'node:path';
import { and, eq, ne } from 'drizzle-orm';
import { fileOperations, tracks, trashItems, type FileOperation } from '@/drizzle/schema';
import type { AppContext } from '../context';
import type { Executor } from '../db/client';
import { writeTx } from '../db/tx';
import { refreshDuplicateGroups } from '../tracks/duplicate-groups';
import { appendEvent } from '../events/outbox';
import { errorMessage } from '../errors';
import { directoryById } from '../folders/directories.repo';
import { isInside } from '../folders/paths';
import { removeTracksTx } from '../tracks/remove-tracks-tx';
import { restoreSnapshotTx, snapshotTracks } from '../tracks/snapshot';
import { freeBytes, fsyncDir, fsyncFile, hashWholeFile, pruneEmptyDirs, reserve, sameDevice, sizeOf, unreserve } from './disk';
import { getOperation, journalEnd, journalStep } from './journal';

/** Room left on a drive after a copy, so a move never fills it to the last byte. */
const SPACE_MARGIN = 64 * 1024 * 1024;

export interface ExecuteHooks {
  /**
   * Called after each journaled step. Tests stop here for good (a crash: the promise never
   * settles) or throw (a failure at that point).
   */
  afterStep?: (step: string, op: FileOperation) => Promise<void> | void;
  /** Copy even when source and destination share a device (tests of the cross-device path). */
  forceCopy?: boolean;
  signal?: AbortSignal;
}

/** A failure the DJ can act on; anything else is reported with its system message. */
function explain(e: unknown, op: FileOperation): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EEXIST') return `Something already exists at ${op.dstPath}; nothing was overwritten`;
  if (code === 'ENOSPC') return `Not enough space for ${path.basename(op.srcPath)}; nothing was changed`;
  if (code === 'EACCES' || code === 'EPERM') return `Permission denied (${errorMessage(e)}); nothing was changed`;
  if (code === 'EROFS') return 'The drive is read-only; nothing was changed';
  return errorMessage(e);
}

const RELOCATING = new Set<FileOperation['kind']>(['move', 'rename', 'trash', 'restore']);

/**
 * Runs one journaled file operation to its end. Every step is written to the journal before the
 * next starts, so `recoverOperations` can finish or undo it after a crash. A file is never
 * overwritten: the destination name is reserved with O_EXCL first. Within a device the file is
 * renamed (atomic); across devices it is copied to a hidden temporary file, synced, verified by
 * hash, put in place, and only then is the source removed.
 */
export async function executeOperation(ctx: AppContext, opId: number, hooks: ExecuteHooks = {}): Promise<FileOperation> {
  let op = getOperation(ctx.db, opId);
  if (!op) throw new Error(`file operation ${opId} not found`);
  if (op.status !== 'pending') return op;
  const now = () => ctx.clock.now();
  const step = async (name: string, extra: Partial<FileOperation> = {}) => {
    op = journalStep(ctx.db, op!, name, now(), extra);
    await hooks.afterStep?.(name, op);
  };
  const fail = (e: unknown) => journalEnd(ctx.db, op!, 'failed', now(), { error: explain(e, op!) });
  appendEvent(ctx.db, 'file_operation:started', { operationId: op.id, kind: op.kind, trackId: op.trackId, batchId: op.batchId }, now());

  // where things stand now: an earlier operation may have moved the track since this was planned
  try {
    if (op.trackId && !op.meta.fileOnly && op.kind !== 'restore') {
      const t = ctx.db.select().from(tracks).where(eq(tracks.id, op.trackId)).get();
      const at = t?.directoryId ? directoryById(ctx.db, t.directoryId) : undefined;
      if (!t || !at || t.isMissing) throw new Error('The track left the library or went missing after this was planned; nothing was changed');
      const current = path.join(at.path, t.relPath);
      if (current !== op.srcPath) {
        const rebased: Partial<FileOperation> = { srcPath: current, srcDirectoryId: at.id };
        if (op.kind === 'rename') Object.assign(rebased, { dstPath: path.join(path.dirname(current), path.basename(op.dstPath!)), dstDirectoryId: at.id });
        op = ctx.db.update(fileOperations).set(rebased).where(eq(fileOperations.id, op.id)).returning().get();
      }
    }
    const st = await fs.lstat(op.srcPath).catch(() => null);
    if (!st?.isFile()) throw new Error(`${op.srcPath} is not there any more; nothing was changed`);
    const srcDir = directoryById(ctx.db, op.srcDirectoryId!);
    if (!srcDir || !isInside(srcDir.path, await fs.realpath(op.srcPath))) throw new Error(`${op.srcPath} is not inside its library folder`);
    await step('started', { sizeBytes: st.size, error: null });
  } catch (e) {
    return fail(e);
  }

  if (!RELOCATING.has(op.kind)) {
    // delete (permanent) or purge (empty a trash item): unlink, then record it
    try {
      await fs.unlink(op.srcPath);
      await fsyncDir(path.dirname(op.srcPath));
    } catch (e) {
      return fail(e);
    }
    return commit(ctx, op, 'done');
  }

  const dst = op.dstPath!;
  const tempPath = path.join(path.dirname(dst), `.mismo-partial-${op.id}`);
  let reserved = false;
  try {
    await fs.mkdir(path.dirname(dst), { recursive: true });
    const dstDir = directoryById(ctx.db, op.dstDirectoryId!);
    if (!dstDir || !isInside(dstDir.path, await fs.realpath(path.dirname(dst)))) throw new Error(`${dst} is not inside a library folder`);
    await reserve(dst);
    reserved = true;
    await step('reserved');
    if (!hooks.forceCopy && (await sameDevice(op.srcPath, path.dirname(dst)))) {
      await fs.rename(op.srcPath, dst);
      await fsyncDir(path.dirname(dst));
      return await commit(ctx, op, 'done');
    }
    // across devices: copy, sync, verify, place, record, then remove the source
    const size = op.sizeBytes ?? 0;
    if ((await freeBytes(path.dirname(dst))) < size + SPACE_MARGIN) throw Object.assign(new Error('not enough space'), { code: 'ENOSPC' });
    const fullHash = await hashWholeFile(op.srcPath, hooks.signal);
    await step('copying', { fullHash, meta: { ...op.meta, tempPath } });
    await fs.copyFile(op.srcPath, tempPath, fsc.COPYFILE_EXCL);
    await fsyncFile(tempPath);
    const srcStat = await fs.stat(op.srcPath);
    await fs.utimes(tempPath, srcStat.atime, srcStat.mtime);
    if ((await hashWholeFile(tempPath, hooks.signal)) !== fullHash) throw new Error('the copy does not match the original (verify failed); nothing was changed');
    await step('copied');
    await fs.rename(tempPath, dst); // over our own empty placeholder
    await fsyncDir(path.dirname(dst));
    await step('placed');
  } catch (e) {
    await fs.rm(tempPath, { force: true }).catch(() => undefined);
    if (reserved) await unreserve(dst).catch(() => undefined);
    return fail(e);
  }
  op = await commit(ctx, op, 'committed');
  await hooks.afterStep?.('committed', op);
  return removeSource(ctx, op);
}

/** Last step of a cross-device relocation: the copy is in place and recorded; drop the original. */
async function removeSource(ctx: AppContext, op: FileOperation): Promise<FileOperation> {
  try {
    if ((await sizeOf(op.dstPath!)) === op.sizeBytes) {
      await fs.rm(op.srcPath, { force: true });
      await fsyncDir(path.dirname(op.srcPath));
    }
  } catch (e) {
    return journalEnd(ctx.db, op, 'done', ctx.clock.now(), { error: `moved, but the original could not be removed: ${errorMessage(e)}` });
  }
  await tidySource(ctx, op);
  return journalEnd(ctx.db, op, 'done', ctx.clock.now());
}

/** A move leaves no empty folder behind it (never the library folder itself). */
async function tidySource(ctx: AppContext, op: FileOperation) {
  if (op.kind !== 'move' && op.kind !== 'rename') return;
  const dir = op.srcDirectoryId ? directoryById(ctx.db, op.srcDirectoryId) : undefined;
  if (dir) await pruneEmptyDirs(path.dirname(op.srcPath), dir.path);
}

/**
 * Records a finished file change in the library, in one transaction with the journal: the track's
 * new path, a trash item, a removed or restored track. Safe to run twice.
 */
export async function commit(ctx: AppContext, op: FileOperation, status: 'done' | 'committed'): Promise<FileOperation> {
  const now = ctx.clock.now();
  const row = writeTx(ctx.db, (tx) => {
    applyToLibrary(tx, op, now);
    return status === 'done' ? journalEnd(tx, op, 'done', now) : journalStep(tx, op, 'committed', now);
  });
  if (status === 'done') await tidySource(ctx, row);
  return row;
}

function relIn(tx: Executor, directoryId: string | null, abs: string): string {
  const dir = directoryId ? directoryById(tx, directoryId) : undefined;
  if (!dir) throw new Error('library folder gone');
  return path.relative(dir.path, abs);
}

function applyToLibrary(tx: Executor, op: FileOperation, now: number) {
  const track = op.trackId ? tx.select().from(tracks).where(eq(tracks.id, op.trackId)).get() : undefined;
  const hashes = [op.audioHash ?? track?.audioHash].filter((h): h is string => !!h);
  switch (op.kind) {
    case 'move':
    case 'rename': {
      if (!track || op.meta.fileOnly) break;
      const relPath = relIn(tx, op.dstDirectoryId, op.dstPath!);
      // a scan that ran in between may have registered the file at its new path: take it over
      tx.delete(tracks)
        .where(and(eq(tracks.directoryId, op.dstDirectoryId!), eq(tracks.relPath, relPath), ne(tracks.id, track.id)))
        .run();
      tx.update(tracks)
        .set({ directoryId: op.dstDirectoryId, relPath, fileName: path.basename(relPath), isMissing: false, missingSince: null, missingReason: null, updatedAt: now })
        .where(eq(tracks.id, track.id))
        .run();
      appendEvent(
        tx,
        'track:moved',
        { trackId: track.id, from: { directoryId: track.directoryId, relPath: track.relPath }, to: { directoryId: op.dstDirectoryId!, relPath } },
        now,
      );
      break;
    }
    case 'trash': {
      const keepRow = !!track && !op.meta.fileOnly;
      const item = tx
        .insert(trashItems)
        .values({
          directoryId: op.srcDirectoryId!,
          originalRelPath: relIn(tx, op.srcDirectoryId, op.srcPath),
          trashRelPath: relIn(tx, op.dstDirectoryId, op.dstPath!),
          sizeBytes: op.sizeBytes ?? 0,
          trackId: op.trackId,
          title: track?.title ?? op.meta.title ?? null,
          artist: track?.artist ?? op.meta.artist ?? null,
          reason: op.meta.resolutionId ? 'duplicate' : 'deleted',
          resolutionId: op.meta.resolutionId ?? null,
          snapshot: keepRow ? snapshotTracks(tx, [track.id]) : null,
          operationId: op.id,
          trashedAt: now,
        })
        .returning({ id: trashItems.id })
        .get();
      tx.update(fileOperations)
        .set({ meta: { ...op.meta, trashItemId: item.id } })
        .where(eq(fileOperations.id, op.id))
        .run();
      if (keepRow) removeTracksTx(tx, [track.id], now);
      break;
    }
    case 'restore': {
      const item = tx.select().from(trashItems).where(eq(trashItems.id, op.meta.trashItemId!)).get();
      if (!item) break;
      tx.update(trashItems).set({ restoredAt: now }).where(eq(trashItems.id, item.id)).run();
      const relPath = relIn(tx, op.dstDirectoryId, op.dstPath!);
      if (item.snapshot) {
        const { restored } = restoreSnapshotTx(tx, item.snapshot, now, { relPathOf: () => relPath });
        if (restored.length) appendEvent(tx, 'track:added', { trackIds: restored, directoryId: op.dstDirectoryId }, now);
      }
      const back = item.trackId ? tx.select().from(tracks).where(eq(tracks.id, item.trackId)).get() : undefined;
      if (back) {
        tx.update(tracks)
          .set({ directoryId: op.dstDirectoryId, relPath, fileName: path.basename(relPath), isMissing: false, missingSince: null, missingReason: null, updatedAt: now })
          .where(eq(tracks.id, back.id))
          .run();
        if (back.audioHash) hashes.push(back.audioHash);
      }
      break;
    }
    case 'delete':
      if (track && !op.meta.fileOnly) removeTracksTx(tx, [track.id], now);
      break;
    case 'purge':
      if (op.meta.trashItemId) tx.update(trashItems).set({ purgedAt: now }).where(eq(trashItems.id, op.meta.trashItemId)).run();
      break;
  }
  if (hashes.length && op.kind !== 'purge') refreshDuplicateGroups(tx, hashes, now);
}
