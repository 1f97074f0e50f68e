/**
 * A small, strict parser of the Prometheus text format (0.0.4), for tests: it throws on anything a
 * Prometheus server would reject (bad names, bad escapes, samples without a TYPE, duplicate series,
 * histograms whose buckets go down or disagree with their count).
 */
export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help?: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseValue(v: string, line: number) {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) throw new Error(`line ${line}: bad value ${JSON.stringify(v)}`);
  return Number(v);
}

function parseLabels(text: string, line: number): [Record<string, string>, string] {
  const labels: Record<string, string> = {};
  let rest = text.slice(1);
  for (;;) {
    rest = rest.trimStart();
    if (rest.startsWith('}')) return [labels, rest.slice(1)];
    const m = LABEL.exec(rest);
    if (!m) throw new Error(`line ${line}: bad label name in ${JSON.stringify(text)}`);
    rest = rest.slice(m[0].length);
    if (!rest.startsWith('="')) throw new Error(`line ${line}: expected =" after ${m[0]}`);
    rest = rest.slice(2);
    let value = '';
    for (;;) {
      const c = rest[0];
      if (c === undefined) throw new Error(`line ${line}: unterminated label value`);
      rest = rest.slice(1);
      if (c === '"') break;
      if (c === '\\') {
        const e = rest[0];
        rest = rest.slice(1);
        if (e === 'n') value += '\n';
        else if (e === '\\' || e === '"') value += e;
        else throw new Error(`line ${line}: bad escape \\${e}`);
      } else value += c;
    }
    if (m[0] in labels) throw new Error(`line ${line}: label ${m[0]} twice`);
    labels[m[0]] = value;
    rest = rest.trimStart();
    if (rest.startsWith(',')) rest = rest.slice(1);
    else if (!rest.startsWith('}')) throw new Error(`line ${line}: expected , or }`);
  }
}

export function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  text
    .slice(0, -1)
    .split('\n')
    .forEach((raw, i) => {
      const line = i + 1;
      if (raw.trim() === '') return;
      const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
      if (meta) {
        const [, kind, name, rest] = meta as unknown as [string, 'HELP' | 'TYPE', string, string];
        if (!NAME.test(name) || NAME.exec(name)![0] !== name) throw new Error(`line ${line}: bad metric name ${name}`);
        const f = families.get(name) ?? { name, type: 'untyped' as const, samples: [] };
        if (kind === 'TYPE') {
          if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`line ${line}: bad type ${rest}`);
          if (f.samples.length) throw new Error(`line ${line}: TYPE after samples of ${name}`);
          f.type = rest as Family['type'];
        } else f.help = rest;
        families.set(name, f);
        return;
      }
      if (raw.startsWith('#')) return;
      const nm = NAME.exec(raw);
      if (!nm) throw new Error(`line ${line}: bad sample ${JSON.stringify(raw)}`);
      const name = nm[0];
      let rest = raw.slice(name.length);
      let labels: Record<string, string> = {};
      if (rest.startsWith('{')) [labels, rest] = parseLabels(rest, line);
      const parts = rest.trim().split(/\s+/);
      if (parts.length < 1 || parts.length > 2 || !rest.startsWith(' ')) throw new Error(`line ${line}: bad sample ${JSON.stringify(raw)}`);
      const value = parseValue(parts[0]!, line);
      const base = families.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
      const f = families.get(base);
      if (!f || (base !== name && f.type !== 'histogram' && f.type !== 'summary')) throw new Error(`line ${line}: sample ${name} has no TYPE`);
      if (name.endsWith('_bucket') && base !== name && !('le' in labels)) throw new Error(`line ${line}: bucket without le`);
      const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
      if (seen.has(key)) throw new Error(`line ${line}: duplicate series ${key}`);
      seen.add(key);
      f.samples.push({ name, labels, value });
    });
  for (const f of families.values()) {
    if (f.type !== 'histogram') continue;
    const series = new Map<string, { le: number; v: number }[]>();
    for (const s of f.samples.filter((x) => x.name === `${f.name}_bucket`)) {
      const { le, ...rest } = s.labels;
      const k = JSON.stringify(Object.entries(rest).sort());
      series.set(k, [...(series.get(k) ?? []), { le: parseValue(le!, 0), v: s.value }]);
    }
    for (const [k, buckets] of series) {
      buckets.sort((a, b) => a.le - b.le);
      for (let i = 1; i < buckets.length; i++) if (buckets[i]!.v < buckets[i - 1]!.v) throw new Error(`${f.name}${k}: buckets go down`);
      if (buckets.at(-1)?.le !== Infinity) throw new Error(`${f.name}${k}: no +Inf bucket`);
      const count = f.samples.find((s) => s.name === `${f.name}_count` && JSON.stringify(Object.entries(s.labels).sort()) === k);
      if (count?.value !== buckets.at(-1)!.v) throw new Error(`${f.name}${k}: +Inf bucket differs from _count`);
    }
  }
  return families;
}

/** One sample's value by metric name and (a subset of) labels. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const base = families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, ''));
  return base?.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
