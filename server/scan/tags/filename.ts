import path from 'node:path';

export interface NameGuess {
  title: string;
  artist: string | null;
  trackNumber: number | null;
  album: string | null;
  year: number | null;
}

const DASH = /\s+[-–—]\s+/;

/**
 * Guesses what untagged files usually carry in their names: "01 - Artist - Title",
 * "Artist_-_Title", "03. Title", and the album (and year) from the folder: "2019 - Album".
 */
export function guessFromPath(relPath: string): NameGuess {
  const base = path.basename(relPath, path.extname(relPath)).normalize('NFC');
  let s = base.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
  let trackNumber: number | null = null;
  const num = /^(\d{1,3})(?:\s*[-.)\]]\s*|\s+)(?=\S)/.exec(s);
  if (num && !/^\d{1,3}\s*[-–—]?\s*$/.test(s)) {
    trackNumber = Number(num[1]);
    s = s.slice(num[0].length).trim();
  }
  let artist: string | null = null;
  let title = s;
  const parts = s.split(DASH).filter(Boolean);
  if (parts.length >= 2) {
    artist = parts[0]!.trim();
    title = parts.slice(1).join(' - ').trim();
  }
  const folder = path.basename(path.dirname(relPath)).normalize('NFC');
  let album: string | null = null;
  let year: number | null = null;
  if (folder && folder !== '.') {
    const y = /^((?:19|20)\d{2})\s*[-–—.]\s*(.+)$/.exec(folder) ?? /^(.+?)\s*[([]((?:19|20)\d{2})[)\]]$/.exec(folder);
    if (y) {
      const [a, b] = /^\d{4}$/.test(y[1]!) ? [y[2]!, y[1]!] : [y[1]!, y[2]!];
      album = a.replace(/_/g, ' ').trim();
      year = Number(b);
    } else album = folder.replace(/_/g, ' ').trim();
  }
  return { title: title || base, artist, trackNumber, album, year };
}
