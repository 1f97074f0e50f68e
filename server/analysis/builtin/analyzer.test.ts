import { describe, expect, it } from 'vitest';
import { synthesize } from '@/server/testing/library/synth';
import { RealFft, hann } from './fft';
import { analyze, gridError, midiHz, Signal, SR } from './testing';

/** Interleaved float stereo from the test-library synthesiser, rendered at the analysis rate. */
function synth(bpm: number, tonic: number, mode: 'major' | 'minor', seconds = 40, seed = 7) {
  const pcm = synthesize({ seconds, bpm, tonic, mode, seed, sampleRate: SR });
  return Float32Array.from(pcm, (v) => v / 32768);
}

describe('FFT', () => {
  it('matches a plain DFT (relative error < 1e-6)', () => {
    const n = 256;
    const fft = new RealFft(n);
    const x = Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + 0.5 * Math.cos(i * 1.9) + ((i * 7) % 5) / 10);
    const out = new Float32Array(n / 2 + 1);
    fft.powerSpectrum(x, 0, new Float32Array(n).fill(1), out);
    for (let k = 0; k <= n / 2; k++) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < n; i++) {
        re += x[i]! * Math.cos((2 * Math.PI * k * i) / n);
        im -= x[i]! * Math.sin((2 * Math.PI * k * i) / n);
      }
      expect(Math.abs(out[k]! - (re * re + im * im)) / (1 + re * re + im * im)).toBeLessThan(1e-6);
    }
    expect(hann(4)[0]).toBe(0);
  });
});

describe('tempo and beat grid', () => {
  it.each([
    [120, 0.2037],
    [128, 0.05],
    [100.5, 0.31],
    [174, 0.12],
  ])('finds clicks at %s BPM (phase %s s): BPM within 0.05, every beat within ±5 ms', (bpm, phase) => {
    const s = new Signal(45);
    for (let t = phase; t < 45; t += 60 / bpm) s.click(t);
    const r = analyze(s.data).tempo;
    expect(r.bpm).not.toBeNull();
    expect(Math.abs(r.bpm! - bpm)).toBeLessThan(0.05);
    expect(r.confidence).toBeGreaterThan(0.5);
    expect(r.variable).toBe(false);
    for (const t of r.beats) expect(Math.abs(gridError(t, phase, 60 / bpm))).toBeLessThan(0.005);
    expect(r.beats.length).toBeGreaterThan((45 - phase) / (60 / bpm) - 2);
  });

  it('folds a tempo outside the DJ range into it (60 BPM clicks → 120), and honours another range', () => {
    const s = new Signal(40);
    for (let t = 0.1; t < 40; t += 1) s.click(t);
    expect(analyze(s.data).tempo.bpm).toBeCloseTo(120, 1);
    expect(analyze(s.data, { minBpm: 50, maxBpm: 100 }).tempo.bpm).toBeCloseTo(60, 1);
  });

  it.each([
    [128, 9, 'minor'],
    [174, 2, 'minor'],
    [90, 7, 'major'],
    [140, 5, 'minor'],
    [122.5, 0, 'major'],
  ] as const)('on a synthesised %s BPM track: exact BPM, first downbeat on the bar line (±5 ms), phrase from beat 1', (bpm, tonic, mode) => {
    const r = analyze(synth(bpm, tonic, mode)).tempo;
    expect(r.bpm).toBeCloseTo(bpm, 2);
    // bars start at 0 in the synthesiser: the first downbeat is at 0 (or a bar later if the grid starts a hair early)
    expect(Math.abs(gridError(r.firstBeatOffset!, 0, (4 * 60) / bpm))).toBeLessThan(0.005);
    for (const d of r.downbeats) expect(Math.abs(gridError(d, 0, (4 * 60) / bpm))).toBeLessThan(0.005);
    expect(r.beats[r.firstPhraseBeatNo! - 1]).toBeCloseTo(r.firstBeatOffset!, 3);
  });

  it('starts the phrase where the music starts after a silent intro', () => {
    const music = synth(125, 4, 'minor', 30);
    const data = new Float32Array(music.length + Math.round(3.2 * SR) * 2);
    data.set(music, Math.round(3.2 * SR) * 2);
    const r = analyze(data);
    expect(r.audibleStart).toBeGreaterThan(3.19);
    expect(r.audibleStart).toBeLessThan(3.22);
    expect(r.tempo.bpm).toBeCloseTo(125, 2);
    const phrase = r.tempo.beats[r.tempo.firstPhraseBeatNo! - 1]!;
    expect(Math.abs(phrase - 3.2)).toBeLessThan(0.005);
  });

  it('marks a drifting tempo as variable and follows it', () => {
    const s = new Signal(60);
    // 120 → 128 BPM over a minute
    for (let t = 0.1, k = 0; t < 60; k++) {
      s.click(t);
      t += 60 / (120 + (8 * t) / 60);
    }
    const r = analyze(s.data).tempo;
    expect(r.variable).toBe(true);
    expect(r.bpm).toBeGreaterThan(119);
    expect(r.bpm).toBeLessThan(129);
  });

  it('says why there is no tempo for silence, white noise and a held chord, instead of making one up', () => {
    const silence = analyze(new Signal(20).data);
    expect(silence.tempo).toMatchObject({ bpm: null, noTempoReason: 'The file is silent', beats: [] });
    const noise = new Signal(30);
    noise.noise(0, 30, 0.3);
    expect(analyze(noise.data).tempo).toMatchObject({ bpm: null, noTempoReason: 'No steady beat found' });
    const pad = new Signal(30);
    for (const m of [57, 60, 64]) pad.tone(midiHz(m), 0, 30, 0.2);
    expect(analyze(pad.data).tempo.bpm).toBeNull();
  });
});

describe('key', () => {
  /** Block chords, one a bar at 120 BPM, with a bass on the root. */
  function chords(progression: number[][], seconds = 32, cents = 0) {
    const s = new Signal(seconds);
    const f = 2 ** (cents / 1200);
    for (let bar = 0, t = 0; t < seconds; bar++, t += 2) {
      const chord = progression[bar % progression.length]!;
      for (const m of chord) s.tone(midiHz(m) * f, t, t + 2, 0.12);
      s.tone(midiHz(chord[0]! - 24) * f, t, t + 2, 0.3);
      for (let b = 0; b < 4; b++) s.click(t + b * 0.5, 0.5);
    }
    return s.data;
  }

  it.each([
    [
      'C major (I–IV–V–I)',
      [
        [60, 64, 67],
        [65, 69, 72],
        [67, 71, 74],
        [60, 64, 67],
      ],
      0,
      1,
    ],
    [
      'A minor (i–iv–V–i)',
      [
        [57, 60, 64],
        [62, 65, 69],
        [64, 68, 71],
        [57, 60, 64],
      ],
      9,
      0,
    ],
    [
      'F# minor (i–VI–III–VII)',
      [
        [54, 57, 61],
        [62, 66, 69],
        [57, 61, 64],
        [64, 68, 71],
      ],
      6,
      0,
    ],
    [
      'Eb major (I–V–vi–IV)',
      [
        [63, 67, 70],
        [70, 74, 77],
        [60, 63, 67],
        [68, 72, 75],
      ],
      3,
      1,
    ],
  ] as const)('finds %s', (_, progression, pitch, mode) => {
    const k = analyze(chords(progression as unknown as number[][])).key;
    expect(k).toMatchObject({ pitch, mode });
    expect(Math.abs(k.tuningCents)).toBeLessThanOrEqual(10);
  });

  it('estimates the tuning of a track pitched 30 cents sharp (±10 cents) and keeps its key', () => {
    const k = analyze(
      chords(
        [
          [57, 60, 64],
          [62, 65, 69],
          [64, 68, 71],
          [57, 60, 64],
        ],
        32,
        30,
      ),
    ).key;
    expect(k).toMatchObject({ pitch: 9, mode: 0 });
    expect(Math.abs(k.tuningCents - 30)).toBeLessThanOrEqual(10);
  });

  it('has no key for silence or clicks alone', () => {
    expect(analyze(new Signal(10).data).key.pitch).toBeNull();
  });
});

describe('loudness', () => {
  it('measures a −23 LUFS 1 kHz tone at −23 ± 0.3 LUFS, its true peak, no range, and ReplayGain +5 dB', () => {
    const s = new Signal(20);
    const amp = 10 ** (-23 / 20); // both channels: −3 dB per channel + 3 dB for two
    s.tone(997, 0, 20, amp);
    const l = analyze(s.data).loudness;
    expect(Math.abs(l.integrated! + 23)).toBeLessThan(0.3);
    expect(Math.abs(l.truePeak! - 20 * Math.log10(amp))).toBeLessThan(0.3);
    expect(l.range!).toBeLessThan(0.5);
  });

  it('spreads the loudness range of a track that gets 12 dB louder halfway (LRA 12 ± 1.5 LU)', () => {
    const s = new Signal(40);
    s.tone(440, 0, 20, 0.05);
    s.tone(440, 20, 40, 0.05 * 10 ** (12 / 20));
    const l = analyze(s.data).loudness;
    expect(Math.abs(l.range! - 12)).toBeLessThan(1.5);
  });

  it('finds inter-sample peaks above the samples (a sine at a quarter of the rate, phase 45°)', () => {
    const s = new Signal(5);
    for (let i = 0; i < s.length; i++) s.add(i, 0.5 * Math.sin((2 * Math.PI * (SR / 4) * i) / SR + Math.PI / 4));
    const l = analyze(s.data).loudness;
    expect(l.samplePeak!).toBeCloseTo(20 * Math.log10(0.5 * Math.SQRT1_2), 1);
    expect(l.truePeak!).toBeGreaterThan(l.samplePeak! + 2);
  });

  it('reports nothing measurable for silence', () => {
    expect(analyze(new Signal(5).data).loudness).toEqual({ integrated: null, range: null, truePeak: null, samplePeak: null });
  });
});

describe('waveforms and audible range', () => {
  it('draws a bass tone in the low band and a 5 kHz tone in the high band, at 1000/4000/16000 points', () => {
    const s = new Signal(20);
    s.tone(80, 2, 10, 0.5);
    s.tone(5000, 10, 18, 0.5);
    const r = analyze(s.data);
    expect(r.waveforms.map((w) => [w.zoom_level, w.num_pixels])).toEqual([
      [0, 1000],
      [1, 4000],
      [2, 16000],
    ]);
    const bytes = (b: string) => Buffer.from(b, 'base64');
    const w = r.waveforms[0]!;
    const low = bytes(w.low_freq_amplitude);
    const high = bytes(w.high_freq_amplitude);
    expect(low.length).toBe(1000);
    const mean = (a: Buffer, from: number, to: number) => a.subarray(from, to).reduce((x, y) => x + y, 0) / (to - from);
    expect(mean(low, 150, 450)).toBeGreaterThan(150);
    expect(mean(low, 550, 850)).toBeLessThan(20);
    expect(mean(high, 550, 850)).toBeGreaterThan(150);
    expect(mean(high, 150, 450)).toBeLessThan(20);
    expect(mean(low, 0, 90)).toBe(0);
    expect(r.audibleStart).toBeCloseTo(2, 1);
    expect(r.audibleEnd).toBeCloseTo(18, 1);
  });
});

describe('energy', () => {
  it('scores a loud, busy, fast track above a quiet, sparse, slow one', () => {
    const loud = analyze(synth(174, 2, 'minor', 30)).energy;
    const quiet = new Signal(30);
    for (let t = 0.1; t < 30; t += 60 / 72) quiet.click(t, 0.05);
    quiet.tone(220, 0, 30, 0.02);
    expect(loud).toBeGreaterThan(analyze(quiet.data).energy + 0.2);
  });
});
