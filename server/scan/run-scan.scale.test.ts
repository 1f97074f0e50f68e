import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tracks } from '@/drizzle/schema';
import { seedTracks } from '../testing/seed-tracks';
import { fixtureSuite } from '../testing/fixture-suite';
import { scanNow } from './testing';

/**
 * A scan over a big folder shares the worker's main loop with the engine link, heartbeats and
 * other jobs (issue 25): its long phases go in short steps with the loop let in between.
 */
const suite = fixtureSuite({ n: 4, seed: 31, edgeCases: false });

describe('a scan of a big folder', () => {
  it('reads the folder and marks 8,000 vanished files missing in short steps: the main loop keeps running', async () => {
    const { ctx, dir } = await suite.scanned();
    // 8,000 rows whose files are gone (a drive emptied while the library was away)
    const seeded = seedTracks(ctx.db, 8_000, { seed: 3, directoryId: dir.id, now: ctx.clock.now() });
    const vanishing = seeded.filter((s) => !s.isMissing && !s.isBroken).length; // broken ones with nothing attached go
    let last = performance.now();
    let longest = 0;
    let ticks = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      ticks++;
    }, 5);
    const t0 = performance.now();
    try {
      const r = await scanNow(ctx, dir.id);
      await new Promise((resolve) => setTimeout(resolve, 20)); // a last tick, to see a stall at the very end too
      const took = performance.now() - t0;
      expect(r.status).toBe('completed');
      expect(vanishing).toBeGreaterThan(7_500);
      expect(r.stats.missing).toBe(vanishing);
      expect(r.stats.removed).toBe(seeded.filter((s) => !s.isMissing && s.isBroken).length);
      expect(ctx.db.select({ id: tracks.id }).from(tracks).where(eq(tracks.isMissing, true)).all()).toHaveLength(seeded.filter((s) => s.isMissing || !s.isBroken).length);
      // in one piece, loading and marking were one stall nearly as long as the scan
      expect(ticks).toBeGreaterThan(10);
      expect(longest).toBeLessThan(took / 4);
    } finally {
      clearInterval(tick);
    }
  }, 60_000);
});
