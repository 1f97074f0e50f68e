import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { writeTx } from '../db/tx';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { dbFingerprint } from '../testing/db-fingerprint';
import { insertFolder, insertTrack, seedTracks } from '../testing/seed-tracks';
import { removeTracksTx } from '../tracks/remove-tracks-tx';
import { MAX_IMPORT_ENTRIES, exportPlaylist, importPlaylist, normaliseTag, parseM3u, type ImportOptions } from './exchange';
import { addTracks, createPlaylist, updateEntry } from './playlists';

let t: TestContext;
afterEach(() => t.cleanup());

/** Two library folders; tracks with tags, some in sub-folders, one with a name that needs care. */
function library() {
  t = createTestContext();
  insertFolder(t.db, 'd1', '/music');
  insertFolder(t.db, 'd2', '/media/usb/DJ');
  const ids = [
    insertTrack(t.db, { relPath: 'House/Kerri Chandler - Rain.mp3', artist: 'Kerri Chandler', title: 'Rain', durationMs: 412_300, audioHash: 'h1' }),
    insertTrack(t.db, { relPath: 'Techno/Ø - Étude #1.flac', artist: 'Ø', title: 'Étude #1', durationMs: 301_000, audioHash: 'h2' }),
    insertTrack(t.db, { directoryId: 'd2', relPath: 'Disco/Chic - Good Times.mp3', artist: 'Chic', title: 'Good Times', durationMs: 488_900, audioHash: 'h3' }),
    insertTrack(t.db, { relPath: 'House/Untitled.wav', title: null, artist: null, durationMs: null, audioHash: 'h4' }),
  ];
  const p = writeTx(t.db, (tx) => {
    const p = createPlaylist(tx, { name: 'Friday / late', type: 'static' }, 1);
    addTracks(tx, p.id, ids, 1);
    return p;
  });
  return { ids, p };
}

const order = (playlistId: string) =>
  t.db
    .all<{ trackId: string | null; placeholder: string | null }>(
      sql`SELECT track_id AS trackId, placeholder FROM playlist_tracks WHERE playlist_id = ${playlistId} ORDER BY position`,
    )
    .map((r) => r.trackId ?? (JSON.parse(r.placeholder!) as { title: string }).title);

const importIt = (opts: ImportOptions) => importPlaylist(t.db, opts, 2);

describe('playlist export', () => {
  it('writes M3U8 with #EXTINF and absolute paths', () => {
    const { p } = library();
    const file = exportPlaylist(t.db, p.id, { format: 'm3u8' });
    expect(file.fileName).toBe('Friday _ late.m3u8');
    expect(file.content).toBe(
      [
        '#EXTM3U',
        '#PLAYLIST:Friday / late',
        '#EXTINF:412,Kerri Chandler - Rain',
        '/music/House/Kerri Chandler - Rain.mp3',
        '#EXTINF:301,Ø - Étude #1',
        '/music/Techno/Ø - Étude #1.flac',
        '#EXTINF:489,Chic - Good Times',
        '/media/usb/DJ/Disco/Chic - Good Times.mp3',
        '#EXTINF:-1,Untitled.wav',
        '/music/House/Untitled.wav',
        '',
      ].join('\n'),
    );
  });

  it('writes relative paths from the folder that holds them all, or from a chosen one', () => {
    const { p } = library();
    const common = exportPlaylist(t.db, p.id, { format: 'm3u8', paths: 'relative' });
    expect(common.base).toBe('/');
    expect(common.content).toContain('\nmusic/House/Kerri Chandler - Rain.mp3\n');
    const chosen = exportPlaylist(t.db, p.id, { format: 'm3u8', paths: 'relative', relativeTo: '/music/House' });
    expect(chosen.content.split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      'Kerri Chandler - Rain.mp3',
      '../Techno/Ø - Étude #1.flac',
      '../../media/usb/DJ/Disco/Chic - Good Times.mp3',
      'Untitled.wav',
      '',
    ]);
  });
});

describe('playlist import', () => {
  it('round-trips an M3U8 export, absolute or relative, to the same tracks in the same order', async () => {
    const { ids, p } = library();
    for (const opts of [{ paths: 'absolute' }, { paths: 'relative', relativeTo: '/music/House' }] as const) {
      const file = exportPlaylist(t.db, p.id, { format: 'm3u8', ...opts });
      const r = await importIt({ fileName: file.fileName, content: file.content, baseDir: opts.paths === 'relative' ? opts.relativeTo : null });
      expect(r).toMatchObject({ total: 4, matched: { hash: 0, path: 4, tags: 0 }, unmatched: [] });
      expect(r.playlist.name).toBe('Friday / late');
      expect(order(r.playlist.id)).toEqual(ids);
    }
  });

  it('finds files moved to another drive or computer by their path tail, then by artist + title + duration, and reports the rest', async () => {
    const { ids } = library();
    const m3u = [
      '\uFEFF#EXTM3U',
      '#EXTINF:412,Kerri Chandler - Rain',
      'C:\\Users\\dj\\Music\\House\\Kerri Chandler - Rain.mp3', // a Windows playlist: the tail finds it
      '#EXTINF:489,CHIC - Good Times',
      'file:///Volumes/Other/nowhere.mp3', // not in the library by path; tags and duration do it
      '#EXTINF:300,o - Etude 1', // accents and punctuation do not matter, "Ø" is not "o" though
      '/elsewhere/x.flac',
      '#EXTINF:200,Kerri Chandler - Rain', // the right song but 3.5 minutes shorter: another edit
      'missing.mp3',
      '',
      'Untitled.wav', // relative, no base folder: the file name with the longest tail wins
    ].join('\r\n');
    const r = await importIt({ fileName: 'from-windows.m3u', content: m3u });
    expect(r.matched).toEqual({ hash: 0, path: 2, tags: 1 });
    expect(r.unmatched).toEqual([
      { line: 3, path: '/elsewhere/x.flac', artist: 'o', title: 'Etude 1' },
      { line: 4, path: 'missing.mp3', artist: 'Kerri Chandler', title: 'Rain' },
    ]);
    expect(r.playlist.name).toBe('from-windows');
    // unmatched lines stay in place as placeholders, ready to be relinked
    expect(order(r.playlist.id)).toEqual([ids[0], ids[2], 'Etude 1', 'Rain', ids[3]]);
    const dropped = await importIt({ fileName: 'again.m3u', content: m3u, keepUnmatched: false, name: 'Matched only' });
    expect(order(dropped.playlist.id)).toEqual([ids[0], ids[2], ids[3]]);
  });

  it('refuses an ambiguous file name rather than guessing', async () => {
    library();
    insertTrack(t.db, { directoryId: 'd2', relPath: 'Other/Untitled.wav' });
    const r = await importIt({ fileName: 'a.m3u8', content: '#EXTM3U\nUntitled.wav\n' });
    expect(r.unmatched).toHaveLength(1);
    expect((await importIt({ fileName: 'b.m3u8', content: '#EXTM3U\nHouse/Untitled.wav\n' })).unmatched).toHaveLength(0);
  });

  it('round-trips JSON with notes, cues, ratings and placeholders; a smart playlist comes back with its rules', async () => {
    const { ids, p } = library();
    const [first] = t.db.all<{ id: number }>(sql`SELECT id FROM playlist_tracks WHERE playlist_id = ${p.id} ORDER BY position`);
    writeTx(t.db, (tx) => updateEntry(tx, first!.id, { notes: 'opener', cueInSec: 32, cueOutSec: 380.5, ratingInContext: 5 }, 1));
    writeTx(t.db, (tx) => removeTracksTx(tx, [ids[1]!], 1)); // leaves a placeholder
    const file = exportPlaylist(t.db, p.id, { format: 'json' });
    const back = await importIt({ fileName: file.fileName, content: file.content, name: 'Copy' });
    expect(back.matched).toEqual({ hash: 3, path: 0, tags: 0 });
    expect(back.unmatched).toEqual([{ line: 2, path: '/music/Techno/Ø - Étude #1.flac', artist: 'Ø', title: 'Étude #1' }]);
    expect(order(back.playlist.id)).toEqual([ids[0], 'Étude #1', ids[2], ids[3]]);
    const entry = t.db.get<{ notes: string; cueIn: number; cueOut: number; rating: number }>(
      sql`SELECT notes, cue_in_sec AS cueIn, cue_out_sec AS cueOut, rating_in_context AS rating FROM playlist_tracks WHERE playlist_id = ${back.playlist.id} AND position = 0`,
    );
    expect(entry).toEqual({ notes: 'opener', cueIn: 32, cueOut: 380.5, rating: 5 });

    const smart = writeTx(t.db, (tx) =>
      createPlaylist(tx, { name: 'Disco', type: 'smart', smart: { rules: { field: 'artist', op: 'is', value: 'chic' }, sort: [], limit: null } }, 1),
    );
    const again = await importIt({ fileName: 'disco.json', content: exportPlaylist(t.db, smart.id, { format: 'json' }).content });
    expect(again.playlist).toMatchObject({ type: 'smart', name: 'Disco', smartRules: { field: 'artist', op: 'is', value: 'chic' } });
    expect(order(again.playlist.id)).toEqual([ids[2]]);
  });

  it('refuses broken or foreign files with a clear error and changes nothing', async () => {
    library();
    const before = dbFingerprint(t.db);
    await expect(importIt({ fileName: 'x.json', content: '{"format": "mismo.playlist", ' })).rejects.toThrow(/x.json is not valid JSON/);
    await expect(importIt({ fileName: 'y.json', content: '{"format":"other"}' })).rejects.toThrow(/not a Mismo playlist export/);
    await expect(
      importIt({
        fileName: 'z.json',
        content: JSON.stringify({
          format: 'mismo.playlist',
          version: 1,
          playlist: { name: 'Evil', type: 'smart', smart: { rules: { field: "title'; DROP TABLE tracks;--", op: 'is', value: 1 } } },
          entries: [],
        }),
      }),
    ).rejects.toThrow(/smart rules in z.json are not valid/);
    await expect(importIt({ fileName: 'song.mp3', content: '\u0000\u0001ID3garbage' })).rejects.toThrow(/song.mp3 is not an M3U\/M3U8 playlist/);
    await expect(importIt({ fileName: 'list.m3u', content: '#EXTM3U\nok.mp3\n\u0000' })).rejects.toThrow(/not an M3U/);
    expect(dbFingerprint(t.db)).toBe(before);
  });
});

describe('big imports', () => {
  it('reads the library and matches entries a page at a time, pausing between pages, with the same result', async () => {
    t = createTestContext();
    insertFolder(t.db, 'd1', '/music');
    const seeded = seedTracks(t.db, 6_000, { seed: 3, directoryId: 'd1', now: 1 });
    const lines = ['#EXTM3U'];
    for (let i = 0; i < 5_500; i++) {
      const s = seeded[(i * 7) % seeded.length]!;
      lines.push(`#EXTINF:${Math.round(s.durationMs! / 1000)},${s.artist} - ${s.title}`, i % 2 ? `/music/${s.relPath}` : `/gone/${i}.mp3`);
    }
    let pauses = 0;
    const r = await importPlaylist(t.db, { fileName: 'big.m3u8', content: lines.join('\n') }, 2, () => {
      pauses++;
      return Promise.resolve();
    });
    expect(pauses).toBeGreaterThanOrEqual(4); // library pages, entry pages, tag pages
    expect(r.total).toBe(5_500);
    expect(r.matched.path).toBe(2_750);
    expect(r.matched.path + r.matched.tags + r.unmatched.length).toBe(5_500);
    expect(t.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM playlist_tracks WHERE playlist_id = ${r.playlist.id}`).n).toBe(5_500);
  });

  it(`refuses more than ${MAX_IMPORT_ENTRIES.toLocaleString('en-US')} entries with a clear error, changing nothing`, async () => {
    t = createTestContext();
    const before = dbFingerprint(t.db);
    const lines = ['#EXTM3U', ...Array.from({ length: MAX_IMPORT_ENTRIES + 1 }, (_, i) => `/music/${i}.mp3`)];
    await expect(importPlaylist(t.db, { fileName: 'huge.m3u', content: lines.join('\n') }, 2)).rejects.toThrow(/20,001 entries; one import takes at most 20,000/);
    expect(dbFingerprint(t.db)).toBe(before);
  });
});

describe('M3U parsing', () => {
  it('reads #EXTINF lines with attributes, file:// URLs and lines without info', () => {
    expect(parseM3u('#EXTM3U\n#EXTINF:123 tvg-id="x",A - B - C\nfile:///music/a%20b.mp3\n/music/c.mp3\n')).toEqual({
      name: null,
      items: [
        { path: '/music/a b.mp3', artist: 'A', title: 'B - C', durationMs: 123_000 },
        { path: '/music/c.mp3', artist: null, title: null, durationMs: null },
      ],
    });
  });
  it('normalises tags for comparison', () => {
    expect(normaliseTag('  Beyoncé & JAY-Z  ')).toBe('beyonce and jay z');
    expect(normaliseTag(null)).toBe('');
  });
});
