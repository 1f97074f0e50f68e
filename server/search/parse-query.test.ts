import { describe, expect, it } from 'vitest';
import { parseQuery, tokenize } from './parse-query';

describe('parseQuery', () => {
  it('turns free words into required prefix terms, split like the index splits them', () => {
    expect(parseQuery('daft pun').fts).toBe('"daft"* AND "pun"*');
    expect(parseQuery('AC/DC Crème').fts).toBe('"ac"* AND "dc"* AND "crème"*');
    expect(parseQuery('"one more time"').fts).toBe('"one more time"');
    expect(parseQuery('house -remix').fts).toBe('"house"* NOT ("remix"*)');
    expect(parseQuery('   ').fts).toBeNull();
  });

  it('understands field syntax', () => {
    const p = parseQuery('artist:daft bpm:120-128 key:8A year:2019 genre:house');
    expect(p.fts).toBe('artist : "daft"* AND genre : "house"*');
    expect(p.filters).toMatchObject({ bpmMin: 120, bpmMax: 128, keys: [{ pitch: 9, mode: 0 }], yearMin: 2019, yearMax: 2019 });
    expect(parseQuery('artist:"daft punk"').fts).toBe('(artist : "daft"* AND artist : "punk"*)');
    expect(parseQuery('bpm:>125').filters).toMatchObject({ bpmMin: 125.001, bpmMax: 999 });
    expect(parseQuery('bpm:128').filters).toMatchObject({ bpmMin: 127.5, bpmMax: 128.5 });
    expect(parseQuery('key:Am,1d,F#').filters.keys).toEqual([
      { pitch: 9, mode: 0 },
      { pitch: 0, mode: 1 },
      { pitch: 6, mode: 1 },
    ]);
    expect(parseQuery('is:broken -is:missing format:flac,.wav rating:>=4').filters).toMatchObject({ broken: true, missing: false, formats: ['flac', 'wav'], ratingMin: 4 });
  });

  it('reports what it cannot understand instead of failing', () => {
    expect(parseQuery('bpm:fast').warnings[0]).toMatch(/bpm:fast/);
    expect(parseQuery('key:Q').warnings[0]).toMatch(/not a key/);
    expect(parseQuery('feat:someone').fts).toBe('"feat"* AND "someone"*');
  });

  it('cannot be used to inject FTS syntax', () => {
    const p = parseQuery('"a" OR title:* NEAR(x y) {artist}: "');
    expect(p.fts).not.toMatch(/\bOR\b|NEAR\(|\{/);
    expect(tokenize('x"y*z')).toEqual(['x', 'y', 'z']);
  });
});
