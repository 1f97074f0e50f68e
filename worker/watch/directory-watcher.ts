import fs from 'node:fs';
import path from 'node:path';
import { watch as chokidarWatch } from 'chokidar';
import type { LibraryDirectory } from '@/drizzle/schema';
import { compileFilters, isSkippedName } from '@/server/scan/walk';
import { commonFolder } from '@/server/folders/paths';

export type WatchEventKind = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';

/** What the OS watcher reports, relative to the library folder. */
export interface WatchEvent {
  kind: WatchEventKind;
  relPath: string;
}

export interface FsWatcher {
  close(): Promise<void>;
}

export interface WatchTarget {
  root: string;
  followSymlinks: boolean;
  maxDepth: number | null;
  /** True for paths the library never looks at (hidden, junk, excluded folders). */
  ignored: (absPath: string) => boolean;
}

/** Starts an OS-level watcher; tests substitute one that fails like an exhausted inotify. */
export type WatchFactory = (target: WatchTarget, handlers: { event: (e: WatchEvent) => void; error: (e: NodeJS.ErrnoException) => void; ready: () => void }) => FsWatcher;

export const chokidarFactory: WatchFactory = (target, handlers) => {
  const w = chokidarWatch(target.root, {
    ignoreInitial: true,
    followSymlinks: target.followSymlinks,
    depth: target.maxDepth ?? undefined,
    ignored: target.ignored,
    // we judge "finished writing" ourselves (size and mtime stable), for every kind of change
    awaitWriteFinish: false,
    atomic: true,
  });
  const rel = (p: string) => path.relative(target.root, p).split(path.sep).join('/');
  for (const kind of ['add', 'change', 'unlink', 'addDir', 'unlinkDir'] as const) w.on(kind, (p: string) => handlers.event({ kind, relPath: rel(p) }));
  w.on('error', (e) => handlers.error(e as NodeJS.ErrnoException));
  w.on('ready', handlers.ready);
  return { close: () => w.close() };
};

/** Errors that mean "the OS will not watch this many folders", not "this folder is broken". */
export const isWatchLimit = (e: NodeJS.ErrnoException) => e.code === 'ENOSPC' || e.code === 'EMFILE' || e.code === 'ENFILE';

export function watchTarget(dir: Pick<LibraryDirectory, 'path' | 'followSymlinks' | 'maxDepth' | 'includePatterns' | 'excludePatterns'>): WatchTarget {
  const filters = compileFilters(dir.includePatterns, dir.excludePatterns);
  return {
    root: dir.path,
    followSymlinks: dir.followSymlinks,
    maxDepth: dir.maxDepth,
    ignored: (abs) => {
      if (abs === dir.path) return false;
      const rel = path.relative(dir.path, abs).split(path.sep).join('/');
      if (rel.startsWith('..')) return true;
      if (rel.split('/').some(isSkippedName)) return true;
      return filters.excludeDir(rel);
    },
  };
}

interface Pending {
  size: number;
  mtimeMs: number;
  /** When size or mtime last changed. */
  changedAt: number;
}

export interface DirectoryWatcherOptions {
  /** A file counts as written once its size and mtime have not moved for this long. */
  settleMs: number;
  /** Changes are gathered this long after the last one before a scan is asked for. */
  debounceMs: number;
  /** …but never longer than this while changes keep coming. */
  maxWaitMs: number;
  now: () => number;
  /** Asks for one scan of `scope` (a folder relative to the library folder; '' is all of it). */
  onBatch: (scope: string, paths: string[]) => void;
  onError: (e: NodeJS.ErrnoException) => void;
  /** The folder itself vanished (unplugged, unmounted, renamed): check its presence now. */
  onRootGone?: () => void;
}

const parentOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');

/**
 * Watches one library folder and turns what happens in it into a few folder-level scans: new and
 * changed audio files wait until they are completely written (size and mtime stable for
 * `settleMs`), bursts are gathered for `debounceMs`, and each batch becomes one scan of the
 * deepest folder containing all of it — so a rename or a move between sub-folders is seen by one
 * scan, which keeps the track's identity.
 */
export class DirectoryWatcher {
  private fsw: FsWatcher | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly dirty = new Set<string>();
  private readonly paths = new Set<string>();
  private firstDirtyAt = 0;
  private lastEventAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly include: (rel: string) => boolean;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly dir: Pick<LibraryDirectory, 'id' | 'path' | 'followSymlinks' | 'maxDepth' | 'includePatterns' | 'excludePatterns'>,
    private readonly opts: DirectoryWatcherOptions,
    private readonly factory: WatchFactory = chokidarFactory,
  ) {
    this.include = compileFilters(dir.includePatterns, dir.excludePatterns).include;
  }

  /** Resolves when the OS watcher has read the tree and reports changes (or has failed to). */
  start(): Promise<void> {
    this.ready = new Promise((resolve) => {
      this.fsw = this.factory(watchTarget(this.dir), {
        event: (e) => this.onEvent(e),
        error: (e) => {
          resolve();
          this.opts.onError(e);
        },
        ready: resolve,
      });
    });
    this.timer = setInterval(() => this.tick(), 200);
    this.timer.unref();
    return this.ready;
  }

  async stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.fsw?.close();
    this.fsw = undefined;
  }

  /** Changes noticed but not yet handed over as a scan. */
  get backlog() {
    return this.pending.size + this.dirty.size;
  }

  private onEvent(e: WatchEvent) {
    const now = this.opts.now();
    this.lastEventAt = now;
    // the whole folder vanished (unplugged): the presence check takes it from here
    if (e.kind === 'unlinkDir' && e.relPath === '') {
      this.opts.onRootGone?.();
      return;
    }
    if (e.kind === 'addDir' || e.kind === 'unlinkDir') {
      // the parent: a folder that vanished cannot be walked, and its tracks must be seen to go
      this.markDirty(parentOf(e.relPath), now);
      return;
    }
    if (!this.include(e.relPath)) return;
    if (e.kind === 'unlink') {
      this.pending.delete(e.relPath);
      this.markDirty(parentOf(e.relPath), now, e.relPath);
      return;
    }
    const abs = path.join(this.dir.path, e.relPath);
    // chokidar reports links even when not following them; the scan would not either
    if (!this.dir.followSymlinks && fs.lstatSync(abs, { throwIfNoEntry: false })?.isSymbolicLink()) return;
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    if (!st) return;
    const before = this.pending.get(e.relPath);
    if (before?.size !== st.size || before.mtimeMs !== st.mtimeMs) this.pending.set(e.relPath, { size: st.size, mtimeMs: st.mtimeMs, changedAt: now });
  }

  private markDirty(folder: string, now: number, file?: string) {
    if (!this.dirty.size) this.firstDirtyAt = now;
    this.dirty.add(folder);
    if (file) this.paths.add(file);
  }

  /** Every 200 ms: settle written files, then hand over a quiet (or overdue) batch. */
  private tick() {
    const now = this.opts.now();
    for (const [rel, p] of this.pending) {
      const st = fs.statSync(path.join(this.dir.path, rel), { throwIfNoEntry: false });
      if (!st) {
        this.pending.delete(rel);
        this.markDirty(parentOf(rel), now, rel);
      } else if (st.size !== p.size || st.mtimeMs !== p.mtimeMs) {
        this.pending.set(rel, { size: st.size, mtimeMs: st.mtimeMs, changedAt: now });
      } else if (now - p.changedAt >= this.opts.settleMs) {
        this.pending.delete(rel);
        this.markDirty(parentOf(rel), now, rel);
      }
    }
    if (!this.dirty.size) return;
    // a file still being written in the same folders would be read half-done: wait for it
    const scope = commonFolder([...this.dirty]);
    const busy = [...this.pending.keys()].some((p) => scope === '' || p.startsWith(`${scope}/`));
    const quiet = now - this.lastEventAt >= this.opts.debounceMs;
    const overdue = now - this.firstDirtyAt >= this.opts.maxWaitMs;
    if ((quiet && !busy) || overdue) {
      const paths = [...this.paths];
      this.dirty.clear();
      this.paths.clear();
      this.opts.onBatch(scope, paths);
    }
  }
}
