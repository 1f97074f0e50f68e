import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { libraryDirectories, tracks } from '@/drizzle/schema';
import { fixtureSuite } from '../testing/fixture-suite';
import { trackAt } from '../scan/testing';
import { MAX_TRANSCODES, MAX_TRANSCODES_PER_CLIENT, audioResponse, parseRange, previewResponse, transcodesRunning } from './audio';
import { CLIENT_HEADER } from './gate';

const suite = fixtureSuite();

async function library(env: Record<string, string> = {}) {
  const { t, root, dir } = await suite.scanned({ env });
  const rt = { app: t.ctx, signingKey: Buffer.alloc(32, 7) };
  const probe = (format: string) => {
    const rel = suite.lib.truth.tracks.find((x) => x.path.startsWith('_Formats') && x.format === format)!.path;
    return { track: trackAt(t.ctx, rel)!, file: path.join(root, rel) };
  };
  return { t, rt, root, dir, probe };
}
const get = (id: string, headers: Record<string, string> = {}, method = 'GET') => new Request(`http://127.0.0.1/api/tracks/${id}/audio`, { method, headers });
const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());

describe('parseRange', () => {
  it.each([
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=100-', { start: 100, end: 999 }],
    ['bytes=-100', { start: 900, end: 999 }],
    ['bytes=500-5000', { start: 500, end: 999 }],
    ['bytes=1000-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=9-3', null],
    ['bytes=0-1,5-6', null],
    ['items=0-1', null],
    [null, null],
  ])('%s of 1000 bytes → %j', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });
});

describe('GET /api/tracks/:id/audio', () => {
  it('sends the file with its content type, and any byte range of it for seeking', async () => {
    const { rt, probe } = await library();
    for (const [format, type] of [
      ['mp3-cbr320', 'audio/mpeg'],
      ['flac', 'audio/flac'],
      ['ogg', 'audio/ogg'],
      ['m4a-aac', 'audio/mp4'],
      ['wav', 'audio/wav'],
      ['aiff', 'audio/aiff'],
    ] as const) {
      const { track, file } = probe(format);
      const whole = fs.readFileSync(file);
      const full = audioResponse(rt, get(track.id), track.id);
      expect([full.status, full.headers.get('content-type'), full.headers.get('accept-ranges')], format).toEqual([200, type, 'bytes']);
      expect((await bytes(full)).equals(whole)).toBe(true);

      const part = audioResponse(rt, get(track.id, { range: 'bytes=1000-1999' }), track.id);
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${whole.length}`);
      expect((await bytes(part)).equals(whole.subarray(1000, 2000))).toBe(true);

      const tail = audioResponse(rt, get(track.id, { range: 'bytes=-10' }), track.id);
      expect((await bytes(tail)).equals(whole.subarray(-10))).toBe(true);
    }
  });

  it('answers HEAD, stale If-Range, ranges past the end and downloads the way browsers expect', async () => {
    const { rt, probe } = await library();
    const { track, file } = probe('flac');
    const size = fs.statSync(file).size;
    const head = audioResponse(rt, get(track.id, {}, 'HEAD'), track.id);
    expect([head.status, head.headers.get('content-length'), head.body]).toEqual([200, String(size), null]);
    const etag = head.headers.get('etag')!;
    expect(audioResponse(rt, get(track.id, { range: 'bytes=0-9', 'if-range': etag }), track.id).status).toBe(206);
    expect(audioResponse(rt, get(track.id, { range: 'bytes=0-9', 'if-range': '"old"' }), track.id).status).toBe(200);
    expect(audioResponse(rt, get(track.id, { 'if-none-match': etag }), track.id).status).toBe(304);
    const past = audioResponse(rt, get(track.id, { range: `bytes=${size}-` }), track.id);
    expect([past.status, past.headers.get('content-range')]).toEqual([416, `bytes */${size}`]);
    const dl = audioResponse(rt, get(track.id), track.id, { download: true });
    expect(dl.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent(track.fileName)}`);
  });

  it('serves only library tracks, and says why it cannot', async () => {
    const { t, rt, probe, dir } = await library();
    const mp3 = probe('mp3-cbr320');
    const flac = probe('flac');
    const cases: [string, number, RegExp][] = [
      ['../../etc/passwd', 400, /Invalid track id/],
      ['3f0e8d8a-1c1b-4b7e-9b7e-1f2e3d4c5b6a', 404, /Track not found/],
    ];
    fs.rmSync(mp3.file);
    cases.push([mp3.track.id, 404, /missing/]);
    for (const [id, status, message] of cases) {
      const res = audioResponse(rt, get(id), id);
      expect(res.status, id).toBe(status);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    t.db.update(libraryDirectories).set({ isAvailable: false }).where(eq(libraryDirectories.id, dir.id)).run();
    const off = audioResponse(rt, get(flac.track.id), flac.track.id);
    expect(off.status).toBe(503);
    expect(((await off.json()) as { error: string }).error).toMatch(/not available/);
  });

  it('never serves a file outside its library folder: a link planted, swapped in, or left after a folder stopped following links', async () => {
    const { t, rt, probe, dir, root } = await library();
    const outside = path.join(t.tmp, 'secret.txt');
    fs.writeFileSync(outside, 'the host name and other secrets');
    const body = async (res: Response) => (res.body ? (await bytes(res)).toString('latin1') : '');
    // an indexed file replaced by a link to a file outside the folder
    const mp3 = probe('mp3-cbr320');
    fs.rmSync(mp3.file);
    fs.symlinkSync(outside, mp3.file);
    for (const respond of [audioResponse, previewResponse]) {
      const res = respond(rt, get(mp3.track.id), mp3.track.id);
      expect(res.status).toBe(403);
      expect(await body(res)).not.toContain('secrets');
    }
    // a track row that is marked missing is not served, even if a file turns up at its path
    const flac = probe('flac');
    t.db.update(tracks).set({ isMissing: true }).where(eq(tracks.id, flac.track.id)).run();
    expect(audioResponse(rt, get(flac.track.id), flac.track.id).status).toBe(404);
    // a link to another file inside the same folder is fine (links the folder follows)
    const ogg = probe('ogg');
    fs.rmSync(ogg.file);
    fs.symlinkSync(probe('wav').file, ogg.file);
    expect(audioResponse(rt, get(ogg.track.id), ogg.track.id).status).toBe(200);
    // a folder switched off is not served
    t.db.update(libraryDirectories).set({ isActive: false }).where(eq(libraryDirectories.id, dir.id)).run();
    expect(audioResponse(rt, get(probe('wav').track.id), probe('wav').track.id).status).toBe(404);
    expect(root).toBeTruthy();
  });

  it('refuses files of a system folder added before folders were checked', async () => {
    const { t, rt, probe, dir } = await library();
    const { track } = probe('wav');
    t.db.update(libraryDirectories).set({ path: '/etc' }).where(eq(libraryDirectories.id, dir.id)).run();
    t.db.update(tracks).set({ relPath: 'passwd' }).where(eq(tracks.id, track.id)).run();
    const res = audioResponse(rt, get(track.id), track.id);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/system folder/);
  });

  it('needs a session or token when a password is set', async () => {
    const { rt, probe } = await library({ MISMO_PASSWORD: 'correct horse' });
    const { track } = probe('mp3-cbr320');
    expect(audioResponse(rt, get(track.id), track.id).status).toBe(401);
    expect(previewResponse(rt, get(track.id), track.id).status).toBe(401);
  });
});

describe('GET /api/tracks/:id/preview', () => {
  it(`converts at most ${MAX_TRANSCODES_PER_CLIENT} previews per client and ${MAX_TRANSCODES} overall at once; the rest wait their turn (429)`, async () => {
    const { rt, probe } = await library();
    const { track } = probe('aiff');
    const from = (client: string) => new Request(`http://127.0.0.1/api/tracks/${track.id}/preview`, { headers: { [CLIENT_HEADER]: client } });
    const open: Response[] = [];
    const statuses = (client: string, n: number) =>
      Array.from({ length: n }, () => {
        const res = previewResponse(rt, from(client), track.id);
        if (res.status === 200) open.push(res);
        return res.status;
      });
    expect(statuses('10.0.0.1', 3)).toEqual([200, 200, 429]);
    expect(statuses('10.0.0.2', 3)).toEqual([200, 200, 429]);
    expect(statuses('10.0.0.3', 1)).toEqual([429]); // four running overall
    expect(transcodesRunning()).toBe(MAX_TRANSCODES);
    // reading them to the end frees the slots
    for (const res of open) await res.arrayBuffer();
    await vi.waitFor(() => expect(transcodesRunning()).toBe(0));
    expect(statuses('10.0.0.3', 1)).toEqual([200]);
    await open.at(-1)!.arrayBuffer();
  });

  it('passes formats the browser plays straight through', async () => {
    const { rt, probe } = await library();
    const { track, file } = probe('mp3-v0');
    const res = previewResponse(rt, get(track.id), track.id);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect((await bytes(res)).equals(fs.readFileSync(file))).toBe(true);
  });

  it('decodes AIFF, ALAC and WavPack to a seekable WAV whose ranges agree with the whole', async () => {
    const { rt, probe } = await library();
    for (const format of ['aiff', 'm4a-alac', 'wv'] as const) {
      const { track } = probe(format);
      const full = previewResponse(rt, get(track.id), track.id);
      expect(full.headers.get('content-type'), format).toBe('audio/wav');
      const body = await bytes(full);
      const frames = Math.round((track.durationMs! / 1000) * 44_100);
      expect(body.length).toBe(44 + frames * 4);
      expect(Number(full.headers.get('content-length'))).toBe(body.length);
      expect(body.subarray(0, 4).toString()).toBe('RIFF');
      expect(body.readUInt32LE(40)).toBe(frames * 4);
      // the music is there (not silence), and a seek into the middle returns the same bytes
      const second = body.subarray(44 + 44_100 * 4, 44 + 44_100 * 4 + 4000);
      expect(second.some((b) => b !== 0)).toBe(true);
      const start = 44 + 44_100 * 4 + 2; // deliberately not frame-aligned
      const part = previewResponse(rt, get(track.id, { range: `bytes=${start}-${start + 3999}` }), track.id);
      expect([part.status, part.headers.get('content-range')]).toEqual([206, `bytes ${start}-${start + 3999}/${body.length}`]);
      expect((await bytes(part)).equals(body.subarray(start, start + 4000)), format).toBe(true);
    }
  });
});
