import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadEnv } from './env';

describe('.env.example', () => {
  const text = fs.readFileSync('.env.example', 'utf8');
  const vars = Object.fromEntries(
    text
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

  it('documents every variable the config reads', () => {
    const source = fs.readFileSync('server/env.ts', 'utf8');
    const read = [...source.matchAll(/^\s{2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]);
    expect(read.length).toBeGreaterThan(30);
    // NODE_ENV is set by the launcher (production, or development for `npm run dev`).
    for (const name of read.filter((n) => n !== 'NODE_ENV')) expect(Object.keys(vars), name).toContain(name);
  });

  it('is itself a valid configuration equal to the defaults', () => {
    expect(loadEnv(vars, '/x')).toEqual(loadEnv({}, '/x'));
  });
});
