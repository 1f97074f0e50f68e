/** A BPM from a tag ("124", "124.5", "124,50", "124 BPM"); null when absent or implausible. */
export function parseBpm(raw: unknown): number | null {
  if (typeof raw !== 'number' && typeof raw !== 'string') return null;
  const n =
    typeof raw === 'number'
      ? raw
      : Number(
          raw
            .trim()
            .replace(/\s*bpm$/i, '')
            .replace(',', '.'),
        );
  if (!Number.isFinite(n) || n < 30 || n > 300) return null;
  return Math.round(n * 100) / 100;
}
