import { parseKey, type MusicalKey } from '../music/keys';

/** Structured filters a query can express besides text (merged into the list filters). */
export interface QueryFilters {
  bpmMin?: number;
  bpmMax?: number;
  keys?: MusicalKey[];
  yearMin?: number;
  yearMax?: number;
  ratingMin?: number;
  energyMin?: number;
  energyMax?: number;
  formats?: string[];
  broken?: boolean;
  missing?: boolean;
  lossless?: boolean;
  analyzed?: boolean;
  needsLook?: boolean;
  duplicate?: boolean;
}

export interface ParsedQuery {
  /** FTS5 MATCH expression, or null when the query has no text terms. */
  fts: string | null;
  filters: QueryFilters;
  /** Free words, for spelling suggestions. */
  words: string[];
  /** Text terms per field (`artist:daft`), for spelling suggestions. */
  fieldWords: { field: string; word: string }[];
  /** Things the query said that were not understood (shown to the user). */
  warnings: string[];
}

/** FTS columns a query may name, with the aliases people type. */
export const TEXT_FIELDS: Record<string, string> = {
  title: 'title',
  artist: 'artist',
  album: 'album',
  albumartist: 'album_artist',
  aa: 'album_artist',
  genre: 'genre',
  label: 'label',
  comment: 'comment',
  file: 'file_name',
  filename: 'file_name',
};

/** The same word splitting as the FTS tokenizer (unicode61): letters and digits. */
export function tokenize(text: string): string[] {
  return text
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

const quote = (w: string) => `"${w.replace(/"/g, '""')}"`;

function range(v: string, min: number, max: number): [number, number] | null {
  const m = /^(\d+(?:[.,]\d+)?)\s*(?:-|–|\.\.)\s*(\d+(?:[.,]\d+)?)$/.exec(v);
  const num = (s: string) => Number(s.replace(',', '.'));
  if (m) {
    const a = num(m[1]!);
    const b = num(m[2]!);
    return a <= b ? [a, b] : [b, a];
  }
  const cmp = /^(>=|<=|>|<)\s*(\d+(?:[.,]\d+)?)$/.exec(v);
  if (cmp) {
    const n = num(cmp[2]!);
    return cmp[1]!.startsWith('>') ? [cmp[1] === '>' ? n + 0.001 : n, max] : [min, cmp[1] === '<' ? n - 0.001 : n];
  }
  if (/^\d+(?:[.,]\d+)?$/.test(v)) return [num(v), num(v)];
  return null;
}

/** Splits a query into tokens, keeping quoted phrases (also after "field:") together. */
function lex(q: string): string[] {
  const out: string[] = [];
  const re = /(-?)([\p{L}_]+:)?("([^"]*)"?|\S+)/gu;
  for (const m of q.matchAll(re)) out.push(`${m[1]}${m[2] ?? ''}${m[4] !== undefined ? `"${m[4]}"` : m[3]}`);
  return out;
}

/**
 * Parses what a DJ types into the search box. Free words match title, artist, album, album
 * artist, genre, label, comment and file name, as prefixes (results narrow while typing), all of
 * them required; `-word` excludes. Fields: `artist:` `title:` `album:` `albumartist:` `genre:`
 * `label:` `comment:` `file:` (text), `bpm:120-128` `bpm:>125` `year:2019` `year:2010-2019`
 * `key:8A` (any notation, comma-separated list) `rating:>=4` `energy:6-8` `format:flac,wav`
 * `is:broken|missing|lossless|analyzed|unanalyzed|duplicate|unsure`.
 */
export function parseQuery(q: string): ParsedQuery {
  const must: string[] = [];
  const mustNot: string[] = [];
  const filters: QueryFilters = {};
  const words: string[] = [];
  const fieldWords: ParsedQuery['fieldWords'] = [];
  const warnings: string[] = [];
  for (const raw of lex(q.trim())) {
    const negate = raw.startsWith('-') && raw.length > 1;
    const tok = negate ? raw.slice(1) : raw;
    const colon = tok.indexOf(':');
    const field = colon > 0 ? tok.slice(0, colon).toLowerCase() : null;
    const value = (field ? tok.slice(colon + 1) : tok).replace(/^"|"$/g, '').trim();
    if (field && value === '') continue;
    if (field && TEXT_FIELDS[field]) {
      const col = TEXT_FIELDS[field];
      const terms = tokenize(value);
      if (!terms.length) continue;
      const expr = terms.map((w) => `${col} : ${quote(w)}*`).join(' AND ');
      (negate ? mustNot : must).push(terms.length > 1 ? `(${expr})` : expr);
      if (!negate) for (const w of terms) fieldWords.push({ field: col, word: w });
      continue;
    }
    if (field && applyFilterField(field, value, negate, filters, warnings)) continue;
    const terms = tokenize(tok.replace(/^"|"$/g, ''));
    const phrase = tok.startsWith('"') && terms.length > 1;
    if (!terms.length) continue;
    if (phrase) (negate ? mustNot : must).push(`${quote(terms.join(' '))}`);
    else for (const w of terms) (negate ? mustNot : must).push(`${quote(w)}*`);
    if (!negate) words.push(...terms);
  }
  let fts: string | null = must.length ? must.join(' AND ') : null;
  if (fts && mustNot.length) fts = `${fts} NOT (${mustNot.join(' OR ')})`;
  if (!fts && mustNot.length) warnings.push('a query of only exclusions matches nothing to exclude from; add a word');
  return { fts, filters, words, fieldWords, warnings };
}

/** Applies a filter field (`bpm:`, `key:`, `is:` …) to the filters, or a warning when its value is not one; false for a field it does not know. */
function applyFilterField(field: string, value: string, negate: boolean, filters: QueryFilters, warnings: string[]): boolean {
  switch (field) {
    case 'bpm': {
      const r = range(value, 1, 999);
      if (r) [filters.bpmMin, filters.bpmMax] = r[0] === r[1] ? [r[0] - 0.5, r[1] + 0.5] : r;
      else warnings.push(`bpm:${value} is not a BPM or a range like 120-128`);
      return true;
    }
    case 'year': {
      const r = range(value, 0, 9999);
      if (r) [filters.yearMin, filters.yearMax] = [Math.ceil(r[0]), Math.floor(r[1])];
      else warnings.push(`year:${value} is not a year or a range like 2010-2019`);
      return true;
    }
    case 'rating': {
      const r = range(value, 0, 5);
      if (r) filters.ratingMin = Math.ceil(r[0]);
      else warnings.push(`rating:${value} is not a rating like 4 or >=4`);
      return true;
    }
    case 'energy': {
      const r = range(value, 1, 10);
      if (r) [filters.energyMin, filters.energyMax] = r;
      else warnings.push(`energy:${value} is not an energy like 7 or 6-8`);
      return true;
    }
    case 'key': {
      const keys = value.split(',').map((k) => parseKey(k));
      if (keys.every((k): k is MusicalKey => k !== null)) filters.keys = keys;
      else warnings.push(`key:${value} is not a key (8A, 1m, Am, F#…)`);
      return true;
    }
    case 'format':
      filters.formats = value
        .toLowerCase()
        .split(',')
        .map((f) => f.trim().replace(/^\./, ''))
        .filter(Boolean);
      return true;
    case 'is': {
      const flag = value.toLowerCase();
      const v = !negate;
      if (flag === 'broken') filters.broken = v;
      else if (flag === 'missing') filters.missing = v;
      else if (flag === 'lossless') filters.lossless = v;
      else if (flag === 'analyzed' || flag === 'analysed') filters.analyzed = v;
      else if (flag === 'unanalyzed' || flag === 'unanalysed') filters.analyzed = !v;
      else if (flag === 'duplicate' || flag === 'dupe') filters.duplicate = v;
      else if (flag === 'unsure' || flag === 'needslook') filters.needsLook = v;
      else warnings.push(`is:${value} is not one of broken, missing, lossless, analyzed, unanalyzed, duplicate, unsure`);
      return true;
    }
    default:
      // not a field we know (e.g. "feat:x" in a title): words
      return false;
  }
}
