import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, closeDatabase } from '../db/client';
import { InvalidError } from '../errors';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { SettingsStore } from './store';

let t: TestContext | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

describe('SettingsStore', () => {
  it('returns defaults from code until a value is stored', () => {
    t = createTestContext();
    expect(t.ctx.settings.get('library.maxConcurrentScans')).toBe(2);
    expect(t.ctx.settings.get('ui.keyNotation')).toBe('camelot');
    t.ctx.settings.update({ 'library.maxConcurrentScans': 3, 'ui.keyNotation': 'openkey' });
    expect(t.ctx.settings.get('library.maxConcurrentScans')).toBe(3);
    expect(t.ctx.settings.get('ui.keyNotation')).toBe('openkey');
    expect(t.events().at(-1)).toMatchObject({ type: 'settings:updated', payload: { keys: ['library.maxConcurrentScans', 'ui.keyNotation'] } });
  });

  it('rejects unknown keys and wrong types, and then changes nothing', () => {
    t = createTestContext();
    const before = t.events().length;
    expect(() => t!.ctx.settings.update({ 'library.maxConcurrentScans': 'three', 'ui.keyNotation': 'openkey' })).toThrow(InvalidError);
    expect(() => t!.ctx.settings.update({ 'no.such': true })).toThrow(/unknown setting/);
    expect(() => t!.ctx.settings.update({ 'library.maxConcurrentScans': 99 })).toThrow(InvalidError);
    expect(t.ctx.settings.get('ui.keyNotation')).toBe('camelot');
    expect(t.events()).toHaveLength(before);
  });

  it('sees a change made by another process within its check interval', () => {
    t = createTestContext({ file: true });
    let now = 1_000;
    const other = openDatabase(t.ctx.env.db.path);
    const mine = new SettingsStore(t.db, { checkMs: 500, now: () => now });
    const theirs = new SettingsStore(other, { now: () => now });
    expect(mine.get('library.watchDirectories')).toBe(true);
    theirs.update({ 'library.watchDirectories': false });
    expect(mine.get('library.watchDirectories')).toBe(true); // cached, within the interval
    now += 600;
    expect(mine.get('library.watchDirectories')).toBe(false);
    closeDatabase(other);
  });
});
