import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { hotCues } from '@/drizzle/schema';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { insertFolder, insertTrack } from '../testing/seed-tracks';
import { engineCues, listCues, removeUserCue, setUserCue } from './hot-cues';

let t: TestContext;
afterEach(() => t.cleanup());

function track() {
  t = createTestContext();
  insertFolder(t.db);
  return insertTrack(t.db);
}
const imported = (trackId: string, index: number, positionSec: number, source: string, extra: Partial<typeof hotCues.$inferInsert> = {}) =>
  t.db
    .insert(hotCues)
    .values({ id: crypto.randomUUID(), trackId, cueIndex: index, positionSec, source, createdAt: 1, updatedAt: 1, ...extra })
    .run();

describe('hot cues', () => {
  it('gives the engine one cue per index by source priority: user, rekordbox, serato, mixedInKey, virtual dj, others', () => {
    const id = track();
    imported(id, 0, 1, 'virtual dj');
    imported(id, 0, 2, 'serato');
    imported(id, 1, 3, 'traktor');
    imported(id, 1, 4, 'mixedInKey');
    imported(id, 2, 5, 'traktor', { isLoop: true, loopEndSec: 9 });
    expect(engineCues(t.db, id)).toEqual([
      { index: 0, position: 2, isLoop: false },
      { index: 1, position: 4, isLoop: false },
      { index: 2, position: 5, isLoop: true, loopEnd: 9 },
    ]);
    setUserCue(t.db, { trackId: id, index: 0, positionSec: 7 }, 10);
    expect(engineCues(t.db, id)[0]).toEqual({ index: 0, position: 7, isLoop: false });
  });

  it('renames an imported cue as the DJ’s own without moving it; loops need an end after the start', () => {
    const id = track();
    imported(id, 3, 32, 'rekordbox', { name: 'Verse', color: '#112233' });
    const c = setUserCue(t.db, { trackId: id, index: 3, name: 'Drop' }, 10);
    expect(c).toMatchObject({ source: 'user', positionSec: 32, name: 'Drop', color: '#112233' });
    expect(listCues(t.db, id)).toHaveLength(2); // the import stays
    expect(() => setUserCue(t.db, { trackId: id, index: 3, isLoop: true, loopEndSec: 30 }, 11)).toThrow(/loop needs an end after its start/);
    expect(() => setUserCue(t.db, { trackId: id, index: 5, name: 'nowhere' }, 11)).toThrow(/give it a position/);
    expect(() => setUserCue(t.db, { trackId: crypto.randomUUID(), index: 0, positionSec: 1 }, 11)).toThrow(/not found/);
    setUserCue(t.db, { trackId: id, index: 3, isLoop: true, loopEndSec: 40 }, 12);
    // the engine moving the cue past its loop end makes it a plain cue, keeping name and colour
    expect(setUserCue(t.db, { trackId: id, index: 3, positionSec: 44 }, 13, 'engine')).toMatchObject({ isLoop: false, loopEndSec: null, name: 'Drop', color: '#112233' });
    expect(removeUserCue(t.db, id, 3, 14)).toBe(true);
    expect(removeUserCue(t.db, id, 3, 15)).toBe(false);
    expect(listCues(t.db, id).map((x) => x.source)).toEqual(['rekordbox']);
    expect(t.events().filter((e) => e.type === 'hot_cue:updated')).toHaveLength(4);
  });
});
