import { describe, expect, it } from 'vitest';
import { compatibleKeys, formatKey, parseKey } from './keys';
import { parseBpm } from './bpm';

describe('keys', () => {
  it('reads musical, Camelot and Open Key notations into pitch class + mode', () => {
    const am = { pitch: 9, mode: 0 };
    for (const s of ['Am', 'A minor', 'a min', 'Amin', '8A', '08A', '1m', ' 8a ']) expect(parseKey(s), s).toEqual(am);
    expect(parseKey('C')).toEqual({ pitch: 0, mode: 1 });
    expect(parseKey('8B')).toEqual({ pitch: 0, mode: 1 });
    expect(parseKey('1d')).toEqual({ pitch: 0, mode: 1 });
    expect(parseKey('F#')).toEqual({ pitch: 6, mode: 1 });
    expect(parseKey('Gbm')).toEqual({ pitch: 6, mode: 0 });
    expect(parseKey('E♭m')).toEqual({ pitch: 3, mode: 0 });
    expect(parseKey('Cb')).toEqual({ pitch: 11, mode: 1 });
    for (const bad of ['', 'o', '13A', 'H', 'X#', null, undefined]) expect(parseKey(bad), String(bad)).toBeNull();
  });

  it('writes each notation and round-trips every key', () => {
    expect(formatKey({ pitch: 9, mode: 0 }, 'camelot')).toBe('8A');
    expect(formatKey({ pitch: 9, mode: 0 }, 'openkey')).toBe('1m');
    expect(formatKey({ pitch: 9, mode: 0 }, 'musical')).toBe('Am');
    expect(formatKey({ pitch: 6, mode: 1 }, 'musical')).toBe('F#');
    for (let pitch = 0; pitch < 12; pitch++)
      for (const mode of [0, 1] as const) for (const n of ['camelot', 'openkey', 'musical'] as const) expect(parseKey(formatKey({ pitch, mode }, n))).toEqual({ pitch, mode });
  });

  it('lists harmonically compatible keys', () => {
    expect(compatibleKeys({ pitch: 9, mode: 0 }).map((k) => formatKey(k, 'camelot'))).toEqual(['8A', '9A', '7A', '8B']);
    expect(compatibleKeys({ pitch: 4, mode: 1 }).map((k) => formatKey(k, 'camelot'))).toEqual(['12B', '1B', '11B', '12A']);
  });
});

describe('parseBpm', () => {
  it('accepts the usual spellings and rejects nonsense', () => {
    expect(parseBpm('124')).toBe(124);
    expect(parseBpm('124,5')).toBe(124.5);
    expect(parseBpm(' 128 BPM')).toBe(128);
    expect(parseBpm(174)).toBe(174);
    for (const bad of ['999', '0', 'fast', '', null]) expect(parseBpm(bad)).toBeNull();
  });
});
