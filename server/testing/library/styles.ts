/**
 * Synthesised music in the styles DJs play, with what makes analysis hard and a known answer:
 * half-time feels, broken beats with no kick on every beat, swing, syncopated percussion, plucked
 * and struck "acoustic" instruments with human timing and tempo drift, dense seventh-chord
 * harmony, tracks pitched off 440 Hz, silent intros and beatless ambient pieces. Ground truth:
 * tempo (the DJ's count: dubstep 140, drum & bass 174), every beat's time, key, tuning.
 * Deterministic for a seed. Used by `npm run bench:analyzer`.
 */
import { prng, toInt16Stereo } from './synth';

export const STYLES = ['house', 'techno', 'trance', 'dnb', 'dubstep', 'hiphop', 'breakbeat', 'funk', 'afro', 'ambient'] as const;
export type Style = (typeof STYLES)[number];

export interface StyleSpec {
  style: Style;
  seconds: number;
  seed: number;
  sampleRate?: number;
}

export interface StyleTruth {
  style: Style;
  /** null for beatless music. */
  bpm: number | null;
  beats: number[];
  tonic: number;
  mode: 'major' | 'minor';
  tuningCents: number;
  intro: number;
  drift: boolean;
  swing: number;
}

const RANGES: Record<Style, [number, number]> = {
  house: [118, 128],
  techno: [125, 140],
  trance: [132, 140],
  dnb: [170, 176],
  dubstep: [138, 142],
  hiphop: [82, 98],
  breakbeat: [125, 135],
  funk: [96, 116],
  afro: [108, 124],
  ambient: [60, 80],
};

/** 16 steps a bar: which step each voice plays on. */
const PATTERNS: Partial<Record<Style, { kick: number[]; snare: number[]; hat: number[]; open?: number[]; perc?: number[] }>> = {
  house: { kick: [0, 4, 8, 12], snare: [4, 12], hat: [2, 6, 10, 14], open: [2, 6, 10, 14] },
  techno: { kick: [0, 4, 8, 12], snare: [], hat: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], perc: [3, 11] },
  trance: { kick: [0, 4, 8, 12], snare: [4, 12], hat: [2, 6, 10, 14] },
  dnb: { kick: [0, 10], snare: [4, 12], hat: [0, 2, 4, 6, 8, 10, 12, 14] },
  dubstep: { kick: [0], snare: [8], hat: [0, 2, 4, 6, 8, 10, 12, 14], perc: [3, 14] },
  hiphop: { kick: [0, 7, 10], snare: [4, 12], hat: [0, 2, 4, 6, 8, 10, 12, 14] },
  breakbeat: { kick: [0, 6, 10], snare: [4, 12], hat: [0, 2, 4, 6, 8, 10, 12, 14], perc: [7, 15] },
  funk: { kick: [0, 6, 10], snare: [4, 12], hat: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], perc: [7, 9, 15] },
  afro: { kick: [0, 8], snare: [], hat: [0, 2, 4, 6, 8, 10, 12, 14], perc: [0, 3, 6, 10, 12] },
};

/** Loops that start on their tonic (as loops do), several per mode; dense ones use sevenths. */
const PROGRESSIONS = {
  minor: [
    [0, 8, 3, 10],
    [0, 5, 7, 0],
    [0, 10, 8, 10],
  ],
  major: [
    [0, 7, 9, 5],
    [0, 5, 7, 5],
    [0, 9, 5, 7],
  ],
};
const midiHz = (m: number) => 440 * 2 ** ((m - 69) / 12);

/** What a track of a style draws from its seed: tempo, key, tuning, intro, feel. */
function drawParams(spec: StyleSpec, rnd: () => number) {
  const style = spec.style;
  const [lo, hi] = RANGES[style];
  const bpm = Math.round((lo + rnd() * (hi - lo)) * 2) / 2;
  const mode: 'major' | 'minor' = rnd() < (style === 'funk' || style === 'hiphop' ? 0.5 : 0.25) ? 'major' : 'minor';
  const tonic = Math.floor(rnd() * 12);
  const tuningCents = rnd() < 0.25 ? Math.round((rnd() * 2 - 1) * 40) : 0;
  const intro = rnd() < 0.3 ? Math.round(rnd() * 60) / 10 : 0;
  const drift = style === 'funk' || (style === 'hiphop' && rnd() < 0.5);
  const swing = style === 'hiphop' ? 0.6 + rnd() * 0.06 : style === 'funk' ? 0.56 : 0.5;
  const dense = style === 'funk' || style === 'hiphop' || rnd() < 0.3;
  return { style, bpm, mode, tonic, tuningCents, intro, drift, swing, dense, tune: 2 ** (tuningCents / 1200) };
}

type Params = ReturnType<typeof drawParams>;

/** Beat times: constant tempo, or a live player's drift (±1.5 %, slowly). */
function beatTimes(p: Params, seconds: number): number[] {
  const beats: number[] = [];
  for (let t = p.intro; t < seconds;) {
    beats.push(Math.round(t * 10000) / 10000);
    const local = p.drift ? p.bpm * (1 + 0.015 * Math.sin((2 * Math.PI * t) / 47)) : p.bpm;
    t += 60 / local;
  }
  return beats;
}

/** A stereo float mix with the instruments the styles use; every random draw comes from one sequence. */
class Mix {
  readonly L: Float32Array;
  readonly R: Float32Array;

  constructor(
    readonly n: number,
    readonly sr: number,
    readonly rnd: () => number,
  ) {
    this.L = new Float32Array(n);
    this.R = new Float32Array(n);
  }

  add(i: number, v: number, pan = 0) {
    if (i < 0 || i >= this.n) return;
    this.L[i] = this.L[i]! + v * (1 - pan);
    this.R[i] = this.R[i]! + v * (1 + pan);
  }

  kick(t: number, gain: number) {
    if (!Number.isFinite(t)) return;
    const { sr } = this;
    const s = Math.round(t * sr);
    let ph = 0;
    for (let i = 0; i < 0.3 * sr; i++) {
      const u = i / sr;
      ph += (2 * Math.PI * (48 + 110 * Math.exp(-u * 30))) / sr;
      this.add(s + i, Math.sin(ph) * Math.exp(-u * 8) * gain);
    }
  }

  snare(t: number, gain: number) {
    if (!Number.isFinite(t)) return;
    const { sr, rnd } = this;
    const s = Math.round(t * sr);
    for (let i = 0; i < 0.18 * sr; i++) {
      const u = i / sr;
      this.add(s + i, ((rnd() * 2 - 1) * 0.6 + Math.sin(2 * Math.PI * 190 * u) * 0.4) * Math.exp(-u * 20) * gain, 0.05);
    }
  }

  hat(t: number, gain: number, len = 0.04) {
    if (!Number.isFinite(t)) return;
    const { sr, rnd } = this;
    const s = Math.round(t * sr);
    let prev = 0;
    for (let i = 0; i < len * sr; i++) {
      const x = rnd() * 2 - 1;
      this.add(s + i, (x - prev) * Math.exp(-(i / sr) * (3 / len)) * gain, 0.3);
      prev = x;
    }
  }

  conga(t: number, gain: number) {
    if (!Number.isFinite(t)) return;
    const { sr } = this;
    const s = Math.round(t * sr);
    const f = 220 + this.rnd() * 120;
    for (let i = 0; i < 0.2 * sr; i++) this.add(s + i, Math.sin((2 * Math.PI * f * i) / sr) * Math.exp(-(i / sr) * 25) * gain, -0.3);
  }

  tone(t0: number, t1: number, hz: number, gain: number, fade: number) {
    const { sr } = this;
    const a = Math.max(0, Math.round(t0 * sr));
    const b = Math.min(this.n, Math.round(t1 * sr));
    const f = Math.max(1, Math.round(fade * sr));
    for (let i = a; i < b; i++) {
      const env = Math.min(1, (i - a) / f, (b - i) / f);
      const p = (2 * Math.PI * hz * i) / sr;
      this.add(i, (Math.sin(p) + 0.3 * Math.sin(2 * p) + 0.12 * Math.sin(3 * p)) * gain * env);
    }
  }

  /** Karplus–Strong string (plucked guitar / struck piano-like). */
  pluck(t: number, hz: number, gain: number, decay: number) {
    if (!Number.isFinite(t)) return;
    const { sr, rnd } = this;
    const s = Math.round(t * sr);
    const period = Math.max(2, Math.round(sr / hz));
    const buf = Float32Array.from({ length: period }, () => rnd() * 2 - 1);
    const len = Math.round(decay * 2 * sr);
    const damp = Math.exp(-1 / ((decay * sr) / period));
    for (let i = 0; i < len; i++) {
      const j = i % period;
      const v = buf[j]!;
      buf[j] = ((v + buf[(j + 1) % period]!) / 2) * damp;
      this.add(s + i, v * gain);
    }
  }

  /** Interleaved 16-bit stereo, normalised to a peak of 0.8. */
  toPcm(): Int16Array {
    return toInt16Stereo(this.L, this.R, 0.8);
  }
}

/** The style's drum pattern, bar after bar, swung and (for live styles) played with human timing. */
function addDrums(mix: Mix, p: Params, beats: number[]) {
  const pattern = PATTERNS[p.style];
  if (!pattern) return;
  const { style, swing, drift } = p;
  const stepTime = (bar: number, step: number) => {
    const beat = bar * 4 + Math.floor(step / 4);
    if (beat + 1 >= beats.length) return Infinity;
    const b0 = beats[beat]!;
    const len = beats[beat + 1]! - b0;
    const inBeat = step % 4;
    // swing delays the second and fourth sixteenths
    const frac = inBeat === 0 ? 0 : inBeat === 1 ? swing / 2 : inBeat === 2 ? 0.5 : 0.5 + swing / 2;
    return b0 + frac * len + (drift ? (mix.rnd() - 0.5) * 0.012 : 0);
  };
  const bars = Math.floor((beats.length - 1) / 4);
  for (let bar = 0; bar < bars; bar++) {
    for (const s of pattern.kick) mix.kick(stepTime(bar, s), style === 'dnb' || style === 'breakbeat' ? 0.8 : 0.9);
    for (const s of pattern.snare) mix.snare(stepTime(bar, s), style === 'funk' ? 0.25 : 0.45);
    for (const s of pattern.hat) mix.hat(stepTime(bar, s), (s % 4 === 2 ? 0.16 : 0.09) * (style === 'funk' ? 0.7 : 1));
    for (const s of pattern.open ?? []) mix.hat(stepTime(bar, s), 0.08, 0.15);
    for (const s of pattern.perc ?? []) mix.conga(stepTime(bar, s), 0.25);
  }
}

/** Harmony: one chord a bar (two in fast styles), bass on the root, pads or plucked strums. */
function addHarmony(mix: Mix, p: Params, beats: number[], seconds: number) {
  const { style, mode, bpm, intro, tonic, dense, tune } = p;
  const progression = PROGRESSIONS[mode][Math.floor(mix.rnd() * 3)]!;
  const chordBars = style === 'dnb' || style === 'dubstep' ? 2 : 1;
  const harmonyFrom = style === 'ambient' ? 0 : intro;
  const barLen = style === 'ambient' ? 4 : 240 / bpm;
  const chords = Math.ceil((seconds - harmonyFrom) / (barLen * chordBars));
  for (let c = 0; c < chords; c++) {
    const t0 = harmonyFrom + c * barLen * chordBars;
    const t1 = t0 + barLen * chordBars;
    const degree = progression[c % progression.length]!;
    const scale = mode === 'minor' ? [0, 2, 3, 5, 7, 8, 10] : [0, 2, 4, 5, 7, 9, 11];
    const idx = scale.indexOf(degree);
    const stack = (dense ? [0, 2, 4, 6] : [0, 2, 4]).map((s) => {
      const j = idx + s;
      return scale[j % 7]! + 12 * Math.floor(j / 7);
    });
    const root = 48 + tonic + degree - (tonic + degree >= 10 ? 12 : 0);
    const notes = stack.map((s) => root + 12 + (s - degree));
    if (style === 'funk' || style === 'afro' || style === 'hiphop') {
      // plucked/struck chords on the beat grid
      for (let b = 0; b < 4 * chordBars; b += style === 'hiphop' ? 2 : 1) {
        const t = beats[Math.round((t0 - intro) / (60 / bpm)) + b] ?? t0 + (b * 60) / bpm;
        if (t >= t1) break;
        notes.forEach((m, k) => mix.pluck(t + k * 0.012, midiHz(m) * tune, 0.14, style === 'hiphop' ? 1.2 : 0.5));
      }
    } else {
      for (const m of notes) mix.tone(t0, t1, midiHz(m) * tune, style === 'ambient' ? 0.07 : 0.05, style === 'ambient' ? 1.2 : 0.02);
    }
    if (style !== 'ambient') {
      // bass: offbeat in trance, long notes elsewhere
      const bassHz = midiHz(root - 12) * tune;
      if (style === 'trance') for (let b = 0; b < 4; b++) mix.tone(t0 + ((b + 0.5) * 60) / bpm, t0 + ((b + 0.9) * 60) / bpm, bassHz, 0.22, 0.005);
      else mix.tone(t0, t1, bassHz, 0.2, 0.01);
    } else mix.tone(t0, t1, midiHz(root - 12) * tune, 0.08, 1.5);
  }
}

export function synthesizeStyle(spec: StyleSpec): { pcm: Int16Array; truth: StyleTruth } {
  const sr = spec.sampleRate ?? 44100;
  const rnd = prng(spec.seed * 7919 + 13);
  const p = drawParams(spec, rnd);
  const mix = new Mix(Math.round(spec.seconds * sr), sr, rnd);
  const beats = beatTimes(p, spec.seconds);
  addDrums(mix, p, beats);
  addHarmony(mix, p, beats, spec.seconds);
  const ambient = p.style === 'ambient';
  const { style, bpm, tonic, mode, tuningCents, intro, drift, swing } = p;
  return {
    pcm: mix.toPcm(),
    truth: { style, bpm: ambient ? null : bpm, beats: ambient ? [] : beats, tonic, mode, tuningCents, intro: ambient ? 0 : intro, drift, swing },
  };
}
