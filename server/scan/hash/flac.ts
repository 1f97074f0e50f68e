import { ascii, type FileWindow } from './reader';

export interface FlacLayout {
  audioStart: number;
  totalSamples: number;
  minBlock: number;
  maxBlock: number;
  problem?: string;
}

/** Walks the metadata blocks after "fLaC" at `start`; audio frames begin after the last one. */
export function flacLayout(w: FileWindow, start: number): FlacLayout {
  let pos = start + 4;
  const out: FlacLayout = { audioStart: pos, totalSamples: 0, minBlock: 0, maxBlock: 0 };
  for (let i = 0; ; i++) {
    const h = w.at(pos, 4);
    if (h.length < 4) return { ...out, audioStart: w.size, problem: 'truncated: file ends inside the FLAC metadata' };
    const last = (h[0]! & 0x80) !== 0;
    const type = h[0]! & 0x7f;
    const len = (h[1]! << 16) | (h[2]! << 8) | h[3]!;
    if (i === 0) {
      if (type !== 0 || len !== 34) return { ...out, problem: 'corrupt: FLAC stream info block is missing' };
      const s = w.at(pos + 4, 34);
      if (s.length < 34) return { ...out, audioStart: w.size, problem: 'truncated: file ends inside the FLAC metadata' };
      out.minBlock = s.readUInt16BE(0);
      out.maxBlock = s.readUInt16BE(2);
      out.totalSamples = (s[13]! & 0x0f) * 2 ** 32 + s.readUInt32BE(14);
    } else if (type === 127) return { ...out, problem: 'corrupt: invalid FLAC metadata block' };
    pos += 4 + len;
    if (pos > w.size) return { ...out, audioStart: w.size, problem: 'truncated: file ends inside the FLAC metadata' };
    if (last) break;
    if (i > 10_000) return { ...out, problem: 'corrupt: endless FLAC metadata' };
  }
  out.audioStart = pos;
  const f = w.at(pos, 2);
  if (f.length < 2 || f[0] !== 0xff || (f[1]! & 0xfe) !== 0xf8) out.problem = 'corrupt: no FLAC audio frame after the metadata';
  return out;
}

const CRC8 = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
    t[i] = c;
  }
  return t;
})();

/** Parses a FLAC frame header at b[o]: the first sample it carries and how many. */
function frameAt(b: Buffer, o: number, layout: FlacLayout): { first: number; count: number } | null {
  if (o + 6 > b.length || b[o] !== 0xff || (b[o + 1]! & 0xfe) !== 0xf8) return null;
  const variable = (b[o + 1]! & 1) === 1;
  const bsCode = b[o + 2]! >> 4;
  const srCode = b[o + 2]! & 0x0f;
  if (bsCode === 0 || srCode === 15 || (b[o + 3]! & 1) !== 0 || b[o + 3]! >> 4 > 10) return null;
  // UTF-8-style coded frame or sample number: the lead byte says how many continuation bytes follow
  let p = o + 4;
  const lead = b[p]!;
  const extra = lead < 0x80 ? 0 : lead >= 0xfe ? (lead === 0xfe ? 6 : -1) : lead >= 0xfc ? 5 : lead >= 0xf8 ? 4 : lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : -1;
  if (extra < 0) return null;
  let value = extra === 0 ? lead : lead & (0x3f >> extra);
  p++;
  for (let i = 0; i < extra; i++, p++) {
    if (p >= b.length || (b[p]! & 0xc0) !== 0x80) return null;
    value = value * 64 + (b[p]! & 0x3f);
  }
  let count: number;
  if (bsCode === 1) count = 192;
  else if (bsCode <= 5) count = 576 * 2 ** (bsCode - 2);
  else if (bsCode === 6) count = b[p++]! + 1;
  else if (bsCode === 7) {
    count = ((b[p]! << 8) | b[p + 1]!) + 1;
    p += 2;
  } else count = 256 * 2 ** (bsCode - 8);
  if (srCode === 12) p += 1;
  else if (srCode === 13 || srCode === 14) p += 2;
  if (p >= b.length) return null;
  let crc = 0;
  for (let i = o; i < p; i++) crc = CRC8[crc ^ b[i]!]!;
  if (crc !== b[p]) return null;
  return { first: variable ? value : value * (layout.maxBlock || count), count };
}

/**
 * A FLAC file cut short lacks its last frames: find the last valid frame header near the end and
 * check that it reaches the total sample count announced in the stream info.
 */
export function flacLooksTruncated(w: FileWindow, layout: FlacLayout, end: number): boolean {
  if (!layout.totalSamples || end <= layout.audioStart) return false;
  const from = Math.max(layout.audioStart, end - 262_144);
  const tail = Buffer.from(w.at(from, end - from));
  for (let o = tail.length - 6; o >= 0; o--) {
    if (tail[o] !== 0xff) continue;
    const f = frameAt(tail, o, layout);
    if (f) return f.first + f.count < layout.totalSamples;
  }
  return true;
}

export const isFlac = (b: Buffer) => ascii(b, 0, 4) === 'fLaC';
