import path from 'node:path';
import type { Track } from '@/drizzle/schema';
import { InvalidError } from '../errors';
import { formatKey } from '../music/keys';

/** Fields an organise template may use, with how each reads from a track. */
const FIELDS: Record<string, (t: Track) => string | number | null | undefined> = {
  artist: (t) => t.artist,
  'album artist': (t) => t.albumArtist || t.artist,
  album: (t) => t.album,
  title: (t) => t.title,
  track: (t) => t.trackNumber,
  disc: (t) => t.discNumber,
  year: (t) => t.year,
  genre: (t) => t.genre,
  label: (t) => t.label,
  bpm: (t) => (t.bpm ? Math.round(t.bpm) : null),
  key: (t) => (t.keyPitch !== null && t.keyMode !== null ? formatKey({ pitch: t.keyPitch, mode: t.keyMode === 1 ? 1 : 0 }, 'camelot') : null),
  format: (t) => t.fileExt,
  filename: (t) => t.fileName.replace(/\.[^.]+$/, ''),
};

export const TEMPLATE_FIELDS = Object.keys(FIELDS);
const TOKEN = /\{([a-z ]+)(?::0?(\d))?\}/g;

/** Characters that are unsafe or awkward on common filesystems (FAT/exFAT USB drives included). */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;

/** A value made safe as (part of) a file or folder name. */
export function safePart(v: string): string {
  const s = v
    .normalize('NFC')
    .replace(UNSAFE, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '');
  // at most 120 bytes per part, cut on a character boundary
  let out = s;
  while (Buffer.byteLength(out) > 120) out = out.slice(0, -1);
  return out;
}

/** Checks a template: known fields, no absolute path, no `..`. */
export function checkTemplate(template: string): string {
  const t = template.trim();
  if (!t) throw new InvalidError('template must not be empty');
  if (t.startsWith('/')) throw new InvalidError('template must be relative (it is placed inside the library folder)');
  if (t.split('/').some((p) => p.trim() === '..' || p.trim() === '.')) throw new InvalidError('template must not contain "." or ".." folders');
  for (const m of t.matchAll(TOKEN)) if (!FIELDS[m[1]!]) throw new InvalidError(`unknown field {${m[1]}}; use one of ${TEMPLATE_FIELDS.map((f) => `{${f}}`).join(' ')}`);
  const stray = t.replace(TOKEN, '');
  if (/[{}]/.test(stray)) throw new InvalidError('template has an unmatched { or }');
  return t;
}

/**
 * The relative path (folders + name, extension kept) a track gets under a template, e.g.
 * `{album artist}/{album}/{track:02} - {title}` → `Daft Punk/Discovery/01 - One More Time.flac`.
 * Empty values become "Unknown <field>"; every part is made safe.
 */
export function renderTemplate(template: string, t: Track): string {
  const parts = checkTemplate(template)
    .split('/')
    .map((part) =>
      safePart(
        part.replace(TOKEN, (_m, name: string, pad: string | undefined) => {
          const v = FIELDS[name]!(t);
          const width = pad ? Number(pad) : 0;
          if (v === null || v === undefined || v === '') return width ? '0'.repeat(width) : `Unknown ${name}`;
          return width && typeof v === 'number' ? String(v).padStart(width, '0') : String(v);
        }),
      ),
    )
    .filter(Boolean);
  if (!parts.length) throw new InvalidError('template gives an empty name');
  const ext = path.extname(t.fileName);
  return `${parts.join('/')}${ext}`;
}
