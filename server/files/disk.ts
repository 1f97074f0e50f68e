import fs from 'node:fs/promises';
import fsSync, { constants as fsc } from 'node:fs';
import path from 'node:path';
import xxhash, { type XXHashAPI } from 'xxhash-wasm';

let xx: Promise<XXHashAPI> | undefined;

/** XXH64 of every byte of a file (16 hex digits), read in 1 MiB chunks. */
export async function hashWholeFile(absPath: string, signal?: AbortSignal): Promise<string> {
  const h = (await (xx ??= xxhash())).create64();
  const fh = await fs.open(absPath, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return h.digest().toString(16).padStart(16, '0');
}

export const sizeOf = (p: string) =>
  fs.lstat(p).then(
    (s) => s.size,
    () => null,
  );

/** Creates an empty file at `p`, failing with EEXIST if anything is there: the name is ours. */
export async function reserve(p: string): Promise<void> {
  const fh = await fs.open(p, fsc.O_CREAT | fsc.O_EXCL | fsc.O_WRONLY, 0o644);
  await fh.close();
}

/** Removes `p` only if it is the empty placeholder `reserve` made. */
export async function unreserve(p: string): Promise<void> {
  if ((await sizeOf(p)) === 0) await fs.unlink(p);
}

export async function fsyncFile(p: string): Promise<void> {
  const fh = await fs.open(p, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** `fsyncFile` for the few places that must stay synchronous (a backup taken just before migrating). */
export function fsyncFileSync(p: string): void {
  const fd = fsSync.openSync(p, 'r');
  try {
    fsSync.fsyncSync(fd);
  } finally {
    fsSync.closeSync(fd);
  }
}

/** Size of a file in bytes, 0 when it is not there (e.g. a WAL that was checkpointed away). */
export function fileSizeSync(p: string): number {
  try {
    return fsSync.statSync(p).size;
  } catch {
    return 0;
  }
}

/** Makes a rename or unlink in `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, 'r').catch(() => null);
  if (!fh) return;
  try {
    await fh.sync();
  } catch {
    // some filesystems cannot sync a directory; the data itself was synced
  } finally {
    await fh.close();
  }
}

export async function sameDevice(a: string, bDir: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([fs.stat(a), fs.stat(bDir)]);
  return sa.dev === sb.dev;
}

/** Free bytes for an unprivileged writer on the filesystem holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const s = await fs.statfs(dir);
  return s.bavail * s.bsize;
}

/** Removes now-empty folders from `from` up to (not including) `stopAt`. */
export async function pruneEmptyDirs(from: string, stopAt: string): Promise<void> {
  let d = from;
  while (d.startsWith(stopAt + path.sep) && d !== stopAt) {
    try {
      await fs.rmdir(d);
    } catch {
      return;
    }
    d = path.dirname(d);
  }
}
