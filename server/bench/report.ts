export type Row = [string, string, string];

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

/** A plain-text table on stdout. */
export function printTable(title: string, rows: Row[]) {
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(`\n${title}`);
  console.log('-'.repeat(Math.min(160, w[0]! + w[1]! + w[2]! + 6)));
  for (const r of rows) console.log(`${r[0].padEnd(w[0]!)}   ${r[1].padEnd(w[1]!)}   ${r[2]}`);
}
