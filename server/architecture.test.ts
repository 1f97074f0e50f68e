import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSER_SAFE_SERVER_MODULES } from '../app/browser-safe-server-modules.mjs';

/**
 * The feature folders of `server/` depend on each other in one direction only (README: How it is
 * built): a cycle means two rooms that can only be understood — and changed — together. Type-only
 * imports do not count (they vanish at run time), nor do tests, test support (`testing`), the
 * benchmarks and the command-line tools, which may reach anywhere.
 */
const SERVER = path.dirname(new URL(import.meta.url).pathname);
const support = (rel: string) => /\.test\.tsx?$/.test(rel) || /(^|\/)testing(\.ts|\/)/.test(rel) || /^(bench|cli)\//.test(rel);
/** The feature folder a path under server/ belongs to; files at the top (context, env, errors…) are the shared kernel. */
const featureOf = (rel: string) => (rel.includes('/') ? rel.split('/')[0]! : null);

function featureGraph() {
  const edges = new Map<string, Map<string, Set<string>>>();
  const files = (fs.readdirSync(SERVER, { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f) && !support(f));
  for (const rel of files) {
    const from = featureOf(rel);
    if (!from) continue;
    const src = fs.readFileSync(path.join(SERVER, rel), 'utf8');
    for (const m of src.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)) {
      if (m[1]) continue;
      const spec = m[2]!;
      const target = spec.startsWith('@/server/')
        ? spec.slice('@/server/'.length)
        : spec.startsWith('.')
          ? path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec))
          : null;
      if (!target || target.startsWith('..')) continue;
      const to = featureOf(target);
      if (!to || to === from) continue;
      const out = edges.get(from) ?? new Map<string, Set<string>>();
      edges.set(from, out);
      out.set(to, (out.get(to) ?? new Set()).add(rel));
    }
  }
  return edges;
}

/** Strongly connected groups of more than one feature (Tarjan). */
function cycles(edges: Map<string, Map<string, Set<string>>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1) found.push(group.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the shape of server/', () => {
  it('has no import cycle between feature folders', () => {
    const edges = featureGraph();
    // the check sees the real graph (guards against a parser that finds nothing)
    expect(edges.get('scan')?.has('tracks')).toBe(true);
    const explain = cycles(edges).map((group) =>
      group.flatMap((a) => group.filter((b) => edges.get(a)?.has(b)).map((b) => `${a} → ${b} (${[...edges.get(a)!.get(b)!].join(', ')})`)).join('\n'),
    );
    expect(explain, `import cycles between feature folders:\n${explain.join('\n\n')}`).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const edges = new Map([
      ['a', new Map([['b', new Set(['a/x.ts'])]])],
      ['b', new Map([['c', new Set(['b/y.ts'])]])],
      ['c', new Map([['a', new Set(['c/z.ts'])]])],
      ['d', new Map([['a', new Set(['d/w.ts'])]])],
    ]);
    expect(cycles(edges)).toEqual([['a', 'b', 'c']]);
  });
});

/** What a module imports as values (type-only imports vanish from the bundle), resolved to files where they are ours. */
function valueImports(file: string): string[] {
  const src = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)) {
    if (m[1]) continue;
    // `import { type A, type B } from` is type-only too
    const names = /\{([^}]*)\}/.exec(m[0])?.[1];
    if (names && !/^\s*(import|export)\s+[\w*]/.test(m[0].replace(/\{[^}]*\}/, '')) && names.split(',').every((n) => !n.trim() || n.trim().startsWith('type '))) continue;
    out.push(m[2]!);
  }
  return out;
}

function resolve(from: string, spec: string): string | null {
  const base = spec.startsWith('@/') ? path.join(SERVER, '..', spec.slice(2)) : spec.startsWith('.') ? path.join(path.dirname(from), spec) : null;
  if (!base) return null;
  for (const f of [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) if (fs.existsSync(f)) return f;
  return null;
}

/** Every package and file reachable by value imports from a module: what the browser bundle would pull in. */
function reachable(spec: string) {
  const packages = new Set<string>();
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const s of valueImports(file)) {
      const f = resolve(file, s);
      if (f) visit(f);
      else packages.add(s);
    }
  };
  visit(resolve(path.join(SERVER, 'x.ts'), spec)!);
  return { packages, files: [...files].map((f) => path.relative(path.join(SERVER, '..'), f)) };
}

describe('what the browser may take from server/', () => {
  it('never reaches the database layer, Node built-ins or the schema files (app/browser-safe-server-modules.mjs)', () => {
    for (const m of BROWSER_SAFE_SERVER_MODULES) {
      const { packages, files } = reachable(m);
      const bad = [...packages].filter((p) => /^(drizzle-orm|better-sqlite3|node:|fs$|path$)/.test(p));
      expect(bad, `${m} reaches ${bad.join(', ')}`).toEqual([]);
      expect(
        files.filter((f) => f.startsWith('drizzle/') || f.startsWith('server/db/')),
        `${m} reaches the database layer`,
      ).toEqual([]);
    }
  });

  it('sees through re-exports and finds a module that does reach the database', () => {
    expect(reachable('@/server/tracks/track-rows').packages).toContain('drizzle-orm');
    expect(reachable('@/server/playlists/rules').packages).toContain('drizzle-orm');
    expect(reachable('@/server/playlists/rule-schema').packages).not.toContain('drizzle-orm');
  });
});
