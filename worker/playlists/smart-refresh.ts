import { sql } from 'drizzle-orm';
import type { AppContext } from '@/server/context';
import { writeTx } from '@/server/db/tx';
import { latestEventId } from '@/server/events/outbox';
import { evaluateSmart, smartPlaylists, storeSmartEntries, type SmartRefresh } from '@/server/playlists/smart';
import type { Components } from '../components';

/** Events after which a smart playlist may choose differently (one refreshed playlist can change another's "in playlist" rule). */
const CHANGES = sql`(type GLOB 'track:*' OR type = 'analysis:complete' OR type GLOB 'playlist:track:*' OR type = 'playlist:deleted' OR type = 'playlist:smart:refreshed'
  OR type = 'session:track:played' OR type = 'session:finalized' OR type = 'duplicate:resolved')`;

export interface SmartRefreshOptions {
  /** Quiet time after the last change before refreshing (default 5 s). */
  debounceMs?: number;
  /** Longest wait while changes keep coming, e.g. during a scan (default 30 s). */
  maxWaitMs?: number;
  /** Refresh anyway this often, for rules like "added in the last 7 days" (default 1 h). */
  everyMs?: number;
  pollMs?: number;
}

/**
 * Keeps smart playlists current: it follows the events table (both processes write there), and a
 * few seconds after tracks, analyses, plays or playlists stop changing it evaluates every smart
 * playlist and stores what changed (`playlist:smart:refreshed`). Evaluation runs outside the write
 * lock; only a changed playlist takes it, briefly.
 */
export class SmartRefresher {
  private cursor = 0;
  private firstChange: number | null = null;
  private lastChange = 0;
  private lastRefresh = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly o: Required<SmartRefreshOptions>;

  constructor(
    private readonly ctx: AppContext,
    private readonly components: Components,
    opts: SmartRefreshOptions = {},
  ) {
    this.o = { debounceMs: 5_000, maxWaitMs: 30_000, everyMs: 3_600_000, pollMs: 1_000, ...opts };
  }

  start() {
    this.cursor = latestEventId(this.ctx.db);
    this.refreshAll();
    this.timer = setInterval(() => this.tick(), this.o.pollMs);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
  }

  tick() {
    const now = this.ctx.clock.now();
    try {
      const top = latestEventId(this.ctx.db);
      if (top > this.cursor) {
        const changed = this.ctx.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM events WHERE id > ${this.cursor} AND id <= ${top} AND ${CHANGES}`).n;
        this.cursor = top;
        if (changed) {
          this.firstChange ??= now;
          this.lastChange = now;
        }
      }
      const due =
        (this.firstChange !== null && (now - this.lastChange >= this.o.debounceMs || now - this.firstChange >= this.o.maxWaitMs)) || now - this.lastRefresh >= this.o.everyMs;
      if (due) this.refreshAll();
    } catch (e) {
      this.ctx.log.warn({ err: e }, 'smart playlist refresh failed');
    }
  }

  /** Evaluates every smart playlist now; returns those whose tracks changed. */
  refreshAll(): SmartRefresh[] {
    const now = this.ctx.clock.now();
    this.firstChange = null;
    this.lastRefresh = now;
    const started = performance.now();
    const changed: SmartRefresh[] = [];
    const all = smartPlaylists(this.ctx.db);
    for (const p of all) {
      try {
        const ids = evaluateSmart(this.ctx.db, p, now);
        const r = writeTx(this.ctx.db, (tx) => storeSmartEntries(tx, p.id, ids, now));
        if (r.changed) changed.push(r);
      } catch (e) {
        // e.g. a track deleted between reading and writing: its event brings the next refresh
        this.ctx.log.warn({ err: e, playlistId: p.id }, 'smart playlist could not be refreshed');
      }
    }
    this.components.set('smartPlaylists', {
      state: 'running',
      playlists: all.length,
      lastRefreshAt: now,
      lastRefreshMs: Math.round(performance.now() - started),
      lastChanged: changed.length,
    });
    return changed;
  }
}
