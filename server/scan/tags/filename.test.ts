import { describe, expect, it } from 'vitest';
import { guessFromPath } from './filename';

describe('guessFromPath', () => {
  it('reads artist, title and track number from the usual file names', () => {
    expect(guessFromPath('_Unsorted/07 - Kenji Tanaka - Neon Pulse.mp3')).toMatchObject({ trackNumber: 7, artist: 'Kenji Tanaka', title: 'Neon Pulse' });
    expect(guessFromPath('x/Priya_Haddad_-_Velvet_Drift.flac')).toMatchObject({ trackNumber: null, artist: 'Priya Haddad', title: 'Velvet Drift' });
    expect(guessFromPath('x/03. Intro.wav')).toMatchObject({ trackNumber: 3, artist: null, title: 'Intro' });
    expect(guessFromPath('Untitled Sketch.wav')).toMatchObject({ artist: null, title: 'Untitled Sketch', album: null });
    expect(guessFromPath('a/2019.wav')).toMatchObject({ title: '2019', trackNumber: null });
  });

  it('takes the album (and year) from the folder', () => {
    expect(guessFromPath('Artist/2019 - Great Album/01 - Song.mp3')).toMatchObject({ album: 'Great Album', year: 2019 });
    expect(guessFromPath('Artist/Great Album (2004)/Song.mp3')).toMatchObject({ album: 'Great Album', year: 2004 });
    expect(guessFromPath('Artist/Loose/Song.mp3')).toMatchObject({ album: 'Loose', year: null });
  });
});
