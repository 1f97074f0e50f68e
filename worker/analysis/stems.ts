import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { asc, eq, sql } from 'drizzle-orm';
import { stemSets, type AnalysisJob } from '@/drizzle/schema';
import type { AppContext } from '@/server/context';
import { writeTx } from '@/server/db/tx';
import { markStemsAnalysed, storeWaveforms } from '@/server/analysis/results';
import { Stems } from '@/server/analysis/schemas';

export interface StemSet {
  audioHash: string;
  format: string;
  files: Record<string, string>;
  sizeBytes: number;
}

/**
 * Separated stems, kept in the data folder under `stems/<hash>/` and bounded in bytes: when a new
 * set would go over the limit the least recently used sets go first, never one that is loaded on
 * a deck (protected).
 */
export class StemCache {
  readonly root: string;
  constructor(
    private readonly ctx: AppContext,
    private readonly maxBytes = ctx.env.stems.cacheMaxBytes,
  ) {
    this.root = path.join(ctx.env.dataDir, 'stems');
  }

  /** Absolute paths of a cached set (and marks it used), or undefined when not cached or incomplete. */
  get(hash: string): StemSet | undefined {
    const row = this.ctx.db.select().from(stemSets).where(eq(stemSets.audioHash, hash)).get();
    if (!row) return undefined;
    const files = Object.fromEntries(Object.entries(row.files).map(([k, rel]) => [k, path.join(this.ctx.env.dataDir, rel)]));
    if (Object.values(files).some((f) => !fs.existsSync(f))) {
      this.remove(hash); // a set with a file gone is no set
      return undefined;
    }
    this.ctx.db.update(stemSets).set({ lastAccessedAt: this.ctx.clock.now() }).where(eq(stemSets.audioHash, hash)).run();
    return { audioHash: hash, format: row.format, files, sizeBytes: row.sizeBytes };
  }

  protect(hash: string, on: boolean) {
    this.ctx.db.update(stemSets).set({ isProtected: on }).where(eq(stemSets.audioHash, hash)).run();
  }

  /** Takes ownership of files in a staging folder: moved into the cache, recorded, then the cache is trimmed. */
  put(hash: string, staged: Record<string, string>, format: string): StemSet {
    const dir = path.join(this.root, hash);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const files: Record<string, string> = {};
    let size = 0;
    for (const [stem, src] of Object.entries(staged)) {
      const dest = path.join(dir, `${stem}.${format}`);
      fs.renameSync(src, dest);
      size += fs.statSync(dest).size;
      files[stem] = path.relative(this.ctx.env.dataDir, dest);
    }
    const now = this.ctx.clock.now();
    const row = { format, files, sizeBytes: size, lastAccessedAt: now };
    this.ctx.db
      .insert(stemSets)
      .values({ audioHash: hash, ...row, createdAt: now })
      .onConflictDoUpdate({ target: stemSets.audioHash, set: row })
      .run();
    this.trim(hash);
    return this.get(hash)!;
  }

  remove(hash: string) {
    fs.rmSync(path.join(this.root, hash), { recursive: true, force: true });
    this.ctx.db.delete(stemSets).where(eq(stemSets.audioHash, hash)).run();
  }

  totalBytes() {
    return this.ctx.db.get<{ n: number }>(sql`SELECT coalesce(sum(size_bytes), 0) AS n FROM stem_sets`).n;
  }

  /** Evicts least recently used, unprotected sets (never `keep`) until the cache fits. */
  trim(keep?: string) {
    let total = this.totalBytes();
    if (total <= this.maxBytes) return;
    const candidates = this.ctx.db.select().from(stemSets).where(eq(stemSets.isProtected, false)).orderBy(asc(stemSets.lastAccessedAt)).all();
    for (const c of candidates) {
      if (total <= this.maxBytes) break;
      if (c.audioHash === keep) continue;
      this.remove(c.audioHash);
      total -= c.sizeBytes;
    }
  }

  /** For tests and the UI: whether a hash has a complete set, without touching its LRU time. */
  has(hash: string) {
    return Boolean(this.ctx.db.select({ h: stemSets.audioHash }).from(stemSets).where(eq(stemSets.audioHash, hash)).get());
  }
}

async function download(url: string, dest: string, timeoutMs: number) {
  // a redirect could lead anywhere (another port, another host): refused, not followed
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  if (res.status >= 300 && res.status < 400) throw new Error(`downloading ${url}: refusing to follow a redirect`);
  if (!res.ok || !res.body) throw new Error(`downloading ${url}: HTTP ${res.status}`);
  await pipeline(Readable.fromWeb(res.body as never), fs.createWriteStream(dest));
}

const STEM_EXTENSIONS = new Set(['.wav', '.flac', '.mp3', '.ogg', '.opus', '.m4a', '.aac', '.aiff', '.aif']);

const isLoopbackUrl = (u: string) => {
  const h = new URL(u).hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || h.startsWith('127.');
};

/** Where a local server may hand stems over: ANALYSIS_STEMS_PATHS, else the temp folder and the server's app folder (real paths). */
function stemPathPrefixes(ctx: AppContext): string[] {
  const configured = ctx.env.stems.pathPrefixes.length ? ctx.env.stems.pathPrefixes : [os.tmpdir(), ...(ctx.env.analysis.appDir ? [ctx.env.analysis.appDir] : [])];
  return configured.flatMap((p) => {
    try {
      return [fs.realpathSync(p)];
    } catch {
      return [];
    }
  });
}

/**
 * A stem file a local server named, checked: an absolute path whose real path (links resolved) is
 * a regular audio file under an allowed folder, in a folder named for this job's hash — never the
 * session secret, the database or /etc/passwd.
 */
function checkedStemPath(p: string, hash: string, prefixes: string[]): string {
  if (!path.isAbsolute(p)) throw new Error('a stem path is not absolute');
  let real: string;
  try {
    real = fs.realpathSync(p);
  } catch {
    throw new Error(`a stem file is not there: ${p}`);
  }
  if (!prefixes.some((pre) => real.startsWith(pre + path.sep))) throw new Error(`refusing a stem outside the allowed folders: ${p}`);
  if (!real.split(path.sep).includes(hash)) throw new Error(`refusing a stem that is not in this job's folder: ${p}`);
  if (!STEM_EXTENSIONS.has(path.extname(real).toLowerCase())) throw new Error(`refusing a stem that is not an audio file: ${p}`);
  if (!fs.lstatSync(real).isFile()) throw new Error(`a stem is not a regular file: ${p}`);
  return real;
}

/**
 * Brings a stems delivery onto local disk and into the cache (B §2.4.3): `path` — copied from the
 * server's folder; base64 — decoded; URLs — downloaded, only from the host of the server that ran
 * the job, all or nothing. Stem waveforms are stored beside the main ones, never replacing them.
 */
export async function acceptStems(ctx: AppContext, cache: StemCache, job: AnalysisJob, raw: unknown, opts: { downloadTimeoutMs?: number } = {}): Promise<StemSet> {
  if (!job.stagesDispatched.includes('stems')) throw new Error('stems arrived for a job that did not ask for them');
  const d = Stems.parse(raw);
  const hash = job.audioHash;
  fs.mkdirSync(path.dirname(cache.root), { recursive: true });
  const staging = fs.mkdtempSync(path.join(cache.root + '-staging-'));
  try {
    const entries = Object.entries(d.stems);
    const first = entries[0]![1];
    const byUrl = d.delivery_mode === 'callback' && /^https?:\/\//i.test(first);
    const format = d.format ?? (d.delivery_mode === 'path' ? path.extname(first).slice(1) || 'wav' : byUrl ? 'flac' : 'wav');
    const staged: Record<string, string> = {};
    if (d.delivery_mode === 'path') {
      const prefixes = stemPathPrefixes(ctx);
      if (!job.serverUrl || !isLoopbackUrl(job.serverUrl)) throw new Error('stems by path are only taken from an analysis server on this machine');
      for (const [stem, p] of entries) {
        const real = checkedStemPath(p, hash, prefixes);
        staged[stem] = path.join(staging, `${stem}.${format}`);
        await fs.promises.copyFile(real, staged[stem], fs.constants.COPYFILE_EXCL);
      }
    } else if (byUrl) {
      // scheme, host and port of the server that ran the job: another port on the same host is another service
      const allowed = job.serverUrl ? new URL(job.serverUrl).origin : undefined;
      for (const [stem, u] of entries) {
        const origin = new URL(u).origin;
        if (!allowed || origin !== allowed) throw new Error(`stem ${stem}: refusing to download from ${origin} (only ${allowed ?? 'the analysis server'} is trusted)`);
      }
      await Promise.all(
        entries.map(async ([stem, u]) => {
          staged[stem] = path.join(staging, `${stem}.${format}`);
          await download(u, staged[stem], opts.downloadTimeoutMs ?? 60_000);
        }),
      );
    } else {
      for (const [stem, b64] of entries) {
        staged[stem] = path.join(staging, `${stem}.${format}`);
        const bytes = Buffer.from(b64, 'base64');
        if (bytes.length === 0) throw new Error(`stem ${stem}: empty`);
        await fs.promises.writeFile(staged[stem], bytes);
      }
    }
    const set = cache.put(hash, staged, format);
    writeTx(ctx.db, (tx) => {
      storeWaveforms(tx, hash, 'stems', d.waveforms, ctx.clock.now());
      markStemsAnalysed(tx, hash, ctx.clock.now());
    });
    return set;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
