import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { libraryDirectories, stemSets, tracks } from '@/drizzle/schema';
import type { Db } from '../db/client';
import { forbiddenFolderProblem, isInside } from '../folders/paths';
import { findExecutable } from '../system/executables';
import { unauthorized } from './bytes';
import { CLIENT_HEADER } from './gate';
import type { WebRuntime } from './runtime';

type Rt = Pick<WebRuntime, 'app' | 'signingKey'>;

const CONTENT_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  m4a: 'audio/mp4',
  alac: 'audio/mp4',
  aac: 'audio/aac',
  wav: 'audio/wav',
  aiff: 'audio/aiff',
  aif: 'audio/aiff',
  wma: 'audio/x-ms-wma',
  ape: 'audio/ape',
  wv: 'audio/x-wavpack',
};

/** Formats every current browser decodes itself; the rest are previewed through ffmpeg. */
const BROWSER_PLAYABLE = new Set(['mp3', 'flac', 'ogg', 'opus', 'aac', 'wav']);
export const browserPlays = (t: { format: string | null; fileExt: string; codec: string | null }) => {
  const f = t.format ?? t.fileExt;
  if (f === 'm4a') return t.codec !== 'ALAC';
  return BROWSER_PLAYABLE.has(f);
};

const json = (status: number, error: string, headers: Record<string, string> = {}) => Response.json({ error }, { status, headers });

interface Located {
  track: typeof tracks.$inferSelect;
  /** The file's real path: symlinks resolved, checked to lie inside its library folder. */
  file: string;
  stat: fs.Stats;
}

/**
 * Finds a library track's file on disk, or the response that says why it cannot be served. Only
 * a present track in an active, available folder is served, and only when the file's real path
 * (every symlink resolved) is a regular file inside that folder — a link to /etc/passwd planted
 * in a folder, or swapped in for an indexed file, is refused whatever the symlink setting.
 */
function locate(db: Db, dataDir: string, id: string): Located | Response {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return json(400, 'Invalid track id');
  const row = db
    .select({ track: tracks, dir: libraryDirectories })
    .from(tracks)
    .leftJoin(libraryDirectories, eq(libraryDirectories.id, tracks.directoryId))
    .where(eq(tracks.id, id))
    .get();
  if (!row) return json(404, 'Track not found');
  if (!row.dir?.isActive) return json(404, 'The track is no longer in a library folder');
  if (forbiddenFolderProblem(row.dir.path, realDataDir(dataDir))) return json(403, `"${row.dir.name}" is a system folder; its files are not served`);
  if (!row.dir.isAvailable) return json(503, `"${row.dir.name}" is not available (is the drive plugged in?)`);
  if (row.track.isMissing) return json(404, 'The file is missing');
  const rel = path.normalize(row.track.relPath);
  if (path.isAbsolute(rel) || rel === '..' || rel.startsWith(`..${path.sep}`)) return json(404, 'Track not found');
  let file: string;
  let stat: fs.Stats;
  try {
    file = fs.realpathSync(path.join(row.dir.path, rel));
    stat = fs.lstatSync(file);
  } catch {
    return json(404, 'The file is missing');
  }
  if (!isInside(row.dir.path, file)) return json(403, 'The file is a link to somewhere outside its library folder');
  if (!stat.isFile()) return json(404, 'The file is missing');
  return { track: row.track, file, stat };
}

const realDataDirs = new Map<string, string>();
function realDataDir(dir: string): string {
  let real = realDataDirs.get(dir);
  if (!real) {
    try {
      real = fs.realpathSync(dir);
    } catch {
      real = path.resolve(dir);
    }
    realDataDirs.set(dir, real);
  }
  return real;
}

/** A byte stream of a checked file that refuses to follow a link swapped in since the check. */
const fileStream = (file: string, r: ByteRange) =>
  Readable.toWeb(fs.createReadStream('', { fd: fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW), start: r.start, end: r.end })) as ReadableStream;

interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a Range header against a length (RFC 9110 §14.2). One range is honoured; several ranges
 * are answered with the whole body, which the RFC allows. Returns null for "send everything" and
 * 'unsatisfiable' for a range beyond the end.
 */
export function parseRange(header: string | null, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  if (start >= size) return 'unsatisfiable';
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (end < start) return null;
  return { start, end };
}

/**
 * Sends `size` bytes produced by `body(range)` with Range support: 206 with Content-Range for a
 * satisfiable range, 416 for one past the end, 200 otherwise (and when If-Range no longer holds).
 */
function rangedResponse(req: Request, size: number, headers: Record<string, string>, body: (r: ByteRange) => ReadableStream | null): Response {
  const ifRange = req.headers.get('if-range');
  const range = ifRange && ifRange !== headers.etag ? null : parseRange(req.headers.get('range'), size);
  const base = { ...headers, 'accept-ranges': 'bytes' };
  if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...base, 'content-range': `bytes */${size}` } });
  const r = range ?? { start: 0, end: size - 1 };
  const out = { ...base, 'content-length': String(size === 0 ? 0 : r.end - r.start + 1) };
  const status = range ? 206 : 200;
  if (range) Object.assign(out, { 'content-range': `bytes ${r.start}-${r.end}/${size}` });
  if (req.method === 'HEAD' || size === 0) return new Response(null, { status, headers: out });
  return new Response(body(r), { status, headers: out });
}

function fileHeaders(loc: Located, contentType: string, etag: string) {
  return {
    'content-type': contentType,
    etag,
    'last-modified': loc.stat.mtime.toUTCString(),
    'cache-control': 'private, no-cache',
  };
}

/** GET/HEAD /api/tracks/:id/audio — the file itself, seekable, with its own content type. */
export function audioResponse(rt: Rt, req: Request, id: string, opts: { download?: boolean } = {}): Response {
  const denied = unauthorized(rt, req);
  if (denied) return denied;
  const loc = locate(rt.app.db, rt.app.env.dataDir, id);
  if (loc instanceof Response) return loc;
  const etag = `"${loc.stat.size.toString(36)}-${Math.floor(loc.stat.mtimeMs).toString(36)}"`;
  const headers: Record<string, string> = fileHeaders(loc, CONTENT_TYPES[loc.track.fileExt] ?? 'application/octet-stream', etag);
  if (opts.download) headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(loc.track.fileName)}`;
  if (req.headers.get('if-none-match') === etag && !req.headers.get('range')) return new Response(null, { status: 304, headers });
  return rangedResponse(req, loc.stat.size, headers, (r) => fileStream(loc.file, r));
}

// ---- previews of formats browsers cannot decode: 16-bit stereo WAV made by ffmpeg on demand.
// Its length follows from the duration, so byte ranges map to times and seeking works.
const RATE = 44_100;
const FRAME = 4; // 2 channels × 16 bit
const HEADER = 44;

function wavHeader(dataBytes: number): Buffer {
  const h = Buffer.alloc(HEADER);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(2, 22);
  h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE * FRAME, 28);
  h.writeUInt16LE(FRAME, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** ffmpeg processes previews may run at once, overall and for one client address. */
export const MAX_TRANSCODES = 4;
export const MAX_TRANSCODES_PER_CLIENT = 2;
const running = { total: 0, byClient: new Map<string, number>() };

/** A transcode slot for this client, or null when the caps are reached; the function frees it (once). */
function takeTranscode(client: string): (() => void) | null {
  const mine = running.byClient.get(client) ?? 0;
  if (running.total >= MAX_TRANSCODES || mine >= MAX_TRANSCODES_PER_CLIENT) return null;
  running.total++;
  running.byClient.set(client, mine + 1);
  let freed = false;
  return () => {
    if (freed) return;
    freed = true;
    running.total--;
    const n = (running.byClient.get(client) ?? 1) - 1;
    if (n > 0) running.byClient.set(client, n);
    else running.byClient.delete(client);
  };
}

/** Previews converting right now (metrics, tests). */
export const transcodesRunning = () => running.total;

/**
 * Bytes [start, end] of the preview WAV: the header part, then PCM decoded by ffmpeg from the
 * matching time, trimmed to frame alignment and padded with silence if the decoder ends early.
 */
function previewStream(ffmpeg: string, file: string, dataBytes: number, r: ByteRange, signal: AbortSignal, release: () => void): ReadableStream<Uint8Array> {
  let remaining = r.end - r.start + 1;
  const header = r.start < HEADER ? wavHeader(dataBytes).subarray(r.start, Math.min(HEADER, r.end + 1)) : null;
  const pcmStart = Math.max(0, r.start - HEADER);
  const frame = Math.floor(pcmStart / FRAME);
  let skip = pcmStart - frame * FRAME;
  let proc: ReturnType<typeof spawn> | null = null;
  const kill = () => {
    proc?.kill('SIGKILL');
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (header) {
        controller.enqueue(new Uint8Array(header));
        remaining -= header.length;
      }
      if (remaining <= 0) {
        release();
        return controller.close();
      }
      signal.addEventListener('abort', kill, { once: true });
      // file: — a path is never read as another ffmpeg protocol
      proc = spawn(
        ffmpeg,
        ['-nostdin', '-v', 'error', '-ss', (frame / RATE).toFixed(6), '-i', `file:${file}`, '-vn', '-map', '0:a:0', '-ac', '2', '-ar', String(RATE), '-f', 's16le', '-'],
        {
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      const out = proc.stdout!;
      out.on('data', (chunk: Buffer) => {
        let c = chunk;
        if (skip) {
          const s = Math.min(skip, c.length);
          c = c.subarray(s);
          skip -= s;
        }
        if (!c.length || remaining <= 0) return;
        if (c.length > remaining) c = c.subarray(0, remaining);
        remaining -= c.length;
        controller.enqueue(new Uint8Array(c));
        if (remaining <= 0) {
          kill();
          controller.close();
        } else if ((controller.desiredSize ?? 1) <= 0) out.pause();
      });
      proc.on('close', () => {
        release();
        signal.removeEventListener('abort', kill);
        if (remaining > 0) {
          // the decoder's idea of the length fell short of the duration: finish with silence
          controller.enqueue(new Uint8Array(remaining));
          remaining = 0;
          controller.close();
        }
      });
      proc.on('error', (e) => {
        release();
        controller.error(e);
      });
    },
    pull() {
      proc?.stdout?.resume();
    },
    cancel: kill,
  });
}

/**
 * GET/HEAD /api/tracks/:id/preview — something the browser can play: the file itself when the
 * browser decodes its format, otherwise a seekable WAV decoded by ffmpeg (AIFF, ALAC, WavPack,
 * WMA, APE).
 */
export function previewResponse(rt: Rt, req: Request, id: string): Response {
  const denied = unauthorized(rt, req);
  if (denied) return denied;
  const loc = locate(rt.app.db, rt.app.env.dataDir, id);
  if (loc instanceof Response) return loc;
  if (browserPlays(loc.track)) return audioResponse(rt, req, id);
  const ffmpeg = findExecutable('ffmpeg');
  if (!ffmpeg)
    return json(415, `Browsers cannot play ${(loc.track.format ?? loc.track.fileExt).toUpperCase()} files and ffmpeg is not installed to convert them (apt-get install ffmpeg)`);
  if (!loc.track.durationMs) return json(422, 'The track has no known duration, so it cannot be previewed');
  const dataBytes = Math.round((loc.track.durationMs / 1000) * RATE) * FRAME;
  const etag = `"p-${loc.stat.size.toString(36)}-${Math.floor(loc.stat.mtimeMs).toString(36)}"`;
  const headers = fileHeaders(loc, 'audio/wav', etag);
  if (req.method === 'HEAD') return rangedResponse(req, HEADER + dataBytes, headers, () => null);
  const release = takeTranscode(req.headers.get(CLIENT_HEADER) ?? 'unknown');
  if (!release) return json(429, 'Too many previews are being converted at once; try again in a moment', { 'retry-after': '2' });
  const res = rangedResponse(req, HEADER + dataBytes, headers, (r) => previewStream(ffmpeg, loc.file, dataBytes, r, req.signal, release));
  if (!res.body) release(); // 304/416: nothing to convert
  return res;
}

/**
 * GET/HEAD /api/tracks/:id/stems/:stem — one separated stem from the stem cache (data folder),
 * seekable. Only names the cache recorded for the track's audio are served.
 */
export function stemResponse(rt: Rt, req: Request, id: string, stem: string): Response {
  const denied = unauthorized(rt, req);
  if (denied) return denied;
  const t = rt.app.db.select({ hash: tracks.audioHash }).from(tracks).where(eq(tracks.id, id)).get();
  if (!t?.hash) return json(404, 'Track not found or not hashed yet');
  const set = rt.app.db.select().from(stemSets).where(eq(stemSets.audioHash, t.hash)).get();
  const rel = set && Object.hasOwn(set.files, stem) ? set.files[stem]! : undefined;
  if (!set || !rel) return json(404, set ? `No "${stem}" stem for this track` : 'No stems for this track yet');
  let file: string;
  let stat: fs.Stats;
  try {
    file = fs.realpathSync(path.resolve(rt.app.env.dataDir, rel));
    stat = fs.lstatSync(file);
  } catch {
    return json(404, 'The stem file is gone from the cache; separate the stems again');
  }
  let cache: string;
  try {
    cache = fs.realpathSync(path.resolve(rt.app.env.dataDir, 'stems'));
  } catch {
    return json(404, 'No stems for this track yet');
  }
  if (!file.startsWith(cache + path.sep) || !stat.isFile()) return json(404, 'No stems for this track yet');
  const etag = `"s-${t.hash}-${stem}-${stat.size.toString(36)}"`;
  const headers = { 'content-type': CONTENT_TYPES[set.format] ?? 'application/octet-stream', etag, 'cache-control': 'private, no-cache' };
  if (req.headers.get('if-none-match') === etag && !req.headers.get('range')) return new Response(null, { status: 304, headers });
  return rangedResponse(req, stat.size, headers, (r) => fileStream(file, r));
}
