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

interface Dir {
  abs: string;
  rel: string;
  depth: number;
}

/** One walk's state: its options, counters, and what it has seen when following links. */
class WalkContext {
  readonly stats: WalkStats = { dirs: 0, files: 0, skipped: 0, issues: 0 };
  readonly filters: ReturnType<typeof compileFilters>;
  private readonly seenDirs = new Set<string>();
  private readonly seenFiles = new Set<string>();
  private rootReal: string | undefined;

  constructor(readonly opts: WalkOptions) {
    this.filters = compileFilters(opts.includePatterns, opts.excludePatterns);
  }

  /** A link is only ever followed to somewhere inside the folder, whatever the symlink setting. */
  leadsOutside(abs: string): boolean {
    try {
      this.rootReal ??= fs.realpathSync(this.opts.root);
      const real = fs.realpathSync(abs);
      return real !== this.rootReal && !real.startsWith(this.rootReal + path.sep);
    } catch {
      return true;
    }
  }

  /** False the second time a device:inode pair is offered (links make loops and double counts). */
  firstVisit(seen: 'dir' | 'file', st: fs.Stats): boolean {
    const set = seen === 'dir' ? this.seenDirs : this.seenFiles;
    const key = `${st.dev}:${st.ino}`;
    if (set.has(key)) return false;
    set.add(key);
    return true;
  }

  issue(relPath: string, problem: string): WalkIssue {
    this.stats.issues++;
    return { relPath, problem };
  }

  skip(): null {
    this.stats.skipped++;
    return null;
  }
}

const fileOf = (relPath: string, st: fs.Stats): WalkFile => ({ relPath, sizeBytes: st.size, mtimeMs: Math.floor(st.mtimeMs), inode: st.ino });

/**
 * Walks a library folder depth-first with synchronous calls (run it off the main thread).
 * Hidden entries and OS junk are skipped; symlinks are ignored unless followed, and then every
 * directory and file is visited once however many links lead to it (no loops). An unreadable
 * folder becomes an issue, not a failure.
 */
export function* walk(opts: WalkOptions): Generator<WalkFile | WalkIssue, WalkStats> {
  const ctx = new WalkContext(opts);
  const start = opts.relPath ? path.join(opts.root, opts.relPath) : opts.root;
  if (opts.relPath) {
    const single = singleFile(ctx, start, opts.relPath);
    if (single !== 'folder') {
      if (single) yield single;
      return ctx.stats;
    }
  }
  const stack: Dir[] = [{ abs: start, rel: opts.relPath ?? '', depth: opts.relPath ? opts.relPath.split('/').length : 0 }];
  while (stack.length) {
    const subdirs = yield* walkDir(ctx, stack.pop()!);
    // visit in name order (stack: reverse)
    subdirs.sort((a, b) => (a.rel < b.rel ? 1 : -1));
    stack.push(...subdirs);
  }
  return ctx.stats;
}

/** A walk of one file (added by hand): the file, nothing (not audio, a link not followed), or 'folder'. */
function singleFile(ctx: WalkContext, abs: string, relPath: string): WalkFile | null | 'folder' {
  const link = fs.lstatSync(abs, { throwIfNoEntry: false });
  const st = link?.isSymbolicLink() ? (ctx.opts.followSymlinks && !ctx.leadsOutside(abs) ? fs.statSync(abs, { throwIfNoEntry: false }) : undefined) : link;
  if (link?.isSymbolicLink() && !st) return null;
  if (!st?.isFile()) return 'folder';
  if (!ctx.filters.include(toPosix(relPath))) return null;
  ctx.stats.files = 1;
  return fileOf(relPath, st);
}

/** Yields one folder's files and issues; returns its subfolders to walk. */
function* walkDir(ctx: WalkContext, dir: Dir): Generator<WalkFile | WalkIssue, Dir[]> {
  if (dir.depth > MAX_DEPTH) {
    // only a bind-mount loop gets this deep without following symlinks
    yield ctx.issue(dir.rel, `more than ${MAX_DEPTH} folders deep (a mount loop?); not walked further`);
    return [];
  }
  // loops need symlinks (or bind mounts, bounded above): otherwise no folder is reached twice
  if (ctx.opts.followSymlinks) {
    let st: fs.Stats;
    try {
      st = fs.statSync(dir.abs);
    } catch (e) {
      yield ctx.issue(dir.rel, errText(e));
      return [];
    }
    if (!ctx.firstVisit('dir', st)) return [];
  }
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir.abs, { withFileTypes: true });
  } catch (e) {
    yield ctx.issue(dir.rel, errText(e));
    return [];
  }
  ctx.stats.dirs++;
  const subdirs: Dir[] = [];
  for (const e of entries) {
    const found = visitEntry(ctx, dir, e);
    if (found === null) continue;
    if ('depth' in found) subdirs.push(found);
    else yield found;
  }
  return subdirs;
}

/** One directory entry: a subfolder to walk, a file or an issue to yield, or null (skipped). */
function visitEntry(ctx: WalkContext, dir: Dir, e: fs.Dirent): Dir | WalkFile | WalkIssue | null {
  const { opts, filters } = ctx;
  if (isSkippedName(e.name)) return ctx.skip();
  const rel = dir.rel ? `${dir.rel}/${e.name}` : e.name;
  const abs = path.join(dir.abs, e.name);
  let isDir = e.isDirectory();
  let isFile = e.isFile();
  if (e.isSymbolicLink()) {
    if (!opts.followSymlinks) return ctx.skip();
    if (ctx.leadsOutside(abs)) return ctx.issue(rel, 'a link to somewhere outside this folder; not followed');
    try {
      const t = fs.statSync(abs);
      isDir = t.isDirectory();
      isFile = t.isFile();
    } catch {
      return ctx.skip(); // broken link or a loop the OS refuses to resolve
    }
  }
  if (isDir) {
    if (opts.maxDepth !== null && dir.depth >= opts.maxDepth) return null;
    if (filters.excludeDir(toPosix(rel))) return ctx.skip();
    return { abs, rel, depth: dir.depth + 1 };
  }
  if (!isFile || !filters.include(toPosix(rel))) return ctx.skip();
  let f: fs.Stats;
  try {
    f = fs.statSync(abs);
  } catch (err) {
    return ctx.issue(rel, errText(err));
  }
  // a linked file must not count twice
  if (opts.followSymlinks && !ctx.firstVisit('file', f)) return null;
  ctx.stats.files++;
  return fileOf(rel, f);
}

function errText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'not found';
  if (code === 'ELOOP') return 'symbolic link loop';
  return code ?? (e instanceof Error ? e.message : String(e));
}

export const isWalkIssue = (x: WalkFile | WalkIssue): x is WalkIssue => 'problem' in x;
