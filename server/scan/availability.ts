import fs from 'node:fs/promises';
import { constants } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { libraryDirectories, tracks, type LibraryDirectory } from '@/drizzle/schema';
import type { AppContext } from '../context';
import type { Executor } from '../db/client';
import { writeTx } from '../db/tx';
import { startScan } from './start-scan';
import { appendEvent } from '../events/outbox';
import { NotFoundError, errorMessage } from '../errors';
import type { VolumeInfo } from '../ports/volumes';
import { directoryById, listDirectories } from '../folders/directories.repo';
import { markMissingTx } from '../tracks/mark-missing';

export interface AvailabilityResult {
  directoryId: string;
  available: boolean;
  changed: boolean;
  reason: string | null;
  volume: VolumeInfo | null;
}

/**
 * Whether a recorded volume identity still matches. A filesystem UUID decides when both are
 * known; otherwise a changed device together with a changed mount point means another volume
 * (e.g. the drive was unmounted and the path now lies on the root filesystem).
 */
export function sameVolume(recorded: Pick<LibraryDirectory, 'deviceId' | 'mountPoint' | 'fsUuid'>, current: VolumeInfo): boolean {
  if (recorded.fsUuid && current.fsUuid) return recorded.fsUuid === current.fsUuid;
  if (recorded.deviceId && recorded.deviceId !== current.deviceId && recorded.mountPoint && recorded.mountPoint !== current.mountPoint) return false;
  return true;
}

/** A dead network mount or a failing drive can make stat hang; past this it counts as unavailable. */
const PROBE_TIMEOUT_MS = 5_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} did not answer within ${ms / 1000} s`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function probe(ctx: AppContext, dir: LibraryDirectory): Promise<{ available: boolean; reason: string | null; volume: VolumeInfo | null }> {
  try {
    const st = await withTimeout(fs.stat(dir.path), PROBE_TIMEOUT_MS, 'the folder');
    if (!st.isDirectory()) return { available: false, reason: 'path is no longer a directory', volume: null };
    await fs.access(dir.path, constants.R_OK | constants.X_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      available: false,
      reason:
        code === 'ENOENT'
          ? 'folder not found (drive unplugged or folder removed)'
          : code === 'ETIMEDOUT'
            ? 'the drive is not responding'
            : `cannot read folder (${code ?? errorMessage(e)})`,
      volume: null,
    };
  }
  let volume: VolumeInfo;
  try {
    volume = ctx.ports.volumes.identify(dir.path);
  } catch (e) {
    return { available: false, reason: `cannot identify volume: ${errorMessage(e)}`, volume: null };
  }
  if (!sameVolume(dir, volume)) return { available: false, reason: 'a different volume is mounted at this path', volume };
  return { available: true, reason: null, volume };
}

/**
 * Checks one folder (or all) for presence and volume identity and records the result. When a
 * folder goes away its tracks become missing with reason "offline" (never deleted); when it comes
 * back on the same volume they are restored at once and a change scan is queued to catch what
 * happened to the files meanwhile. Emits `library:media:connected|disconnected`.
 */
export async function checkAvailability(ctx: AppContext, directoryId?: string, onChange?: (directoryId: string, available: boolean) => void): Promise<AvailabilityResult[]> {
  const dirs = directoryId ? [directoryById(ctx.db, directoryId) ?? notFound(directoryId)] : listDirectories(ctx.db);
  const results: AvailabilityResult[] = [];
  for (const dir of dirs) {
    const p = await probe(ctx, dir);
    const now = ctx.clock.now();
    const changed = writeTx(ctx.db, (tx) => {
      const fresh = directoryById(tx, dir.id);
      if (!fresh) return false;
      const flipped = fresh.isAvailable !== p.available;
      tx.update(libraryDirectories)
        .set({
          isAvailable: p.available,
          availabilityCheckedAt: now,
          availabilityError: p.reason,
          unavailableSince: p.available ? null : (fresh.unavailableSince ?? now),
          // A volume that still matches may have new device numbers after a re-plug.
          ...(p.available && p.volume ? { deviceId: p.volume.deviceId, mountPoint: p.volume.mountPoint, fsUuid: fresh.fsUuid ?? p.volume.fsUuid, fsType: p.volume.fsType } : {}),
          ...(flipped ? { updatedAt: now } : {}),
        })
        .where(eq(libraryDirectories.id, dir.id))
        .run();
      if (flipped) {
        if (p.available) {
          appendEvent(tx, 'library:media:connected', { directoryId: dir.id }, now);
          restoreOfflineTx(tx, dir.id, now);
          if (fresh.isActive) startScan(ctx, { directoryId: dir.id, strategy: 'hybrid', priority: 'normal' }, 'media', tx);
        } else {
          appendEvent(tx, 'library:media:disconnected', { directoryId: dir.id, reason: p.reason ?? 'unavailable' }, now);
          // every present track of an unplugged folder becomes missing, reason "offline"
          markMissingTx(tx, { directoryId: dir.id, presentOnly: true }, 'offline', now);
        }
        appendEvent(tx, 'library:directory:updated', { directoryId: dir.id, fields: ['isAvailable'] }, now);
      }
      return flipped;
    });
    if (changed) onChange?.(dir.id, p.available);
    results.push({ directoryId: dir.id, available: p.available, changed, reason: p.reason, volume: p.volume });
  }
  return results;
}

/** The folder is back: what was missing only because it was offline is present again. */
function restoreOfflineTx(tx: Executor, directoryId: string, now: number) {
  const n = tx
    .update(tracks)
    .set({ isMissing: false, missingReason: null, missingSince: null, updatedAt: now })
    .where(and(eq(tracks.directoryId, directoryId), eq(tracks.isMissing, true), eq(tracks.missingReason, 'offline')))
    .run().changes;
  if (n) appendEvent(tx, 'track:restored', { trackIds: [], count: n, directoryId }, now);
}

function notFound(id: string): never {
  throw new NotFoundError('library directory', id);
}
