import { eq } from 'drizzle-orm';
import { libraryDirectories, type LibraryDirectory } from '@/drizzle/schema';
import type { AppContext } from '@/server/context';
import { writeTx } from '@/server/db/tx';
import { errorMessage } from '@/server/errors';
import { appendEvent } from '@/server/events/outbox';
import { checkAvailability } from '@/server/scan/availability';
import { listDirectories } from '@/server/folders/directories.repo';
import { startScan } from '@/server/scan/start-scan';
import type { Components } from '../components';
import { chokidarFactory, DirectoryWatcher, isWatchLimit, type WatchFactory } from './directory-watcher';

type WatchState = LibraryDirectory['watchState'];

export interface WatchServiceOptions {
  /** Wakes the job runner after scans were queued. */
  onQueued: () => void;
  components?: Components;
  factory?: WatchFactory;
  /** Overrides for tests; normally from settings. */
  settleMs?: number;
  debounceMs?: number;
  maxWaitMs?: number;
  /** How often the folder list is compared with the running watchers. */
  syncMs?: number;
  /** How often removable folders are checked for presence (fixed ones: the setting). */
  removableCheckMs?: number;
  fixedCheckMs?: number;
  /** Fallback rescan interval for folders the OS cannot watch. */
  pollMs?: number;
}

interface Running {
  watcher: DirectoryWatcher | null;
  /** The folder settings the watcher was started with; a change restarts it. */
  signature: string;
  state: WatchState;
  lastPollAt: number;
  /** Its root vanished: an OS watcher reports nothing more after that, so it is started afresh. */
  dead?: boolean;
}

const signatureOf = (d: LibraryDirectory) => JSON.stringify([d.path, d.followSymlinks, d.maxDepth, d.includePatterns, d.excludePatterns]);

const LIMIT_HELP =
  'The system limit on watched folders is reached, so changes are picked up by a periodic scan instead. To watch again, raise it (e.g. sudo sysctl fs.inotify.max_user_watches=524288) and restart the worker.';

/**
 * Keeps the library folders watched and checked:
 * - one DirectoryWatcher per active, available folder (when the setting is on), restarted when
 *   the folder's settings change and stopped when it goes offline;
 * - a presence check of every folder — every few seconds for removable drives — that turns an
 *   unplugged drive into offline tracks and a re-plugged one back (see checkAvailability);
 * - when the OS refuses to watch more folders (inotify limits), a clear warning on the folder and a
 *   periodic change scan instead.
 * Folder state (`watchState`, `watchError`, `lastChangeAt`) is written to the database and
 * announced as `library:watch:state`.
 */
export class WatchService {
  private readonly running = new Map<string, Running>();
  private timers: NodeJS.Timeout[] = [];
  private syncing: Promise<void> | undefined;
  private checking = false;
  private stopped = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly opts: WatchServiceOptions,
  ) {}

  async start() {
    await this.sync();
    const every = (ms: number, fn: () => unknown) => {
      const t = setInterval(() => void fn(), ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.opts.syncMs ?? 5_000, () => this.sync());
    every(1_000, () => this.checkMedia());
    every(Math.min(30_000, this.opts.pollMs ?? 30_000), () => this.poll());
  }

  async stop() {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.syncing;
    await Promise.all([...this.running.values()].map((r) => r.watcher?.stop() ?? Promise.resolve()));
    this.running.clear();
  }

  /** Folder id → what its watcher is doing (for the worker's status). */
  states(): Record<string, WatchState> {
    return Object.fromEntries([...this.running].map(([id, r]) => [id, r.state]));
  }

  /** Starts, restarts and stops watchers to match the folders table and the setting. */
  sync(): Promise<void> {
    this.syncing ??= this.reconcile().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async reconcile() {
    if (this.stopped) return;
    const enabled = this.ctx.settings.get('library.watchDirectories');
    const dirs = listDirectories(this.ctx.db);
    const wanted = new Map(dirs.filter((d) => enabled && d.isActive && d.isAvailable).map((d) => [d.id, d]));
    for (const [id, r] of this.running) {
      const d = wanted.get(id);
      if (d && signatureOf(d) === r.signature && !r.dead) continue;
      this.running.delete(id);
      await r.watcher?.stop();
      if (!d) this.setState(id, 'off', null);
    }
    for (const d of wanted.values()) if (!this.running.has(d.id)) await this.startOne(d);
    this.report();
  }

  private async startOne(d: LibraryDirectory) {
    const s = this.ctx.settings;
    const r: Running = { watcher: null, signature: signatureOf(d), state: 'starting', lastPollAt: this.ctx.clock.now() };
    this.running.set(d.id, r);
    this.setState(d.id, 'starting', null);
    const watcher = new DirectoryWatcher(
      d,
      {
        settleMs: this.opts.settleMs ?? 2_000,
        debounceMs: this.opts.debounceMs ?? s.get('library.watchDebounceMs'),
        maxWaitMs: this.opts.maxWaitMs ?? 30_000,
        now: () => this.ctx.clock.now(),
        onBatch: (scope, paths) => this.onBatch(d.id, scope, paths),
        onError: (e) => void this.onError(d.id, e),
        onRootGone: () => {
          r.dead = true;
          void this.checkMedia(d.id);
          void this.sync();
        },
      },
      this.opts.factory ?? chokidarFactory,
    );
    r.watcher = watcher;
    try {
      await watcher.start();
      if (this.running.get(d.id) === r && r.state === 'starting') {
        r.state = 'watching';
        this.setState(d.id, 'watching', null);
        // what changed before the watcher was ready (just plugged in, worker starting) is caught by
        // one change scan; it joins a startup or re-plug scan that is still waiting
        this.onBatch(d.id, '', []);
      }
    } catch (e) {
      await this.onError(d.id, e as NodeJS.ErrnoException);
    }
  }

  private onBatch(directoryId: string, scope: string, paths: string[]) {
    const log = this.ctx.log.child({ module: 'watch', directoryId });
    try {
      const now = this.ctx.clock.now();
      const { scan, created } = writeTx(this.ctx.db, (tx) => {
        tx.update(libraryDirectories).set({ lastChangeAt: now }).where(eq(libraryDirectories.id, directoryId)).run();
        return startScan(this.ctx, { directoryId, relPath: scope, strategy: 'hybrid', priority: 'normal' }, 'watcher', tx);
      });
      log.debug({ scope, files: paths.length, scanId: scan.id, created }, 'changes queued for a scan');
      this.opts.onQueued();
    } catch (e) {
      // e.g. the folder went offline meanwhile: the media check takes it from here
      log.warn({ err: e, scope }, 'could not queue a scan for changes');
    }
  }

  private async onError(directoryId: string, e: NodeJS.ErrnoException) {
    const r = this.running.get(directoryId);
    if (!r) return;
    if (isWatchLimit(e)) {
      this.ctx.log.warn({ directoryId, code: e.code }, 'watch limit reached; falling back to periodic scans');
      await r.watcher?.stop();
      r.watcher = null;
      r.state = 'polling';
      r.lastPollAt = this.ctx.clock.now();
      this.setState(directoryId, 'polling', LIMIT_HELP);
    } else {
      this.ctx.log.warn({ directoryId, err: e }, 'watcher error');
      r.state = 'error';
      this.setState(directoryId, 'error', `Watching stopped: ${errorMessage(e)}. Changes are picked up by a periodic scan.`);
      await r.watcher?.stop();
      r.watcher = null;
    }
    this.report();
  }

  /** Folders that cannot be watched get a change scan every `library.pollIntervalMinutes`. */
  private poll() {
    const every = this.opts.pollMs ?? this.ctx.settings.get('library.pollIntervalMinutes') * 60_000;
    const now = this.ctx.clock.now();
    for (const [id, r] of this.running) {
      if (r.watcher || now - r.lastPollAt < every) continue;
      r.lastPollAt = now;
      this.onBatch(id, '', []);
    }
  }

  /**
   * Presence checks: removable folders every few seconds, fixed ones every
   * `library.mediaCheckSeconds`; `urgent` checks one folder at once (its watcher saw it vanish).
   */
  async checkMedia(urgent?: string) {
    if (this.stopped) return;
    if (this.checking) {
      if (urgent) setTimeout(() => void this.checkMedia(urgent), 200).unref();
      return;
    }
    this.checking = true;
    try {
      const time = this.ctx.clock.now();
      let flipped = false;
      for (const d of listDirectories(this.ctx.db)) {
        // due by the last check of any kind and the current settings; a folder that is away is
        // looked for more often, so it is back within seconds of being plugged in
        const fixed = this.opts.fixedCheckMs ?? this.ctx.settings.get('library.mediaCheckSeconds') * 1_000;
        const removable = this.opts.removableCheckMs ?? 3_000;
        const every = d.isRemovable || !d.isAvailable ? Math.min(removable, fixed) : fixed;
        if (d.id !== urgent && time - (d.availabilityCheckedAt ?? 0) < every) continue;
        await checkAvailability(this.ctx, d.id, (id, available) => {
          flipped = true;
          this.ctx.log.info({ directoryId: id, available }, available ? 'folder is back' : 'folder went offline');
        });
      }
      if (flipped) {
        this.opts.onQueued();
        await this.sync();
      }
    } catch (e) {
      this.ctx.log.warn({ err: e }, 'media check failed');
    } finally {
      this.checking = false;
    }
  }

  private setState(directoryId: string, state: WatchState, error: string | null) {
    const now = this.ctx.clock.now();
    writeTx(this.ctx.db, (tx) => {
      const before = tx
        .select({ watchState: libraryDirectories.watchState, watchError: libraryDirectories.watchError })
        .from(libraryDirectories)
        .where(eq(libraryDirectories.id, directoryId))
        .get();
      if (!before || (before.watchState === state && before.watchError === error)) return;
      tx.update(libraryDirectories).set({ watchState: state, watchError: error }).where(eq(libraryDirectories.id, directoryId)).run();
      appendEvent(tx, 'library:watch:state', { directoryId, state, detail: error ?? undefined }, now);
      appendEvent(tx, 'library:directory:updated', { directoryId, fields: ['watchState'] }, now);
    });
  }

  private report() {
    const states = Object.values(this.states());
    const count = (s: WatchState) => states.filter((x) => x === s).length;
    this.opts.components?.set('watch', {
      state: count('polling') || count('error') ? 'degraded' : 'running',
      watching: count('watching'),
      polling: count('polling'),
      errors: count('error'),
    });
  }
}
