import { ascii, type FileWindow } from './reader';

export interface Mp4Layout {
  mdat: [number, number][];
  problem?: string;
}

/** Top-level boxes of an MP4/M4A file: the audio lives in the `mdat` payloads; tags live in `moov`. */
export function mp4Layout(w: FileWindow): Mp4Layout {
  const mdat: [number, number][] = [];
  let pos = 0;
  let sawMoov = false;
  for (let i = 0; pos < w.size; i++) {
    const h = w.at(pos, 16);
    if (h.length < 8) return { mdat, problem: 'corrupt: trailing bytes after the last MP4 box' };
    let size = h.readUInt32BE(0);
    const type = ascii(h, 4, 8);
    let header = 8;
    if (size === 1) {
      if (h.length < 16) return { mdat, problem: 'truncated: file ends inside an MP4 box header' };
      size = Number(h.readBigUInt64BE(8));
      header = 16;
    } else if (size === 0) size = w.size - pos;
    if (size < header || !/^[\x20-\x7e©]{4}$/.test(type)) return { mdat, problem: `corrupt: invalid MP4 box at byte ${pos}` };
    if (type === 'moov') sawMoov = true;
    if (pos + size > w.size) {
      if (type === 'mdat') mdat.push([pos + header, w.size]);
      return { mdat, problem: `truncated: the ${type} box ends ${pos + size - w.size} bytes past the end of the file` };
    }
    if (type === 'mdat') mdat.push([pos + header, pos + size]);
    pos += size;
    if (i > 100_000) return { mdat, problem: 'corrupt: too many MP4 boxes' };
  }
  if (!sawMoov) return { mdat, problem: 'truncated: the MP4 index (moov) is missing' };
  return { mdat };
}

export const isMp4 = (b: Buffer) => b.length >= 8 && ascii(b, 4, 8) === 'ftyp';
