import fs from 'node:fs/promises';
import { constants } from 'node:fs';
import { eq } from 'drizzle-orm';
import { libraryDirectories, type LibraryDirectory } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { writeTx } from '../db/tx';
import { appendEvent } from '../events/outbox';
import { NotFoundError, errorMessage } from '../errors';
import type { VolumeInfo } from '../ports/volumes';
import { directoryById, listDirectories } from './directories.repo';

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

async function probe(ctx: AppContext, dir: LibraryDirectory): Promise<{ available: boolean; reason: string | null; volume: VolumeInfo | null }> {
  try {
    const st = await fs.stat(dir.path);
    if (!st.isDirectory()) return { available: false, reason: 'path is no longer a directory', volume: null };
    await fs.access(dir.path, constants.R_OK | constants.X_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      available: false,
      reason: code === 'ENOENT' ? 'folder not found (drive unplugged or folder removed)' : `cannot read folder (${code ?? errorMessage(e)})`,
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
 * Checks one folder (or all) for presence and volume identity, records the result and emits
 * `library:media:connected|disconnected` when availability changes.
 */
export async function checkAvailability(ctx: AppContext, directoryId?: string): Promise<AvailabilityResult[]> {
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
        if (p.available) appendEvent(tx, 'library:media:connected', { directoryId: dir.id }, now);
        else appendEvent(tx, 'library:media:disconnected', { directoryId: dir.id, reason: p.reason ?? 'unavailable' }, now);
        appendEvent(tx, 'library:directory:updated', { directoryId: dir.id, fields: ['isAvailable'] }, now);
      }
      return flipped;
    });
    results.push({ directoryId: dir.id, available: p.available, changed, reason: p.reason, volume: p.volume });
  }
  return results;
}

function notFound(id: string): never {
  throw new NotFoundError('library directory', id);
}
