/**
 * Prometheus text exposition format 0.0.4, written by hand: our metrics are read from the database
 * at scrape time, so a client library's in-process registry would add nothing but a dependency.
 */
export type Labels = Record<string, string | number>;
export interface Sample {
  labels?: Labels;
  value: number;
}

/** Cumulative bucket counts by upper bound (seconds), plus sum and count, as Prometheus wants them. */
export interface HistogramData {
  buckets: { le: number; count: number }[];
  sum: number;
  count: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function num(v: number) {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function labelText(labels: Labels | undefined) {
  const entries = Object.entries(labels ?? {});
  if (!entries.length) return '';
  for (const [k] of entries) if (!LABEL.test(k) || k.startsWith('__')) throw new Error(`invalid label name: ${k}`);
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(String(v))}"`).join(',')}}`;
}

export class PromText {
  private lines: string[] = [];
  private seen = new Set<string>();

  private family(name: string, type: 'gauge' | 'counter' | 'histogram', help: string) {
    if (!NAME.test(name)) throw new Error(`invalid metric name: ${name}`);
    if (this.seen.has(name)) throw new Error(`metric written twice: ${name}`);
    this.seen.add(name);
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
  }

  gauge(name: string, help: string, samples: Sample[] | number) {
    this.family(name, 'gauge', help);
    for (const s of typeof samples === 'number' ? [{ value: samples }] : samples) this.lines.push(`${name}${labelText(s.labels)} ${num(s.value)}`);
    return this;
  }

  counter(name: string, help: string, samples: Sample[] | number) {
    if (!name.endsWith('_total')) throw new Error(`counter names end in _total: ${name}`);
    this.family(name, 'counter', help);
    for (const s of typeof samples === 'number' ? [{ value: samples }] : samples) this.lines.push(`${name}${labelText(s.labels)} ${num(s.value)}`);
    return this;
  }

  histogram(name: string, help: string, series: { labels?: Labels; data: HistogramData }[]) {
    this.family(name, 'histogram', help);
    for (const { labels, data } of series) {
      for (const b of data.buckets) this.lines.push(`${name}_bucket${labelText({ ...labels, le: num(b.le) })} ${b.count}`);
      this.lines.push(`${name}_bucket${labelText({ ...labels, le: '+Inf' })} ${data.count}`);
      this.lines.push(`${name}_sum${labelText(labels)} ${num(data.sum)}`, `${name}_count${labelText(labels)} ${data.count}`);
    }
    return this;
  }

  toString() {
    return this.lines.join('\n') + '\n';
  }
}

/** Upper bounds (seconds) for request-latency histograms: 1 ms … 10 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A latency histogram a process keeps in memory and reports (e.g. in the worker heartbeat). */
export class LatencyHistogram {
  private counts: number[];
  private sum = 0;
  private count = 0;
  constructor(private readonly bounds: number[] = LATENCY_BUCKETS) {
    this.counts = bounds.map(() => 0);
  }

  observe(seconds: number) {
    this.sum += seconds;
    this.count++;
    for (let i = 0; i < this.bounds.length; i++) if (seconds <= this.bounds[i]!) this.counts[i]!++;
  }

  snapshot(): HistogramData {
    return { buckets: this.bounds.map((le, i) => ({ le, count: this.counts[i]! })), sum: this.sum, count: this.count };
  }
}

/** A histogram of values that are all at hand (e.g. durations read from the database). */
export function histogramOf(values: number[], bounds: number[]): HistogramData {
  const h = new LatencyHistogram(bounds);
  for (const v of values) h.observe(v);
  return h.snapshot();
}

/** The bucket bound below which a fraction `q` of the observations fall (an upper estimate, in seconds). */
export function latencyQuantile(h: HistogramData, q: number): number {
  const want = h.count * q;
  for (const b of h.buckets) if (b.count >= want) return b.le;
  return Infinity;
}
