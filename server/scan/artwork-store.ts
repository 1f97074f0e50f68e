import fs from 'node:fs';
import path from 'node:path';
import type { Metadata, Sharp, SharpOptions } from 'sharp';
import type { XXHashAPI } from 'xxhash-wasm';

export interface StoredArtwork {
  id: string;
  mime: string;
  width: number | null;
  height: number | null;
  sizeBytes: number;
  relPath: string;
  thumbRelPath: string | null;
}

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/jpg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'image/bmp': 'bmp' };
export const THUMB_PX = 160;
const SERVED = new Set(['image/jpeg', 'image/png', 'image/webp']);

type SharpFn = (input?: Uint8Array, options?: SharpOptions) => Sharp;
let sharpModule: Promise<SharpFn> | undefined;
/** sharp (libvips) is loaded on first use: rescans and walks never need it. */
function loadSharp(): Promise<SharpFn> {
  return (sharpModule ??= import('sharp').then((m) => {
    m.default.concurrency(1);
    m.default.cache(false);
    return m.default;
  }));
}

function writeAtomic(file: string, data: Buffer | Uint8Array) {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Covers this thread has already stored: albums share one cover, so most files hit this. */
const known = new Map<string, StoredArtwork>();

/**
 * Stores a cover image once per distinct content: `artwork/ab/<xxh64>.<ext>` in the data folder,
 * plus a small WebP thumbnail. Safe to call from several threads at once (atomic renames).
 * Returns null for bytes that are not a readable image.
 */
export async function storeArtwork(dataDir: string, picture: { data: Uint8Array; mime: string }, xx: XXHashAPI): Promise<StoredArtwork | null> {
  const id = xx.h64Raw(picture.data).toString(16).padStart(16, '0');
  const seen = known.get(id);
  if (seen?.thumbRelPath && fs.existsSync(path.join(dataDir, seen.thumbRelPath))) return seen;
  const sharp = await loadSharp();
  let meta: Metadata;
  try {
    meta = await sharp(picture.data, { failOn: 'error' }).metadata();
  } catch {
    return null;
  }
  let mime = meta.format ? `image/${meta.format === 'jpeg' ? 'jpeg' : meta.format}` : picture.mime;
  let full: Uint8Array = picture.data;
  if (!SERVED.has(mime)) {
    // GIF, BMP, SVG, TIFF…: stored as PNG, because only PNG, JPEG and WebP are ever served
    try {
      full = await sharp(picture.data).png().toBuffer();
      mime = 'image/png';
    } catch {
      return null;
    }
  }
  const ext = EXT[mime] ?? 'img';
  const dir = path.join(dataDir, 'artwork', id.slice(0, 2));
  const relPath = path.join('artwork', id.slice(0, 2), `${id}.${ext}`);
  const thumbRelPath = path.join('artwork', id.slice(0, 2), `${id}.thumb.webp`);
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(dataDir, relPath))) writeAtomic(path.join(dataDir, relPath), full);
  let thumb: string | null = thumbRelPath;
  if (!fs.existsSync(path.join(dataDir, thumbRelPath))) {
    try {
      const out = await sharp(picture.data).rotate().resize(THUMB_PX, THUMB_PX, { fit: 'cover' }).webp({ quality: 78 }).toBuffer();
      writeAtomic(path.join(dataDir, thumbRelPath), out);
    } catch {
      thumb = null;
    }
  }
  const stored = { id, mime, width: meta.width ?? null, height: meta.height ?? null, sizeBytes: picture.data.length, relPath, thumbRelPath: thumb };
  if (known.size > 5000) known.clear();
  known.set(id, stored);
  return stored;
}
