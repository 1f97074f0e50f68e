import { ascii, type FileWindow } from './reader';

interface StreamState {
  headers: number;
  packet: number;
  eos: boolean;
  rate: number;
  preSkip: number;
  lastGranule: number;
}

/** How many header packets a logical stream starts with, from its first packet. */
function headerPackets(first: Buffer): number {
  if (ascii(first, 1, 7) === 'vorbis') return 3;
  if (ascii(first, 0, 8) === 'OpusHead') return 2;
  if (first[0] === 0x7f && ascii(first, 1, 5) === 'FLAC') return 1 + (first.length >= 9 ? first.readUInt16BE(7) : 0);
  if (ascii(first, 0, 8) === 'Speex   ') return 2 + (first.length >= 72 ? first.readUInt32LE(68) : 0);
  return 1;
}

export interface OggResult {
  problem?: string;
  payloadBytes: number;
  /** From the last granule position of the first audio stream. */
  durationSec?: number;
  /** Where the first page carrying audio ends: every header and tag byte lies before it. */
  firstAudioPage?: number;
}

/**
 * Hashes the audio packets of every logical stream, page by page, leaving out page headers (their
 * sequence numbers and CRCs shift when the comment header grows) and the header packets (where
 * the tags live). Calls `update` with each page's audio bytes.
 */
export function hashOgg(w: FileWindow, start: number, end: number, update: (b: Buffer) => void, signal?: AbortSignal): OggResult {
  const streams = new Map<number, StreamState>();
  let pos = start;
  let payloadBytes = 0;
  let problem: string | undefined;
  let pages = 0;
  let firstAudioPage: number | undefined;
  while (pos < end) {
    if ((++pages & 0x3ff) === 0 && signal?.aborted) throw new Error('aborted');
    const h = w.at(pos, 27 + 255);
    if (h.length < 27 || ascii(h, 0, 4) !== 'OggS') {
      if (end - pos < 27 && h.length > 0 && ascii(h, 0, Math.min(4, h.length)) !== 'OggS'.slice(0, Math.min(4, h.length)))
        return { payloadBytes, problem: 'corrupt: stray bytes at the end of the Ogg stream' };
      if (h.length < 27) return { payloadBytes, problem: 'truncated: file ends inside an Ogg page header' };
      // lost the page structure: find the next page
      problem ??= `corrupt: damaged Ogg data at byte ${pos}`;
      const from = pos + 1;
      const look = ascii(w.at(from, 65_536));
      const next = look.indexOf('OggS');
      if (next < 0) return { payloadBytes, problem };
      pos = from + next;
      continue;
    }
    const flags = h[5]!;
    const serial = h.readUInt32LE(14);
    const nseg = h[26]!;
    if (h.length < 27 + nseg) return { payloadBytes, problem: 'truncated: file ends inside an Ogg page header' };
    const lacing = h.subarray(27, 27 + nseg);
    let bodyLen = 0;
    for (const l of lacing) bodyLen += l;
    const lacingCopy = Buffer.from(lacing);
    const bodyStart = pos + 27 + nseg;
    if (bodyStart + bodyLen > end) return { payloadBytes, problem: 'truncated: file ends inside an Ogg page' };
    let st = streams.get(serial);
    const body = w.at(bodyStart, bodyLen);
    if (!st) {
      // first page of a stream: its first packet says how many header packets follow
      let firstLen = 0;
      for (const l of lacingCopy) {
        firstLen += l;
        if (l < 255) break;
      }
      const first = body.subarray(0, firstLen);
      const opus = ascii(first, 0, 8) === 'OpusHead';
      const vorbis = ascii(first, 1, 7) === 'vorbis';
      st = {
        headers: headerPackets(first),
        packet: 0,
        eos: false,
        rate: opus ? 48000 : vorbis && first.length >= 16 ? first.readUInt32LE(12) : first[0] === 0x7f && first.length >= 30 ? (first.readUInt32BE(27) >>> 12) & 0xfffff : 0,
        preSkip: opus && first.length >= 12 ? first.readUInt16LE(10) : 0,
        lastGranule: 0,
      };
      streams.set(serial, st);
    }
    // bytes of this page that belong to audio packets
    let off = 0;
    let audioFrom = -1;
    for (const l of lacingCopy) {
      if (audioFrom < 0 && st.packet >= st.headers) audioFrom = off;
      off += l;
      if (l < 255) st.packet++;
    }
    if (audioFrom >= 0 && audioFrom < bodyLen) {
      firstAudioPage ??= bodyStart + bodyLen; // the end of the first audio page: every header byte is before it
      update(body.subarray(audioFrom, bodyLen));
      payloadBytes += bodyLen - audioFrom;
    }
    if (flags & 0x04) st.eos = true;
    const granule = Number(h.length >= 14 ? w.at(pos + 6, 8).readBigInt64LE(0) : -1n);
    if (granule > 0) st.lastGranule = granule;
    pos = bodyStart + bodyLen;
  }
  if (!problem && [...streams.values()].some((s) => !s.eos)) problem = 'truncated: the Ogg stream has no end-of-stream page';
  const audio = [...streams.values()].find((s) => s.rate > 0);
  const durationSec = audio ? Math.max(0, audio.lastGranule - audio.preSkip) / audio.rate : undefined;
  return { payloadBytes, problem, durationSec, firstAudioPage };
}

export const isOgg = (b: Buffer) => ascii(b, 0, 4) === 'OggS';
