import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import { tracks } from '@/drizzle/schema';
import { enqueueForUser } from '../../jobs/queue';
import { PRIORITY } from '../../jobs/catalogue';
import { latencyQuantile } from '../../ops/prometheus';
import { componentOf } from '../../system/components';
import { currentWorker } from '../../system/worker-status';
import { procedure, router } from '../init';

export const audioEngineRouter = router({
  /** The link as the worker last reported it: connected or not, version, decks and what is on them. */
  status: procedure.input(z.object({}).optional()).query(({ ctx }) => {
    const db = ctx.app.db;
    const w = currentWorker(db, ctx.app.clock.now());
    const configured = Boolean(ctx.app.env.audioEngine.url);
    const c = componentOf(w.components, 'audioEngine');
    const decks = Object.entries(c?.decks ?? {}).sort(([a], [b]) => a.localeCompare(b));
    const ids = decks.map(([, d]) => d.trackId);
    const rows = ids.length
      ? db.select({ id: tracks.id, title: tracks.title, artist: tracks.artist, fileName: tracks.fileName, bpm: tracks.bpm }).from(tracks).where(inArray(tracks.id, ids)).all()
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return {
      configured,
      workerOnline: w.online,
      state: !configured ? 'disabled' : w.online ? (c?.state ?? 'unknown') : 'unknown',
      detail: c?.detail ?? null,
      url: ctx.app.env.audioEngine.url ?? null,
      version: c?.version ?? null,
      registered: c?.registered ?? false,
      decks: decks.map(([deck, d]) => ({ deck, ...d, track: byId.get(d.trackId) ?? null })),
      supervisor: c?.supervisor ?? null,
      latencyMs: c?.latency?.count ? { p50: latencyQuantile(c.latency, 0.5) * 1000, p99: latencyQuantile(c.latency, 0.99) * 1000, count: c.latency.count } : null,
    };
  }),
  /** Start, stop or restart the engine this install runs itself, or just reconnect the link. */
  control: procedure
    .input(z.object({ action: z.enum(['start', 'stop', 'restart', 'reconnect']) }))
    .mutation(({ ctx, input }) => ({ jobId: enqueueForUser(ctx.app, 'audioEngine.control', { action: input.action }, { priority: PRIORITY.urgent }).jobId })),
});
