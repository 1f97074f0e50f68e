import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xxhash, { type XXHashAPI } from 'xxhash-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode, FORMATS, makeCover, writeTags, type FormatId } from '../../testing/library/encode';
import { synthesize } from '../../testing/library/synth';
import { wavBytes } from '../../testing/library/wav';
import { hashAudioFile } from '.';
import { mpegFrameLength } from './mpeg';

let xx: XXHashAPI;
let dir: string;
let cover: string;
beforeAll(async () => {
  xx = await xxhash();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mismo-hash-'));
  cover = path.join(dir, 'cover.jpg');
  await makeCover(cover, 400);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const TAGS = { title: 'Original Title', artist: 'Original Artist', album: 'Album', genre: 'House', date: '2020', bpm: 124, key: 'Am', comment: 'first', tracknumber: 3 };
const hashOf = (p: string) => hashAudioFile(p, xx);
const copy = (src: string, name: string) => {
  const p = path.join(dir, name);
  fs.copyFileSync(src, p);
  return p;
};

/** Flips one byte inside the audio payload (for Ogg: inside a page body, not a page header). */
function flipAudioByte(file: string) {
  const b = fs.readFileSync(file);
  let at = Math.floor(b.length * 0.55);
  if (b.toString('latin1', 0, 4) === 'OggS') {
    let pos = 0;
    const pages: [number, number][] = [];
    while (pos + 27 < b.length && b.toString('latin1', pos, pos + 4) === 'OggS') {
      const n = b[pos + 26]!;
      let len = 0;
      for (let i = 0; i < n; i++) len += b[pos + 27 + i]!;
      pages.push([pos + 27 + n, len]);
      pos += 27 + n + len;
    }
    const [start, len] = pages[Math.floor(pages.length * 0.6)]!;
    at = start + Math.floor(len / 2);
  }
  b[at] = b[at]! ^ 0x5a;
  fs.writeFileSync(file, b);
}

describe('audio hash', () => {
  it('renders XXH64 seed 0 as 16 zero-padded lower-case hex digits', () => {
    const render = (s: string) => {
      const h = xx.create64();
      h.update(Buffer.from(s));
      return h.digest().toString(16).padStart(16, '0');
    };
    expect(render('')).toBe('ef46db3751d8e999');
    expect(render('abc')).toBe('44bc2cf5ad770999');
    expect(render('mismo-2')).toBe('0e98359742ba8026');
  });

  it('hashes exactly the PCM data of a WAV file, however its chunks are tagged', () => {
    const pcm = synthesize({ seconds: 1, bpm: 120, tonic: 0, mode: 'major', seed: 1 });
    const file = path.join(dir, 'plain.wav');
    const wav = wavBytes(pcm);
    fs.writeFileSync(file, wav);
    const data = wav.subarray(44);
    const h = xx.create64();
    h.update(data);
    expect(hashOf(file)).toMatchObject({ audioHash: h.digest().toString(16).padStart(16, '0'), method: 'riff-data', payloadBytes: data.length, problems: [] });
  });

  for (const format of Object.keys(FORMATS) as FormatId[]) {
    it(`${format}: re-tagging, re-ordering tags, padding and cover art keep the hash; one audio byte changes it`, async () => {
      const base = path.join(dir, `${format}.${FORMATS[format]}`);
      await encode(format, synthesize({ seconds: 3, bpm: 126, tonic: 9, mode: 'minor', seed: 7 }), path.join(dir, `${format}-src.wav`), base);
      await writeTags([{ path: base, tags: TAGS, id3: 'v23' }]);
      const original = hashOf(base);
      expect(original.problems).toEqual([]);
      expect(original.audioHash).toMatch(/^[0-9a-f]{16}$/);
      expect(original.method).not.toBe('whole-file');

      const retagged = copy(base, `retag.${FORMATS[format]}`);
      const reordered = copy(base, `reorder.${FORMATS[format]}`);
      const withCover = copy(base, `cover.${FORMATS[format]}`);
      const stripped = copy(base, `strip.${FORMATS[format]}`);
      const padded = copy(base, `pad.${FORMATS[format]}`);
      await writeTags([
        {
          path: retagged,
          tags: { title: 'A Much Longer Different Title ★ Ünïcode', artist: 'Someone Else', bpm: 999, comment: 'x'.repeat(5000), label: 'Label' },
          id3: 'v24',
          id3v1: true,
        },
        { path: reordered, tags: Object.fromEntries(Object.entries(TAGS).reverse()), id3: 'v24' },
        { path: withCover, tags: TAGS, cover, id3: 'v23' },
        { path: stripped, strip: true },
        { path: padded, tags: TAGS, id3: 'v23', padding: 20_000 },
      ]);
      const removedCover = copy(withCover, `uncover.${FORMATS[format]}`);
      await writeTags([{ path: removedCover, tags: TAGS, id3: 'v23' }]);

      // the variants really are different files
      for (const f of [retagged, withCover, stripped]) expect(fs.readFileSync(f).equals(fs.readFileSync(base)), path.basename(f)).toBe(false);
      for (const f of [retagged, reordered, withCover, stripped, padded, removedCover]) {
        const h = hashOf(f);
        expect(h.audioHash, path.basename(f)).toBe(original.audioHash);
        expect(h.problems, path.basename(f)).toEqual([]);
      }

      const damaged = copy(base, `damaged.${FORMATS[format]}`);
      flipAudioByte(damaged);
      expect(hashOf(damaged).audioHash).not.toBe(original.audioHash);
    }, 60_000);
  }

  it('mp3: APEv2, Lyrics3 and an ID3v2.4 tag with a footer are all left out', async () => {
    const base = path.join(dir, 'extra.mp3');
    await encode('mp3-cbr128', synthesize({ seconds: 2, bpm: 128, tonic: 2, mode: 'major', seed: 3 }), path.join(dir, 'extra.wav'), base);
    const audio = fs.readFileSync(base);
    const original = hashOf(base).audioHash;
    // ID3v2.4 with footer flag: header(10) + one TIT2 frame + footer "3DI"
    const frame = Buffer.concat([Buffer.from('TIT2'), Buffer.from([0, 0, 0, 6, 0, 0, 3]), Buffer.from('Hello')]);
    const size = frame.length;
    const syncsafe = Buffer.from([(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f]);
    const id3 = Buffer.concat([Buffer.from('ID3'), Buffer.from([4, 0, 0x10]), syncsafe, frame, Buffer.from('3DI'), Buffer.from([4, 0, 0x10]), syncsafe]);
    // APEv2 with header and footer
    const item = Buffer.concat([Buffer.from([5, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('Title\0'), Buffer.from('Hello')]);
    const apeHeader = (isHeader: boolean) => {
      const b = Buffer.alloc(32);
      b.write('APETAGEX', 0, 'latin1');
      b.writeUInt32LE(2000, 8);
      b.writeUInt32LE(item.length + 32, 12);
      b.writeUInt32LE(1, 16);
      b.writeUInt32LE((0x80000000 | (isHeader ? 0x20000000 : 0)) >>> 0, 20);
      return b;
    };
    const ape = Buffer.concat([apeHeader(true), item, apeHeader(false)]);
    const lyrics = Buffer.from('LYRICSBEGININD00003110LYR00005hello');
    const lyricsTag = Buffer.concat([lyrics, Buffer.from(String(lyrics.length).padStart(6, '0') + 'LYRICS200')]);
    const v1 = Buffer.alloc(128);
    v1.write('TAGTitle', 0, 'latin1');
    const variant = path.join(dir, 'extra-tags.mp3');
    fs.writeFileSync(variant, Buffer.concat([id3, audio, ape, lyricsTag, v1]));
    expect(hashOf(variant)).toMatchObject({ audioHash: original, problems: [] });
  });

  it('detects the container from the bytes, not the extension', async () => {
    const flac = path.join(dir, 'probe.flac');
    await encode('flac', synthesize({ seconds: 1, bpm: 120, tonic: 0, mode: 'major', seed: 4 }), path.join(dir, 'probe.wav'), flac);
    const misnamed = copy(flac, 'really-flac.mp3');
    expect(hashOf(misnamed)).toMatchObject({ container: 'flac', audioHash: hashOf(flac).audioHash, problems: [] });
  });

  it('reports truncated, damaged, empty and unrecognised files instead of failing', async () => {
    const mp3 = path.join(dir, 'whole.mp3');
    await encode('mp3-cbr320', synthesize({ seconds: 4, bpm: 120, tonic: 5, mode: 'minor', seed: 9 }), path.join(dir, 'whole.wav'), mp3);
    const b = fs.readFileSync(mp3);
    const cut = path.join(dir, 'cut.mp3');
    fs.writeFileSync(cut, b.subarray(0, Math.floor(b.length * 0.6) + 17));
    expect(hashOf(cut).problems).toEqual(['truncated: the last audio frame is cut off']);
    // cut exactly between two frames: only the encoder's declared frame count tells
    let p = 0;
    while (b.toString('latin1', 0, 3) === 'ID3' && p === 0) p = 10 + ((b[6]! << 21) | (b[7]! << 14) | (b[8]! << 7) | b[9]!);
    const boundaries: number[] = [];
    for (let l = mpegFrameLength(b, p); l !== null && p + l <= b.length; l = mpegFrameLength(b, p)) boundaries.push((p += l));
    const atBoundary = path.join(dir, 'boundary.mp3');
    fs.writeFileSync(atBoundary, b.subarray(0, boundaries[Math.floor(boundaries.length / 2)]));
    expect(hashOf(atBoundary).problems[0]).toMatch(/^truncated: \d+ of the \d+ audio frames the encoder wrote$/);
    const zeroed = Buffer.from(b);
    zeroed.fill(0, 40_000, 60_000);
    fs.writeFileSync(path.join(dir, 'zeroed.mp3'), zeroed);
    expect(hashOf(path.join(dir, 'zeroed.mp3')).problems[0]).toMatch(/^corrupt: \d+ bytes of damaged audio/);
    fs.writeFileSync(path.join(dir, 'empty.mp3'), '');
    expect(hashOf(path.join(dir, 'empty.mp3')).problems).toEqual(['empty: the file has no content']);
    fs.writeFileSync(path.join(dir, 'text.mp3'), 'not audio at all');
    expect(hashOf(path.join(dir, 'text.mp3'))).toMatchObject({ method: 'whole-file', container: 'unknown' });
  });
});
