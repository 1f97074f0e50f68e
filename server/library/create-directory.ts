import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { constants } from 'node:fs';
import { libraryDirectories, type LibraryDirectory } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { writeTx } from '../db/tx';
import type { Tx } from '../db/client';
import { appendEvent } from '../events/outbox';
import { ConflictError, InvalidError } from '../errors';
import { enqueueJob } from '../jobs/queue';
import { PRIORITY } from '../jobs/catalogue';
import { startScan } from '../scan/start-scan';
import { listDirectories } from '../folders/directories.repo';
import { assertCleanPath, forbiddenFolderProblem, isInside, realpathOrInvalid } from '../folders/paths';
import { CreateDirectoryInput } from '../folders/schemas';

/** The first conflict between a candidate path and the existing directories, if any. */
export function overlapProblem(candidate: string, existing: Pick<LibraryDirectory, 'id' | 'path' | 'name'>[]): ConflictError | undefined {
  for (const d of existing) {
    if (d.path === candidate) return new ConflictError(`This folder is already in the library as "${d.name}"`, { directoryId: d.id });
    if (isInside(d.path, candidate)) return new ConflictError(`This folder is inside "${d.name}" (${d.path}), which is already in the library`, { directoryId: d.id });
    if (isInside(candidate, d.path)) return new ConflictError(`This folder contains "${d.name}" (${d.path}), which is already in the library`, { directoryId: d.id });
  }
  return undefined;
}

const dataDirReal = async (dir: string) => fs.realpath(dir).catch(() => path.resolve(dir));

/**
 * Adds a music folder. The path must exist, be a readable directory, and neither nest in nor
 * contain another library folder; it is stored as its realpath with its volume identity, so an
 * unplugged drive is later told apart from deleted files. Emits `library:directory:added`.
 */
export async function createDirectory(ctx: AppContext, raw: CreateDirectoryInput): Promise<LibraryDirectory> {
  const input = CreateDirectoryInput.parse(raw);
  assertCleanPath(input.path, 'Folder path');
  if (!path.isAbsolute(input.path)) throw new InvalidError('Folder path must be absolute');
  const real = await realpathOrInvalid(input.path, 'Folder');
  const forbidden = forbiddenFolderProblem(real, await dataDirReal(ctx.env.dataDir));
  if (forbidden) throw forbidden;
  const st = await fs.stat(real);
  if (!st.isDirectory()) throw new InvalidError(`Not a directory: ${real}`);
  try {
    await fs.access(real, constants.R_OK | constants.X_OK);
  } catch {
    throw new InvalidError(`Folder is not readable: ${real}`);
  }
  const volume = ctx.ports.volumes.identify(real);
  const now = ctx.clock.now();
  return writeTx(ctx.db, (tx) => {
    const problem = overlapProblem(real, listDirectories(tx));
    if (problem) throw problem;
    const row = tx
      .insert(libraryDirectories)
      .values({
        id: crypto.randomUUID(),
        path: real,
        name: input.name ?? (path.basename(real) || real),
        isActive: input.isActive ?? true,
        isRemovable: input.isRemovable ?? volume.isRemovable,
        isAvailable: true,
        includePatterns: input.includePatterns ?? null,
        excludePatterns: input.excludePatterns ?? [],
        maxDepth: input.maxDepth ?? null,
        followSymlinks: input.followSymlinks ?? ctx.settings.get('library.followSymlinksDefault'),
        priority: input.priority ?? 0,
        deviceId: volume.deviceId,
        mountPoint: volume.mountPoint,
        fsUuid: volume.fsUuid,
        fsType: volume.fsType,
        availabilityCheckedAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    appendEvent(tx, 'library:directory:added', { directoryId: row.id }, now);
    onDirectoryAdded(ctx, tx, row);
    return row;
  });
}

/** Follow-up work for a new folder: an availability check and its first scan. */
function onDirectoryAdded(ctx: AppContext, tx: Tx, row: LibraryDirectory) {
  enqueueJob(tx, 'library.checkAvailability', { directoryId: row.id }, { priority: PRIORITY.user, dedupeKey: `availability:${row.id}` }, ctx.clock.now());
  if (row.isActive) startScan(ctx, { directoryId: row.id, priority: 'high' }, 'user', tx);
}
