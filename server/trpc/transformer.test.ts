import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { transformer } from './transformer';

const roundTrip = (v: unknown) => transformer.deserialize(JSON.parse(JSON.stringify(transformer.serialize(v))) as { json: unknown; meta?: unknown });

describe('the API transformer', () => {
  const plain = { items: [{ id: 'a', bpm: 126.5, tags: ['x'], n: null, ok: true }], total: 1, nested: { deep: [[1, 2], { a: 'é' }] } };
  const special = { at: new Date(Date.UTC(2026, 0, 1)), map: new Map([['k', 1]]), set: new Set([1]), missing: undefined, nan: NaN, inf: -Infinity, big: 10n, negZero: -0 };

  it('sends plain JSON as is, without annotations', () => {
    expect(transformer.serialize(plain)).toEqual({ json: plain });
    expect(roundTrip(plain)).toEqual(plain);
  });

  it('hands everything JSON cannot carry to superjson, so it arrives intact', () => {
    const back = roundTrip(special) as typeof special;
    expect(back.at).toEqual(special.at);
    expect(back.map).toEqual(special.map);
    expect(back.set).toEqual(special.set);
    expect(Number.isNaN(back.nan)).toBe(true);
    expect(back).toMatchObject({ inf: -Infinity, big: 10n });
    expect(Object.is(back.negZero, -0)).toBe(true);
    expect('missing' in back).toBe(true);
  });

  it('speaks superjson on the wire both ways (clients using plain superjson still work)', () => {
    for (const v of [plain, special, [1, 'two', { three: new Date(0) }], 'text', 42, null]) {
      const wire = JSON.parse(JSON.stringify(transformer.serialize(v))) as Parameters<typeof superjson.deserialize>[0];
      expect(superjson.deserialize(wire)).toEqual(v);
      expect(transformer.deserialize(JSON.parse(JSON.stringify(superjson.serialize(v))) as { json: unknown; meta?: unknown })).toEqual(v);
    }
  });
});
