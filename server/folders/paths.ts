import fs from 'node:fs/promises';
import path from 'node:path';
import { InvalidError } from '../errors';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Rejects strings that cannot be honest paths: empty, NUL or other control characters. */
export function assertCleanPath(p: string, what = 'path'): void {
  if (p.length === 0) throw new InvalidError(`${what} must not be empty`);
  if (CONTROL.test(p)) throw new InvalidError(`${what} contains control characters`);
  if (p.length > 4096) throw new InvalidError(`${what} is too long`);
}

/** True when `child` is `parent` or lies below it (both absolute, normalised). */
export function isInside(parent: string, child: string): boolean {
  if (child === parent) return true;
  const p = parent.endsWith(path.sep) ? parent : parent + path.sep;
  return child.startsWith(p);
}

/** Resolves symlinks and `..`; errors become clear domain errors. */
export async function realpathOrInvalid(p: string, what = 'path'): Promise<string> {
  try {
    return await fs.realpath(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InvalidError(`${what} does not exist: ${p}`);
    if (code === 'EACCES') throw new InvalidError(`${what} is not readable: ${p}`);
    if (code === 'ENOTDIR') throw new InvalidError(`${what} is not a directory: ${p}`);
    if (code === 'ELOOP') throw new InvalidError(`${what} is a symlink loop: ${p}`);
    throw new InvalidError(`${what} cannot be resolved: ${p} (${code ?? String(e)})`);
  }
}

/** A relative path inside a library directory: no absolute paths, no `..`, no control characters. */
export function assertRelPath(rel: string, what = 'relative path'): string {
  if (rel === '') return '';
  assertCleanPath(rel, what);
  if (path.isAbsolute(rel)) throw new InvalidError(`${what} must be relative to the library folder`);
  const norm = path.normalize(rel);
  if (norm === '..' || norm.startsWith(`..${path.sep}`)) throw new InvalidError(`${what} leaves the library folder`);
  return norm === '.' ? '' : norm.replace(/\/+$/, '');
}

/** System folders: never music, and serving their files would hand out the machine's secrets. */
const SYSTEM_TREES = ['/etc', '/proc', '/sys', '/dev', '/boot', '/run', '/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/var/lib', '/var/log'];
const SYSTEM_EXACT = ['/', '/root', '/var', '/tmp'];

/** Why this (real) folder can never be a library folder, or undefined. */
export function forbiddenFolderProblem(real: string, dataDirReal: string): InvalidError | undefined {
  if (SYSTEM_EXACT.includes(real)) return new InvalidError(`${real} is a system folder, not a music folder; choose the folder that holds your music`);
  // /dev/shm is a RAM disk anyone may write to, not device nodes (handy for scratch crates)
  const tree = isInside('/dev/shm', real) && real !== '/dev/shm' ? undefined : SYSTEM_TREES.find((t) => isInside(t, real));
  if (tree) return new InvalidError(`${real} is a system folder (inside ${tree}), not a music folder`);
  if (isInside(dataDirReal, real)) return new InvalidError(`${real} is inside the library's own data folder (${dataDirReal})`);
  if (isInside(real, dataDirReal)) return new InvalidError(`${real} holds the library's own data folder (${dataDirReal}); choose the music folder inside it`);
  return undefined;
}

/** The deepest folder that contains every one of `folders` ('' when they share none). */
export function commonFolder(folders: string[]): string {
  if (!folders.length) return '';
  let parts = folders[0]!.split('/').filter(Boolean);
  for (const f of folders.slice(1)) {
    const q = f.split('/').filter(Boolean);
    let i = 0;
    while (i < parts.length && i < q.length && parts[i] === q[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join('/');
}
