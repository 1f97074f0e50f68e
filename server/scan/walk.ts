import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { AUDIO_EXTENSIONS } from '../folders/schemas';

export interface WalkOptions {
  root: string;
  /** Folder inside root to walk ('' = all). */
  relPath?: string;
  includePatterns: string[] | null;
  excludePatterns: string[];
  maxDepth: number | null;
  followSymlinks: boolean;
}

export interface WalkFile {
  relPath: string;
  sizeBytes: number;
  mtimeMs: number;
  inode: number;
}

export interface WalkIssue {
  relPath: string;
  problem: string;
}

export interface WalkStats {
  dirs: number;
  files: number;
  skipped: number;
  issues: number;
}

/** Names no music collection wants scanned: OS and NAS metadata, trash, our own trash folder. */
const JUNK = new Set(['thumbs.db', 'desktop.ini', '@eadir', '$recycle.bin', 'system volume information', '.trashes', '__macosx', '.mismo-trash', 'lost+found']);

/** Hidden entries and OS junk: never part of the library. */
export const isSkippedName = (name: string) => name.startsWith('.') || JUNK.has(name.toLowerCase());

export const DEFAULT_INCLUDE = [`**/*.{${AUDIO_EXTENSIONS.join(',')}}`];

const AUDIO = new Set<string>(AUDIO_EXTENSIONS);
const MAX_DEPTH = 128;

export function compileFilters(include: string[] | null, exclude: string[]) {
  const exc = exclude.length ? picomatch(exclude, { nocase: true, dot: true }) : () => false;
  const audio = (rel: string) => {
    const dot = rel.lastIndexOf('.');
    return dot > rel.lastIndexOf('/') && AUDIO.has(rel.slice(dot + 1).toLowerCase());
  };
  // include patterns only narrow the audio files: a pattern can never bring in passwd or a .txt
  const inc = include?.length ? picomatch(include, { nocase: true, dot: false }) : () => true;
  return { include: (rel: string) => audio(rel) && inc(rel) && !exc(rel), excludeDir: (rel: string) => exc(rel) || exc(`${rel}/`) };
}

const toPosix = (p: string) => (path.sep === '/' ? p : p.split(path.sep).join('/'));

/**
 * Walks a library folder depth-first with synchronous calls (run it off the main thread).
 * Hidden entries and OS junk are skipped; symlinks are ignored unless followed, and then every
 * directory and file is visited once however many links lead to it (no loops). An unreadable
 * folder becomes an issue, not a failure.
 */
export function* walk(opts: WalkOptions): Generator<WalkFile | WalkIssue, WalkStats> {
  const stats: WalkStats = { dirs: 0, files: 0, skipped: 0, issues: 0 };
  const filters = compileFilters(opts.includePatterns, opts.excludePatterns);
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  const start = opts.relPath ? path.join(opts.root, opts.relPath) : opts.root;
  // a link is only ever followed to somewhere inside the folder, whatever the symlink setting
  let rootReal: string | undefined;
  const leadsOutside = (abs: string) => {
    try {
      rootReal ??= fs.realpathSync(opts.root);
      const real = fs.realpathSync(abs);
      return real !== rootReal && !real.startsWith(rootReal + path.sep);
    } catch {
      return true;
    }
  };
  // a single file (added by hand): yield it alone
  if (opts.relPath) {
    const link = fs.lstatSync(start, { throwIfNoEntry: false });
    const st = link?.isSymbolicLink() ? (opts.followSymlinks && !leadsOutside(start) ? fs.statSync(start, { throwIfNoEntry: false }) : undefined) : link;
    if (link?.isSymbolicLink() && !st) return stats;
    if (st?.isFile() && !filters.include(toPosix(opts.relPath))) return stats;
    if (st?.isFile()) {
      stats.files = 1;
      yield { relPath: opts.relPath, sizeBytes: st.size, mtimeMs: Math.floor(st.mtimeMs), inode: st.ino };
      return stats;
    }
  }
  const stack: { abs: string; rel: string; depth: number }[] = [{ abs: start, rel: opts.relPath ?? '', depth: opts.relPath ? opts.relPath.split('/').length : 0 }];
  while (stack.length) {
    const dir = stack.pop()!;
    if (dir.depth > MAX_DEPTH) {
      // only a bind-mount loop gets this deep without following symlinks
      stats.issues++;
      yield { relPath: dir.rel, problem: `more than ${MAX_DEPTH} folders deep (a mount loop?); not walked further` };
      continue;
    }
    // loops need symlinks (or bind mounts, bounded above): otherwise no folder is reached twice
    if (opts.followSymlinks) {
      let st: fs.Stats;
      try {
        st = fs.statSync(dir.abs);
      } catch (e) {
        stats.issues++;
        yield { relPath: dir.rel, problem: errText(e) };
        continue;
      }
      const dirKey = `${st.dev}:${st.ino}`;
      if (seenDirs.has(dirKey)) continue;
      seenDirs.add(dirKey);
    }
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir.abs, { withFileTypes: true });
    } catch (e) {
      stats.issues++;
      yield { relPath: dir.rel, problem: errText(e) };
      continue;
    }
    stats.dirs++;
    const subdirs: typeof stack = [];
    for (const e of entries) {
      const name = e.name;
      if (isSkippedName(name)) {
        stats.skipped++;
        continue;
      }
      const rel = dir.rel ? `${dir.rel}/${name}` : name;
      const abs = path.join(dir.abs, name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        if (!opts.followSymlinks) {
          stats.skipped++;
          continue;
        }
        if (leadsOutside(abs)) {
          stats.issues++;
          yield { relPath: rel, problem: 'a link to somewhere outside this folder; not followed' };
          continue;
        }
        try {
          const t = fs.statSync(abs);
          isDir = t.isDirectory();
          isFile = t.isFile();
        } catch {
          stats.skipped++; // broken link or a loop the OS refuses to resolve
          continue;
        }
      }
      if (isDir) {
        if (opts.maxDepth !== null && dir.depth >= opts.maxDepth) continue;
        if (filters.excludeDir(toPosix(rel))) {
          stats.skipped++;
          continue;
        }
        subdirs.push({ abs, rel, depth: dir.depth + 1 });
        continue;
      }
      if (!isFile || !filters.include(toPosix(rel))) {
        stats.skipped++;
        continue;
      }
      let f: fs.Stats;
      try {
        f = fs.statSync(abs);
      } catch (err) {
        stats.issues++;
        yield { relPath: rel, problem: errText(err) };
        continue;
      }
      if (opts.followSymlinks) {
        // a linked file must not count twice
        const fileKey = `${f.dev}:${f.ino}`;
        if (seenFiles.has(fileKey)) continue;
        seenFiles.add(fileKey);
      }
      stats.files++;
      yield { relPath: rel, sizeBytes: f.size, mtimeMs: Math.floor(f.mtimeMs), inode: f.ino };
    }
    // visit in name order (stack: reverse)
    subdirs.sort((a, b) => (a.rel < b.rel ? 1 : -1));
    stack.push(...subdirs);
  }
  return stats;
}

function errText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'not found';
  if (code === 'ELOOP') return 'symbolic link loop';
  return code ?? (e instanceof Error ? e.message : String(e));
}

export const isWalkIssue = (x: WalkFile | WalkIssue): x is WalkIssue => 'problem' in x;
