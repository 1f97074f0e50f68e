import fs from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { tracks, type LibraryDirectory, type Track } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { InvalidError, NotFoundError, PreconditionError } from '../errors';
import { directoryById, listDirectories } from '../folders/directories.repo';
import { assertCleanPath, isInside } from '../folders/paths';

/** Hidden folder inside each library folder where deleted files wait (the scanner skips it). */
export const TRASH_FOLDER = '.mismo-trash';

const MAX_NAME_BYTES = 255;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Bidirectional overrides and isolates: "mp3.exe" can be made to read "exe.mp3". */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** A single file or folder name: no separators, no control characters, not `.`/`..`, not hidden. */
export function checkName(name: string, what = 'name'): string {
  if (name.trim() === '') throw new InvalidError(`${what} must not be empty`);
  if (CONTROL.test(name)) throw new InvalidError(`${what} contains control characters`);
  if (BIDI.test(name)) throw new InvalidError(`${what} contains characters that reverse the text direction (they can disguise a name)`);
  if (name.includes('/') || name.includes('\\')) throw new InvalidError(`${what} must not contain a slash`);
  if (name === '.' || name === '..') throw new InvalidError(`${what} must not be "${name}"`);
  if (name.startsWith('.')) throw new InvalidError(`${what} must not start with a dot (the file would be hidden from the library)`);
  if (name !== name.trim()) throw new InvalidError(`${what} must not start or end with spaces`);
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) throw new InvalidError(`${what} is too long (at most ${MAX_NAME_BYTES} bytes)`);
  return name;
}

export const absPathOf = (dir: LibraryDirectory, relPath: string) => path.join(dir.path, relPath);

export interface TrackFile {
  track: Track;
  dir: LibraryDirectory;
  absPath: string;
}

/**
 * The file behind a track, checked: the track is present, its folder is online, and the file's
 * real path (symlinks resolved) is the regular file it claims to be, inside that folder.
 */
export async function trackFile(ex: Executor, trackId: string): Promise<TrackFile> {
  const track = ex.select().from(tracks).where(eq(tracks.id, trackId)).get();
  if (!track) throw new NotFoundError('track', trackId);
  if (!track.directoryId) throw new PreconditionError(`"${track.fileName}" is not in a library folder any more`);
  const dir = directoryById(ex, track.directoryId);
  if (!dir) throw new PreconditionError(`"${track.fileName}" is not in a library folder any more`);
  if (!dir.isAvailable) throw new PreconditionError(`The folder "${dir.name}" is offline`);
  if (track.isMissing) throw new PreconditionError(`"${track.fileName}" is missing; find it first`);
  const absPath = absPathOf(dir, track.relPath);
  const real = await fs.realpath(absPath).catch(() => null);
  if (!real) throw new PreconditionError(`"${track.relPath}" is not on disk any more; rescan "${dir.name}"`);
  if (real !== absPath || !isInside(dir.path, real)) throw new InvalidError(`"${track.relPath}" is a link; only real files are moved`);
  const st = await fs.lstat(real);
  if (!st.isFile()) throw new InvalidError(`"${track.relPath}" is not a regular file`);
  return { track, dir, absPath };
}

export interface Destination {
  dir: LibraryDirectory;
  /** Folder relative to the library folder ('' for its top). */
  relFolder: string;
  absFolder: string;
}

/**
 * Resolves a destination folder given as an absolute path: the part that exists is resolved with
 * realpath (so a symlink cannot lead outside), the rest must be plain names, and the whole must
 * lie inside an available library folder, outside its trash.
 */
export async function destinationFolder(ex: Executor, folder: string): Promise<Destination> {
  assertCleanPath(folder, 'destination folder');
  if (!path.isAbsolute(folder)) throw new InvalidError('destination folder must be an absolute path');
  const norm = path.normalize(folder).replace(/\/+$/, '') || '/';
  if (folder.split('/').includes('..')) throw new InvalidError('destination folder must not contain ".."');
  // walk up to the deepest part that exists and resolve it
  const rest: string[] = [];
  let existing = norm;
  for (;;) {
    const st = await fs.lstat(existing).catch(() => null);
    if (st) break;
    rest.unshift(path.basename(existing));
    const up = path.dirname(existing);
    if (up === existing) throw new InvalidError(`destination folder cannot be resolved: ${folder}`);
    existing = up;
  }
  const real = await fs.realpath(existing);
  if (!(await fs.stat(real)).isDirectory()) throw new InvalidError(`not a folder: ${existing}`);
  for (const name of rest) checkName(name, 'folder name');
  const absFolder = path.join(real, ...rest);
  const dir = listDirectories(ex).find((d) => isInside(d.path, absFolder));
  if (!dir) throw new InvalidError(`destination is not inside a library folder: ${folder}`);
  if (!dir.isAvailable) throw new PreconditionError(`The folder "${dir.name}" is offline`);
  const relFolder = path.relative(dir.path, absFolder);
  if (relFolder.split(path.sep).some((part) => part.startsWith('.'))) throw new InvalidError('destination must not be a hidden folder (or the trash)');
  return { dir, relFolder, absFolder };
}

/** Splits a file name into stem and extension (with the dot; '' when none). */
export function splitExt(name: string): [string, string] {
  const ext = path.extname(name);
  return ext && ext !== name ? [name.slice(0, -ext.length), ext] : [name, ''];
}

/** `name.ext`, `name (2).ext`, `name (3).ext`… the first that `taken` says is free. */
export function freeName(name: string, taken: (candidate: string) => boolean): string {
  if (!taken(name)) return name;
  const [stem, ext] = splitExt(name);
  for (let i = 2; i < 10_000; i++) {
    const c = `${stem} (${i})${ext}`;
    if (!taken(c)) return c;
  }
  throw new PreconditionError(`no free name for ${name}`);
}
