import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { type Playlist, type PlaylistTrack } from '@/drizzle/schema';
import type { Db, Executor } from '../db/client';
import { writeTx } from '../db/tx';
import { InvalidError } from '../errors';
import { appendEvent } from '../events/outbox';
import { formatKey } from '../music/keys';
import { createPlaylist, entryDetails, playlistById, type EntryDetails } from './playlists';
import { SmartDefinition } from './rules';
import { refreshSmartPlaylist } from './smart';
import { commonFolder } from '../folders/paths';

type Placeholder = NonNullable<PlaylistTrack['placeholder']>;

/** Most entries one import takes (it runs in the web process; a whole collection is not a playlist). */
export const MAX_IMPORT_ENTRIES = 20_000;

/** One entry as exported: where the file was, what it was, and what the DJ noted about it here. */
interface ExportEntry extends EntryDetails {
  path: string | null;
  audioHash: string | null;
  artist: string | null;
  title: string | null;
  album: string | null;
  durationMs: number | null;
  bpm: number | null;
  key: string | null;
  placeholder: boolean;
  /** How the play went (DJ sessions): good, filler or cleared. */
  reaction?: string;
}

function exportEntries(ex: Executor, playlistId: string): ExportEntry[] {
  type Row = Omit<ExportEntry, 'path' | 'key' | 'placeholder' | 'reaction'> & {
    absPath: string | null;
    keyPitch: number | null;
    keyMode: number | null;
    placeholder: string | null;
    reaction: string | null;
  };
  const rows = ex.all<Row>(sql`
    SELECT d.path || '/' || t.rel_path AS absPath, t.audio_hash AS audioHash, t.artist, t.title, t.album, t.duration_ms AS durationMs, t.bpm,
           coalesce(t.key_pitch_override, t.key_pitch) AS keyPitch, coalesce(t.key_mode_override, t.key_mode) AS keyMode,
           pt.notes, pt.cue_in_sec AS cueInSec, pt.cue_out_sec AS cueOutSec, pt.rating_in_context AS ratingInContext,
           pt.played_at AS playedAt, pt.play_duration_ms AS playDurationMs, pt.placeholder, r.reaction
    FROM playlist_tracks pt LEFT JOIN tracks t ON t.id = pt.track_id LEFT JOIN library_directories d ON d.id = t.directory_id
      LEFT JOIN play_reactions r ON r.entry_id = pt.id
    WHERE pt.playlist_id = ${playlistId} ORDER BY pt.position, pt.id`);
  return rows.map((r) => {
    const ph = r.placeholder ? (JSON.parse(r.placeholder) as Placeholder) : null;
    return {
      path: ph ? (ph.path ?? null) : r.absPath,
      audioHash: r.audioHash,
      artist: ph ? (ph.artist ?? null) : r.artist,
      title: ph ? (ph.title ?? null) : r.title,
      album: r.album,
      durationMs: ph ? (ph.durationMs ?? null) : r.durationMs,
      bpm: r.bpm,
      key: r.keyPitch !== null && r.keyMode !== null ? formatKey({ pitch: r.keyPitch, mode: r.keyMode as 0 | 1 }, 'camelot') : null,
      ...entryDetails(r),
      placeholder: !!ph,
      ...(r.reaction ? { reaction: r.reaction } : {}),
    };
  });
}

/** The deepest folder holding every (absolute) path ("/" at worst). */
const folderOfAll = (paths: string[]) => `/${commonFolder(paths.map((p) => path.posix.dirname(p)))}`;

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

export const ExportOptions = z.object({
  format: z.enum(['m3u8', 'json']).default('m3u8'),
  /** M3U8 only: absolute paths, or paths relative to `relativeTo` (default: the deepest folder holding them all). */
  paths: z.enum(['absolute', 'relative']).default('absolute'),
  relativeTo: z.string().startsWith('/', 'relativeTo must be an absolute folder').max(4096).optional(),
});
export type ExportOptions = z.input<typeof ExportOptions>;

export interface ExportedPlaylist {
  fileName: string;
  contentType: string;
  content: string;
  entries: number;
  /** Entries left out (a placeholder without a path, or a path no playlist line can hold). */
  skipped: number;
  /** The folder relative paths start from: save the file there. */
  base: string | null;
}

/**
 * A playlist as an M3U8 file (UTF-8, `#EXTINF` with duration and "artist - title", absolute or
 * relative paths) or as JSON with everything we know (notes, cues, ratings, play times, rules).
 */
export function exportPlaylist(ex: Executor, id: string, opts: ExportOptions): ExportedPlaylist {
  const p = playlistById(ex, id);
  if (p.type === 'folder') throw new InvalidError(`"${p.name}" is a folder`);
  const entries = exportEntries(ex, p.id);
  const safeName = p.name.replace(/[^\p{L}\p{N} ._-]+/gu, '_').trim() || 'playlist';
  if (opts.format === 'json') {
    const doc = {
      format: 'mismo.playlist',
      version: 1,
      exportedAt: new Date().toISOString(),
      playlist: {
        name: p.name,
        type: p.type,
        description: p.description,
        color: p.color,
        icon: p.icon,
        smart: p.type === 'smart' ? { rules: p.smartRules, sort: p.smartSort ?? [], limit: p.smartLimit ?? null } : undefined,
        session: p.type === 'session' ? { venue: p.sessionVenue, startedAt: p.sessionStartedAt, endedAt: p.sessionEndedAt } : undefined,
      },
      entries,
    };
    return { fileName: `${safeName}.json`, contentType: 'application/json', content: JSON.stringify(doc, null, 2) + '\n', entries: entries.length, skipped: 0, base: null };
  }
  const usable = entries.filter((e): e is ExportEntry & { path: string } => !!e.path && !/[\r\n]/.test(e.path));
  const relative = opts.paths === 'relative';
  const base = relative ? (opts.relativeTo ? path.posix.resolve(opts.relativeTo) : folderOfAll(usable.map((e) => e.path))) : null;
  const lines = ['#EXTM3U', `#PLAYLIST:${oneLine(p.name)}`];
  for (const e of usable) {
    const seconds = e.durationMs === null ? -1 : Math.round(e.durationMs / 1000);
    const label = e.artist && e.title ? `${e.artist} - ${e.title}` : (e.title ?? path.posix.basename(e.path));
    lines.push(`#EXTINF:${seconds},${oneLine(label)}`, base ? path.posix.relative(base, e.path) : e.path);
  }
  return {
    fileName: `${safeName}.m3u8`,
    contentType: 'audio/x-mpegurl; charset=utf-8',
    content: lines.join('\n') + '\n',
    entries: usable.length,
    skipped: entries.length - usable.length,
    base,
  };
}

/** What an imported line says about a track. */
export interface ImportItem {
  path: string | null;
  artist: string | null;
  title: string | null;
  durationMs: number | null;
  audioHash?: string | null;
  notes?: string | null;
  cueInSec?: number | null;
  cueOutSec?: number | null;
  ratingInContext?: number | null;
  playedAt?: number | null;
  playDurationMs?: number | null;
}

/** Reads an M3U or M3U8 file: paths (or file:// URLs) with optional `#EXTINF:seconds,Artist - Title`. */
export function parseM3u(text: string): { name: string | null; items: ImportItem[] } {
  let name: string | null = null;
  let info: { artist: string | null; title: string | null; durationMs: number | null } | null = null;
  const items: ImportItem[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const inf = /^#EXTINF:\s*(-?\d+(?:\.\d+)?)[^,]*,(.*)$/i.exec(line);
      if (inf) {
        const secs = Number(inf[1]);
        const label = inf[2]!.trim();
        const dash = label.indexOf(' - ');
        info = {
          durationMs: secs > 0 ? Math.round(secs * 1000) : null,
          artist: dash > 0 ? label.slice(0, dash).trim() : null,
          title: (dash > 0 ? label.slice(dash + 3) : label).trim() || null,
        };
      } else if (/^#PLAYLIST:/i.test(line)) name = line.slice(10).trim() || null;
      continue;
    }
    let p = line;
    if (/^file:\/\//i.test(p)) {
      try {
        p = decodeURIComponent(new URL(p).pathname);
      } catch {
        // not a URL after all: keep the text as a path
      }
    }
    if (!p.includes('/') && p.includes('\\')) p = p.replace(/\\/g, '/'); // a Windows playlist
    items.push({ path: p, artist: info?.artist ?? null, title: info?.title ?? null, durationMs: info?.durationMs ?? null });
    info = null;
  }
  return { name, items };
}

const JsonDoc = z.object({
  format: z.literal('mismo.playlist'),
  version: z.literal(1),
  playlist: z.object({
    name: z.string().min(1).max(200),
    type: z.enum(['static', 'smart', 'session', 'temp']),
    description: z.string().max(2000).nullish(),
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .nullish(),
    icon: z.string().max(40).nullish(),
    smart: z.unknown().optional(),
  }),
  entries: z
    .array(
      z.object({
        path: z.string().max(4096).nullable(),
        audioHash: z.string().max(64).nullish(),
        artist: z.string().max(1000).nullable(),
        title: z.string().max(1000).nullable(),
        durationMs: z.number().int().min(0).nullable(),
        notes: z.string().max(2000).nullish(),
        cueInSec: z.number().min(0).max(86_400).nullish(),
        cueOutSec: z.number().min(0).max(86_400).nullish(),
        ratingInContext: z.number().int().min(0).max(5).nullish(),
        playedAt: z.number().int().nullish(),
        playDurationMs: z.number().int().min(0).nullish(),
      }),
    )
    .max(MAX_IMPORT_ENTRIES, `at most ${MAX_IMPORT_ENTRIES.toLocaleString('en-US')} entries in one import`),
});

/** Lower case, accents and punctuation gone, "&" as "and": how two taggings of one song compare. */
export function normaliseTag(s: string | null | undefined): string {
  const text = s ?? '';
  // plain ASCII has no accents to strip: skip the (slow) Unicode decomposition
  // eslint-disable-next-line no-control-regex
  return (/^[\u0000-\u007f]*$/.test(text) ? text : text.normalize('NFKD').replace(/\p{M}+/gu, ''))
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

interface Candidate {
  id: string;
  absPath: string;
  durationMs: number | null;
  missing: boolean;
}

/**
 * Finds library tracks for imported items: by audio hash (JSON), then by path — exact, then the
 * file with the longest matching tail (a playlist made on another computer or drive) — then by
 * normalised artist + title with the duration within 3 s.
 */
class Matcher {
  private byName = new Map<string, Candidate[]>();
  private byTags = new Map<string, Candidate[]>();
  private byHash = new Map<string, Candidate[]>();
  private byPath = new Map<string, Candidate>();
  private byId = new Map<string, Candidate>();
  private tagsBuilt = false;

  private constructor(private readonly db: Db) {}

  /** Reads the library a page at a time, pausing between pages so the process stays responsive. */
  static async load(db: Db, pause: Pause): Promise<Matcher> {
    const m = new Matcher(db);
    await pages<[number, string, string, number | null, string | null, number]>(
      db,
      (after) =>
        sql`SELECT t.rowid, t.id, d.path || '/' || t.rel_path, t.duration_ms, t.audio_hash, t.is_missing FROM tracks t JOIN library_directories d ON d.id = t.directory_id
            WHERE t.rowid > ${after} ORDER BY t.rowid LIMIT ${PAGE}`,
      pause,
      ([, id, absPath, durationMs, audioHash, missing]) => {
        const c: Candidate = { id, absPath, durationMs, missing: !!missing };
        m.byId.set(id, c);
        m.byPath.set(absPath, c);
        push(m.byName, absPath.slice(absPath.lastIndexOf('/') + 1).toLowerCase(), c);
        if (audioHash) push(m.byHash, audioHash, c);
      },
    );
    return m;
  }

  /** Artist + title keys, built only when some entry is not found by audio or path. */
  async loadTags(pause: Pause): Promise<void> {
    if (this.tagsBuilt) return;
    this.tagsBuilt = true;
    const artists = new Map<string, string>(); // artists repeat across an album: normalise each once
    await pages<[number, string, string | null, string | null]>(
      this.db,
      (after) => sql`SELECT rowid, id, artist, title FROM tracks WHERE rowid > ${after} ORDER BY rowid LIMIT ${PAGE}`,
      pause,
      ([, id, artist, title]) => {
        const c = this.byId.get(id);
        const t = normaliseTag(title);
        if (!c || !t) return;
        let a = artists.get(artist ?? '');
        if (a === undefined) artists.set(artist ?? '', (a = normaliseTag(artist)));
        push(this.byTags, `${a}\u0000${t}`, c);
      },
    );
  }

  /** By audio hash, then by path (exact, then the longest tail). */
  matchByFile(item: ImportItem, baseDir: string | null): { trackId: string; by: 'hash' | 'path' } | null {
    const hashHit = item.audioHash ? best(this.byHash.get(item.audioHash) ?? [], item.durationMs) : null;
    if (hashHit) return { trackId: hashHit.id, by: 'hash' };
    if (item.path) {
      const abs = item.path.startsWith('/') ? path.posix.normalize(item.path) : baseDir ? path.posix.resolve(baseDir, item.path) : null;
      const exact = abs ? this.byPath.get(abs) : undefined;
      if (exact) return { trackId: exact.id, by: 'path' };
      const tail = this.byLongestTail(item.path);
      if (tail) return { trackId: tail.id, by: 'path' };
    }
    return null;
  }

  /** By normalised artist + title with the duration within 3 s (after `loadTags`). */
  matchByTags(item: ImportItem): { trackId: string; by: 'tags' } | null {
    const tags = tagKey(item.artist, item.title);
    const tagHit = tags
      ? best(
          (this.byTags.get(tags) ?? []).filter((c) => closeEnough(c.durationMs, item.durationMs)),
          item.durationMs,
        )
      : null;
    return tagHit ? { trackId: tagHit.id, by: 'tags' } : null;
  }

  /** Same file name, and the most folders in common counting up from it; a tie is no match. */
  private byLongestTail(p: string): Candidate | null {
    const segs = p.split('/').filter((s) => s && s !== '.' && s !== '..');
    const name = segs.at(-1)?.toLowerCase();
    const list = name ? (this.byName.get(name) ?? []) : [];
    let top: Candidate | null = null;
    let topScore = 0;
    let tie = false;
    for (const c of list) {
      const theirs = c.absPath.toLowerCase().split('/');
      let n = 0;
      while (n < segs.length && n < theirs.length && segs[segs.length - 1 - n]!.toLowerCase() === theirs[theirs.length - 1 - n]) n++;
      const score = n * 2 + (c.missing ? 0 : 1);
      if (score > topScore) [top, topScore, tie] = [c, score, false];
      else if (score === topScore) tie = true;
    }
    return tie ? null : top;
  }
}

type Pause = () => Promise<void>;
/** Rows read per page (and entries matched) between two pauses. */
const PAGE = 5_000;
const nextTick: Pause = () => new Promise((r) => setImmediate(r));

/** Runs a keyset-paged query (first column: rowid) to the end, pausing between pages. */
async function pages<R extends [number, ...unknown[]]>(db: Db, page: (after: number) => SQL, pause: Pause, each: (row: R) => void) {
  let after = -1;
  for (;;) {
    const rows = db.values<R>(page(after));
    for (const r of rows) each(r);
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]![0];
    await pause();
  }
}

function push(m: Map<string, Candidate[]>, k: string, c: Candidate) {
  const list = m.get(k);
  if (list) list.push(c);
  else m.set(k, [c]);
}

const tagKey = (artist: string | null | undefined, title: string | null | undefined) => {
  const t = normaliseTag(title);
  return t ? `${normaliseTag(artist)}\u0000${t}` : null;
};
const closeEnough = (a: number | null, b: number | null) => a === null || b === null || Math.abs(a - b) <= 3_000;
/** Present files first, then the closest duration. */
function best(list: Candidate[], durationMs: number | null): Candidate | null {
  const dist = (c: Candidate) => (c.missing ? 1e12 : 0) + (durationMs !== null && c.durationMs !== null ? Math.abs(c.durationMs - durationMs) : 0);
  return list.reduce<Candidate | null>((a, c) => (!a || dist(c) < dist(a) ? c : a), null);
}

export interface ImportOptions {
  fileName: string;
  content: string;
  /** Name for the new playlist (default: the file's, or its #PLAYLIST line). */
  name?: string;
  parentId?: string | null;
  /** Where the playlist file lives, for its relative paths. */
  baseDir?: string | null;
  /** Keep unmatched entries as placeholders that can be relinked later (default true). */
  keepUnmatched?: boolean;
}

export interface ImportReport {
  playlist: Playlist;
  total: number;
  matched: { hash: number; path: number; tags: number };
  unmatched: { line: number; path: string | null; artist: string | null; title: string | null }[];
}

/**
 * Imports an M3U/M3U8 file or our JSON export as a new playlist, matching each entry to a library
 * track and reporting the ones that found none (kept in place as placeholders unless asked not to).
 * A JSON export of a smart playlist comes back as a smart playlist with its rules.
 *
 * It runs in the web process, so the library is read and the entries matched a page at a time with
 * a pause between pages (health and other requests answer meanwhile); the playlist and all its
 * entries are then written in one short transaction.
 */
export async function importPlaylist(db: Db, opts: ImportOptions, now: number, pause: Pause = nextTick): Promise<ImportReport> {
  const { items, fileTitle, meta } = readImportFile(opts);
  const smart = meta?.type === 'smart' && meta.smart !== undefined ? SmartDefinition.safeParse(meta.smart) : null;
  if (smart && !smart.success) throw new InvalidError(`The smart rules in ${opts.fileName} are not valid: ${smart.error.issues[0]?.message}`);
  const name = opts.name?.trim() || fileTitle || path.basename(opts.fileName).replace(/\.(m3u8?|json)$/i, '') || 'Imported playlist';
  const common = { name, parentId: opts.parentId ?? null, color: meta?.color ?? null, icon: meta?.icon ?? null, description: meta?.description ?? null };
  if (smart?.success) {
    return writeTx(db, (tx) => {
      const p = createPlaylist(tx, { ...common, type: 'smart', smart: smart.data }, now);
      const r = refreshSmartPlaylist(tx, p, now);
      return { playlist: p, total: r.count, matched: { hash: 0, path: 0, tags: 0 }, unmatched: [] };
    });
  }
  const hits = await matchItems(db, items, opts.baseDir ?? null, pause);
  const matched = { hash: 0, path: 0, tags: 0 };
  const unmatched: ImportReport['unmatched'] = [];
  const rows: ImportRow[] = [];
  for (const [i, item] of items.entries()) {
    const hit = hits[i];
    if (hit) matched[hit.by]++;
    else unmatched.push({ line: i + 1, path: item.path, artist: item.artist, title: item.title });
    if (!hit && opts.keepUnmatched === false) continue;
    // the placeholder is used as well if the matched track is removed before the write below
    const placeholder = JSON.stringify({ artist: item.artist, title: item.title, durationMs: item.durationMs, path: item.path });
    rows.push([
      hit?.trackId ?? null,
      item.notes ?? null,
      item.cueInSec ?? null,
      item.cueOutSec ?? null,
      item.ratingInContext ?? null,
      item.playedAt ?? null,
      item.playDurationMs ?? null,
      placeholder,
    ]);
  }
  await pause();
  const playlist = writeImportedTx(db, common, rows, now);
  return { playlist, total: items.length, matched, unmatched };
}

type ImportRow = [string | null, string | null, number | null, number | null, number | null, number | null, number | null, string];

/** The entries of an M3U/M3U8 file or of our JSON export (with its playlist's own fields), or a clear refusal. */
function readImportFile(opts: ImportOptions): { items: ImportItem[]; fileTitle: string | null; meta: z.infer<typeof JsonDoc>['playlist'] | null } {
  const isJson = /\.json$/i.test(opts.fileName) || opts.content.trimStart().startsWith('{');
  if (isJson) {
    let doc: unknown;
    try {
      doc = JSON.parse(opts.content);
    } catch (e) {
      throw new InvalidError(`${opts.fileName} is not valid JSON: ${(e as Error).message}`);
    }
    const parsed = JsonDoc.safeParse(doc);
    if (!parsed.success) throw new InvalidError(`${opts.fileName} is not a Mismo playlist export: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
    return { items: parsed.data.entries, fileTitle: parsed.data.playlist.name, meta: parsed.data.playlist };
  }
  const extended = /^\uFEFF?\s*#EXTM3U/i.test(opts.content);
  // eslint-disable-next-line no-control-regex -- a NUL or other control byte means a binary file, not a playlist
  if (/[\u0000-\u0008\u000e-\u001f]/.test(opts.content) || (!extended && !/\.m3u8?$/i.test(opts.fileName)))
    throw new InvalidError(`${opts.fileName} is not an M3U/M3U8 playlist or a Mismo JSON export`);
  const m3u = parseM3u(opts.content);
  if (m3u.items.length > MAX_IMPORT_ENTRIES)
    throw new InvalidError(
      `${opts.fileName} has ${m3u.items.length.toLocaleString('en-US')} entries; one import takes at most ${MAX_IMPORT_ENTRIES.toLocaleString('en-US')} (split the file)`,
    );
  return { items: m3u.items, fileTitle: m3u.name, meta: null };
}

/** Each item's track: by hash or path first; by artist + title only for what those left (the tag index is loaded only then). */
async function matchItems(db: Db, items: ImportItem[], baseDir: string | null, pause: Pause) {
  const matcher = await Matcher.load(db, pause);
  const hits: ({ trackId: string; by: 'hash' | 'path' | 'tags' } | null)[] = [];
  for (const [i, item] of items.entries()) {
    hits.push(matcher.matchByFile(item, baseDir));
    if (i % PAGE === PAGE - 1) await pause();
  }
  if (hits.some((h, i) => !h && tagKey(items[i]!.artist, items[i]!.title))) {
    await matcher.loadTags(pause);
    for (const [i, item] of items.entries()) {
      hits[i] ??= matcher.matchByTags(item);
      if (i % PAGE === PAGE - 1) await pause();
    }
  }
  return hits;
}

/** The playlist and all its entries in one short transaction; a matched track removed since the matching becomes a placeholder. */
function writeImportedTx(db: Db, common: Omit<Parameters<typeof createPlaylist>[1], 'type'>, rows: ImportRow[], now: number) {
  return writeTx(db, (tx) => {
    const p = createPlaylist(tx, { ...common, type: 'static' }, now);
    const ids = rows.flatMap((r) => (r[0] ? [r[0]] : []));
    const present = new Set(tx.values<[string]>(sql`SELECT id FROM tracks WHERE id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`).map((r) => r[0]));
    // one plain prepared statement on the transaction's connection: a query built per row was most of a big import's time
    const insert = db.$client.prepare(
      'INSERT INTO playlist_tracks (playlist_id, track_id, position, added_at, notes, cue_in_sec, cue_out_sec, rating_in_context, played_at, play_duration_ms, placeholder) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const [position, [trackId, notes, cueIn, cueOut, rating, playedAt, playMs, placeholder]] of rows.entries()) {
      const found = trackId !== null && present.has(trackId);
      insert.run(p.id, found ? trackId : null, position, now, notes, cueIn, cueOut, rating, playedAt, playMs, found ? null : placeholder);
    }
    if (rows.length) appendEvent(tx, 'playlist:track:added', { playlistId: p.id, count: rows.length }, now);
    return p;
  });
}
