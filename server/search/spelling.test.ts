import { afterEach, describe, expect, it } from 'vitest';
import { tracks } from '@/drizzle/schema';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { Vocabulary, editDistance } from './spelling';

let t: TestContext | undefined;
afterEach(() => t?.cleanup());

describe('spelling', () => {
  it('measures edit distance with swaps', () => {
    expect(editDistance('daft', 'daft')).toBe(0);
    expect(editDistance('dfat', 'daft')).toBe(1);
    expect(editDistance('chemical', 'chemcial')).toBe(1);
    expect(editDistance('brothers', 'brohters')).toBe(1);
    expect(editDistance('abc', 'xyzxyz', 2)).toBe(3);
  });

  it('suggests the library word a misspelling was meant to be, and leaves prefixes alone', () => {
    t = createTestContext();
    const add = (title: string, artist: string) =>
      t!.db
        .insert(tracks)
        .values({
          id: crypto.randomUUID(),
          relPath: `${title}.mp3`,
          fileName: `${title}.mp3`,
          fileExt: 'mp3',
          sizeBytes: 1,
          mtimeMs: 1,
          title,
          artist,
          dateAdded: 1,
          createdAt: 1,
          updatedAt: 1,
        })
        .run();
    add('Around the World', 'Daft Punk');
    add('One More Time', 'Daft Punk');
    add('Hey Boy Hey Girl', 'The Chemical Brothers');
    add('Sueño Latino', 'Sueño Latino');
    const v = new Vocabulary(t.db);
    expect(v.suggest('dfat')).toBe('daft');
    expect(v.suggest('chemcial')).toBe('chemical');
    expect(v.suggest('brohters')).toBe('brothers');
    expect(v.suggest('sueno')).toBeNull(); // accent-insensitive: already a word
    expect(v.suggest('latnio')).toBe('latino');
    expect(v.suggest('chem')).toBeNull(); // a prefix: still typing
    expect(v.suggest('zzzzzz')).toBeNull();
  });
});
