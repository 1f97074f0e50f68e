// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** NFC, no control characters, trimmed, runs of spaces folded; empty becomes null. */
export function cleanText(v: string | number | readonly (string | null | undefined)[] | null | undefined, max = 1000): string | null {
  if (v === null || v === undefined) return null;
  const s = (Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined).join('; ') : String(v))
    .normalize('NFC')
    .replace(CONTROL, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return s === '' ? null : s.slice(0, max);
}

export function cleanInt(v: string | number | null | undefined, min = 0, max = 1_000_000): number | null {
  const n = typeof v === 'number' ? v : Number.parseInt(v ?? '', 10);
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}
