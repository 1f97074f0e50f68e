import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { libraryDirectories, tracks } from '@/drizzle/schema';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { FastRows } from './fast-rows';

let t: TestContext | undefined;
afterEach(() => t?.cleanup());

describe('FastRows', () => {
  it('stores rows exactly as drizzle does (booleans, JSON, nulls) and updates by id', () => {
    t = createTestContext();
    const fast = new FastRows(t.db);
    const base = { path: '/x', name: 'X', includePatterns: ['**/*.mp3'], excludePatterns: [], isRemovable: true, createdAt: 1, updatedAt: 2 };
    t.db
      .insert(libraryDirectories)
      .values({ ...base, id: 'drizzle', path: '/a' })
      .run();
    fast.insert(libraryDirectories, { ...base, id: 'fast', path: '/b' });
    const rows = t.db.select().from(libraryDirectories).all();
    const { id: _a, path: _p, ...one } = rows.find((r) => r.id === 'drizzle')!;
    const { id: _b, path: _q, ...two } = rows.find((r) => r.id === 'fast')!;
    expect(two).toEqual(one);
    expect(fast.update(libraryDirectories, 'id', 'fast', { isActive: false, excludePatterns: ['**/x/**'] })).toBe(1);
    expect(t.db.select().from(libraryDirectories).where(eq(libraryDirectories.id, 'fast')).get()).toMatchObject({ isActive: false, excludePatterns: ['**/x/**'] });
  });

  it('fires the FTS triggers like any insert', () => {
    t = createTestContext();
    new FastRows(t.db).insert(tracks, {
      id: 'a',
      relPath: 'a.mp3',
      fileName: 'a.mp3',
      fileExt: 'mp3',
      sizeBytes: 1,
      mtimeMs: 1,
      title: 'Crème Brûlée',
      dateAdded: 1,
      createdAt: 1,
      updatedAt: 1,
    });
    expect(t.db.$client.prepare("SELECT count(*) n FROM tracks_fts WHERE tracks_fts MATCH 'creme'").get()).toEqual({ n: 1 });
  });
});
