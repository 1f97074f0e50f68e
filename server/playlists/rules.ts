import { sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { formatKey, parseKey, type MusicalKey } from '../music/keys';
import { keySortOf } from '../tracks/filters';
import { FIELDS, type Condition, type Rule, type SmartSort } from './rule-schema';

/**
 * Smart-playlist rules: a tree of `all` / `any` / `not` groups over conditions on track fields
 * (schemas in `rule-schema.ts`), compiled to one parameterised SQL expression over `tracks t`
 * (values are only ever bound, never spliced), and read back as a sentence by `explainRule`.
 */

export { Condition, Rule, RULE_FIELDS, SmartDefinition, SmartLimit, SmartSort, type RuleField } from './rule-schema';

const DAY = 86_400_000;

/** Camelot neighbours of a key: itself, one step round the wheel either way, its relative major/minor. */
export function compatibleKeys(k: MusicalKey): number[] {
  const s = keySortOf(k);
  const n = (s - k.mode) / 2;
  const wrap = (x: number) => ((x + 11) % 12) + 1;
  return [s, wrap(n + 1) * 2 + k.mode, wrap(n - 1) * 2 + k.mode, n * 2 + (1 - k.mode)];
}

const raw = (s: string) => sql.raw(s);
const lower = (e: string) => raw(`lower(${e})`);

/** The SQL boolean expression of a rule over `tracks t`; `now` anchors "in the last N days". */
export function compileRule(rule: Rule, now: number): SQL {
  if ('all' in rule)
    return rule.all.length
      ? sql`(${sql.join(
          rule.all.map((r) => compileRule(r, now)),
          sql` AND `,
        )})`
      : sql`1`;
  if ('any' in rule)
    return rule.any.length
      ? sql`(${sql.join(
          rule.any.map((r) => compileRule(r, now)),
          sql` OR `,
        )})`
      : sql`0`;
  if ('not' in rule) return sql`NOT coalesce(${compileRule(rule.not, now)}, 0)`;
  return compileCondition(rule, now);
}

function compileCondition(c: Condition, now: number): SQL {
  const def = FIELDS[c.field];
  const col = raw(def.expr);
  const scale = def.scale ?? 1;
  switch (c.op) {
    case 'is':
      if (typeof c.value === 'boolean') return c.value ? sql`(${col} = 1)` : sql`(${col} = 0)`;
      if (c.field === 'key') return sql`(${col} = ${keySortOf(parseKey(c.value)!)})`;
      if (c.field === 'directory') return sql`(${col} = ${c.value})`;
      return sql`(${lower(def.expr)} = lower(${c.value}))`;
    case 'isNot':
      if (c.field === 'key') return sql`(${col} IS NULL OR ${col} <> ${keySortOf(parseKey(c.value)!)})`;
      if (c.field === 'directory') return sql`(${col} IS NULL OR ${col} <> ${c.value})`;
      return sql`(coalesce(${lower(def.expr)}, '') <> lower(${c.value}))`;
    case 'contains':
      return sql`(instr(${lower(def.expr)}, lower(${c.value})) > 0)`;
    case 'notContains':
      return sql`(coalesce(instr(${lower(def.expr)}, lower(${c.value})), 0) = 0)`;
    case 'startsWith':
      return sql`(substr(${lower(def.expr)}, 1, length(${c.value})) = lower(${c.value}))`;
    case 'endsWith':
      return sql`(length(${col}) >= length(${c.value}) AND substr(${lower(def.expr)}, length(${col}) - length(${c.value}) + 1) = lower(${c.value}))`;
    case 'inList':
      if (c.field === 'key')
        return sql`(${col} IN (${sql.join(
          c.value.map((k) => sql`${keySortOf(parseKey(k)!)}`),
          sql`, `,
        )}))`;
      return sql`(${lower(def.expr)} IN (${sql.join(
        c.value.map((v) => sql`lower(${v})`),
        sql`, `,
      )}))`;
    case 'isEmpty':
      return def.type === 'text' ? sql`(${col} IS NULL OR ${col} = '')` : sql`(${col} IS NULL)`;
    case 'isNotEmpty':
      return def.type === 'text' ? sql`(${col} IS NOT NULL AND ${col} <> '')` : sql`(${col} IS NOT NULL)`;
    case 'eq':
      return sql`(${col} = ${c.value * scale})`;
    case 'ne':
      return sql`(${col} IS NULL OR ${col} <> ${c.value * scale})`;
    case 'lt':
      return sql`(${col} < ${c.value * scale})`;
    case 'le':
      return sql`(${col} <= ${c.value * scale})`;
    case 'gt':
      return sql`(${col} > ${c.value * scale})`;
    case 'ge':
      return sql`(${col} >= ${c.value * scale})`;
    case 'between': {
      const [a, b] = c.value;
      const lo = Math.min(a, b) * scale;
      const hi = Math.max(a, b) * scale;
      return sql`(${col} BETWEEN ${lo} AND ${hi})`;
    }
    case 'near': {
      const { bpm, percent, halfDouble } = c.value;
      const range = (center: number) => sql`(${col} BETWEEN ${center * (1 - percent / 100)} AND ${center * (1 + percent / 100)})`;
      return halfDouble ? sql`(${range(bpm)} OR ${range(bpm / 2)} OR ${range(bpm * 2)})` : range(bpm);
    }
    case 'inTheLast':
      return sql`(${col} >= ${now - c.value * DAY})`;
    case 'notInTheLast':
      return sql`(${col} IS NULL OR ${col} < ${now - c.value * DAY})`;
    case 'before':
      return sql`(${col} < ${c.value})`;
    case 'after':
      return sql`(${col} > ${c.value})`;
    case 'compatible':
      return sql`(${col} IN (${sql.join(
        compatibleKeys(parseKey(c.value)!).map((k) => sql`${k}`),
        sql`, `,
      )}))`;
    case 'inPlaylist':
      return sql`(t.id IN (SELECT track_id FROM playlist_tracks WHERE playlist_id = ${c.value} AND track_id IS NOT NULL))`;
    case 'notInPlaylist':
      return sql`(t.id NOT IN (SELECT track_id FROM playlist_tracks WHERE playlist_id = ${c.value} AND track_id IS NOT NULL))`;
    case 'notPlayedInLast':
      return sql`(t.id NOT IN (SELECT pt.track_id FROM playlist_tracks pt WHERE pt.track_id IS NOT NULL AND pt.playlist_id IN (SELECT id FROM playlists WHERE type = 'session' ORDER BY session_started_at DESC LIMIT ${c.value})))`;
  }
}

/** ORDER BY for a smart playlist's sort (title as the final tie-breaker, then id, so it is stable). */
export function compileSort(sort: z.infer<typeof SmartSort>, seed: number): SQL {
  const parts = sort.map((s) => {
    if (s.field === 'random') return sql`((t.seq * ${(seed % 1_000_003) | 1}) % 1000003) ${raw(s.dir === 'desc' ? 'DESC' : 'ASC')}`;
    const def = FIELDS[s.field];
    const expr = def.type === 'text' ? `${def.expr} COLLATE NOCASE` : def.expr;
    return raw(`${def.expr} IS NULL, ${expr} ${s.dir === 'desc' ? 'DESC' : 'ASC'}`);
  });
  return sql.join([...parts, raw('t.title COLLATE NOCASE, t.id')], sql`, `);
}

// ---- explain ----

const OPPOSITE: Partial<Record<Condition['op'], Condition['op']>> = {
  is: 'isNot',
  isNot: 'is',
  contains: 'notContains',
  notContains: 'contains',
  isEmpty: 'isNotEmpty',
  isNotEmpty: 'isEmpty',
  eq: 'ne',
  ne: 'eq',
  lt: 'ge',
  ge: 'lt',
  gt: 'le',
  le: 'gt',
  inTheLast: 'notInTheLast',
  notInTheLast: 'inTheLast',
  inPlaylist: 'notInPlaylist',
  notInPlaylist: 'inPlaylist',
};

/** The same condition said the other way round, where the language has a word for it. */
function negated(c: Condition): Condition | null {
  if (c.op === 'is' && typeof c.value === 'boolean') return { ...c, value: !c.value };
  const op = OPPOSITE[c.op];
  return op ? ({ ...c, op } as Condition) : null;
}

const quote = (v: string) => `“${v}”`;
const list = (xs: string[], word: 'or' | 'and') => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} ${word} ${xs.at(-1)}`);
const dateText = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const keyText = (k: string) => formatKey(parseKey(k), 'camelot');

/** The rules as a sentence, e.g. `(genre is “House” or genre is “Techno”) and BPM is between 124 and 130`. */
export function explainRule(rule: Rule, names: { playlist?: (id: string) => string | undefined; directory?: (id: string) => string | undefined } = {}, top = true): string {
  if ('all' in rule || 'any' in rule) {
    const kids = 'all' in rule ? rule.all : rule.any;
    if (!kids.length) return 'all' in rule ? 'every track' : 'no track';
    const text = kids.map((k) => explainRule(k, names, false)).join('all' in rule ? ' and ' : ' or ');
    return top || kids.length === 1 ? text : `(${text})`;
  }
  if ('not' in rule) {
    const opposite = 'field' in rule.not ? negated(rule.not) : null;
    return opposite ? explainRule(opposite, names, false) : `not ${'field' in rule.not ? `(${explainRule(rule.not, names, false)})` : explainRule(rule.not, names, false)}`;
  }
  const c = rule;
  const f = FIELDS[c.field].label;
  switch (c.op) {
    case 'is':
      if (typeof c.value === 'boolean') return c.value ? `is ${f}` : `is not ${f}`;
      if (c.field === 'key') return `key is ${keyText(c.value)}`;
      if (c.field === 'directory') return `is in the folder ${quote(names.directory?.(c.value) ?? c.value)}`;
      return `${f} is ${quote(c.value)}`;
    case 'isNot':
      if (c.field === 'key') return `key is not ${keyText(c.value)}`;
      if (c.field === 'directory') return `is not in the folder ${quote(names.directory?.(c.value) ?? c.value)}`;
      return `${f} is not ${quote(c.value)}`;
    case 'contains':
      return `${f} contains ${quote(c.value)}`;
    case 'notContains':
      return `${f} does not contain ${quote(c.value)}`;
    case 'startsWith':
      return `${f} starts with ${quote(c.value)}`;
    case 'endsWith':
      return `${f} ends with ${quote(c.value)}`;
    case 'inList':
      return `${f} is ${list(
        c.value.map((v) => (c.field === 'key' ? keyText(v) : quote(v))),
        'or',
      )}`;
    case 'isEmpty':
      return `${f} is empty`;
    case 'isNotEmpty':
      return `${f} is not empty`;
    case 'eq':
      return `${f} is ${c.value}`;
    case 'ne':
      return `${f} is not ${c.value}`;
    case 'lt':
      return `${f} is below ${c.value}`;
    case 'le':
      return `${f} is at most ${c.value}`;
    case 'gt':
      return `${f} is above ${c.value}`;
    case 'ge':
      return `${f} is at least ${c.value}`;
    case 'between':
      return FIELDS[c.field].type === 'date'
        ? `${f} is between ${dateText(c.value[0])} and ${dateText(c.value[1])}`
        : `${f} is between ${Math.min(...c.value)} and ${Math.max(...c.value)}`;
    case 'near':
      return `BPM is within ${c.value.percent} % of ${c.value.bpm}${c.value.halfDouble ? ' (or half or double)' : ''}`;
    case 'inTheLast':
      return `${f} in the last ${c.value} ${c.value === 1 ? 'day' : 'days'}`;
    case 'notInTheLast':
      return `${f} not in the last ${c.value} ${c.value === 1 ? 'day' : 'days'}`;
    case 'before':
      return `${f} before ${dateText(c.value)}`;
    case 'after':
      return `${f} after ${dateText(c.value)}`;
    case 'compatible':
      return `key is compatible with ${keyText(c.value)}`;
    case 'inPlaylist':
      return `is in the playlist ${quote(names.playlist?.(c.value) ?? c.value)}`;
    case 'notInPlaylist':
      return `is not in the playlist ${quote(names.playlist?.(c.value) ?? c.value)}`;
    case 'notPlayedInLast':
      return `not played in the last ${c.value === 1 ? 'session' : `${c.value} sessions`}`;
  }
}
