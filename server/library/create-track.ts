import fs from 'node:fs/promises';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { trackExclusions, tracks } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { writeTx } from '../db/tx';
import { ConflictError, InvalidError, PreconditionError } from '../errors';
import { listDirectories } from '../folders/directories.repo';
import { assertCleanPath, isInside, realpathOrInvalid } from '../folders/paths';
import { AUDIO_EXTENSIONS } from '../folders/schemas';
import { startScan } from '../scan/start-scan';
import { CreateTrackInput } from '../tracks/schemas';

/**
 * Adds one file by hand. It must be an audio file inside an active library folder (checked on
 * its realpath, so links cannot smuggle files in). The worker reads it as a one-file scan; the
 * track arrives through `track:added`. Returns the scan that imports it.
 */
export async function createTrack(ctx: AppContext, raw: { path: string }) {
  const input = CreateTrackInput.parse(raw);
  assertCleanPath(input.path, 'File path');
  if (!path.isAbsolute(input.path)) throw new InvalidError('File path must be absolute');
  const real = await realpathOrInvalid(input.path, 'File');
  const st = await fs.stat(real);
  if (!st.isFile()) throw new InvalidError(`Not a file: ${real}`);
  const ext = path.extname(real).slice(1).toLowerCase();
  if (!(AUDIO_EXTENSIONS as readonly string[]).includes(ext)) throw new InvalidError(`Not an audio file (.${ext || '?'}); supported: ${AUDIO_EXTENSIONS.join(', ')}`);
  const dir = listDirectories(ctx.db).find((d) => isInside(d.path, real));
  if (!dir) throw new InvalidError(`The file is not inside any library folder: ${real}`);
  if (!dir.isActive) throw new PreconditionError(`"${dir.name}" is inactive`);
  const relPath = path.relative(dir.path, real).split(path.sep).join('/');
  return writeTx(ctx.db, (tx) => {
    const existing = tx
      .select({ id: tracks.id })
      .from(tracks)
      .where(and(eq(tracks.directoryId, dir.id), eq(tracks.relPath, relPath)))
      .get();
    if (existing) throw new ConflictError('This file is already in the library', { trackId: existing.id });
    // adding by hand lifts an earlier removal
    tx.delete(trackExclusions)
      .where(and(eq(trackExclusions.directoryId, dir.id), eq(trackExclusions.relPath, relPath)))
      .run();
    const { scan, job } = startScan(ctx, { directoryId: dir.id, relPath, strategy: 'hybrid', priority: 'high' }, 'user', tx);
    return { directoryId: dir.id, relPath, scanId: scan.id, jobId: job.id };
  });
}
