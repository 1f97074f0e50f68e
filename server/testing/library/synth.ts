/**
 * Synthesised dance music with a known tempo and key: kick on every beat, off-beat hats, snare on
 * 2 and 4, a bass line on the tonic and a chord progression anchored to the key. Deterministic
 * for a given seed.
 */
export interface SynthSpec {
  seconds: number;
  bpm: number;
  /** Pitch class of the tonic, C = 0. */
  tonic: number;
  mode: 'major' | 'minor';
  seed: number;
  sampleRate?: number;
}

/** A small, fast, well-known PRNG (mulberry32). */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const midiHz = (m: number) => 440 * 2 ** ((m - 69) / 12);

/** Interleaved stereo 16-bit PCM. */
export function synthesize(spec: SynthSpec): Int16Array {
  const sr = spec.sampleRate ?? 44100;
  const n = Math.round(spec.seconds * sr);
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  const rnd = prng(spec.seed);
  const beat = (60 / spec.bpm) * sr;
  const beats = Math.ceil(n / beat);

  // drums
  const kickLen = Math.round(0.25 * sr);
  for (let b = 0; b < beats; b++) {
    const start = Math.round(b * beat);
    let phase = 0;
    for (let i = 0; i < kickLen && start + i < n; i++) {
      const t = i / sr;
      const f = 45 + 100 * Math.exp(-t * 35);
      phase += (2 * Math.PI * f) / sr;
      const v = Math.sin(phase) * Math.exp(-t * 9) * 0.9;
      left[start + i]! += v;
      right[start + i]! += v;
    }
    const hat = Math.round(start + beat / 2);
    let prev = 0;
    for (let i = 0; i < 0.05 * sr && hat + i < n; i++) {
      const noise = rnd() * 2 - 1;
      const hp = noise - prev;
      prev = noise;
      const v = hp * Math.exp(-(i / sr) * 60) * 0.18;
      left[hat + i]! += v * 0.8;
      right[hat + i]! += v;
    }
    if (b % 2 === 1) {
      for (let i = 0; i < 0.15 * sr && start + i < n; i++) {
        const t = i / sr;
        const v = ((rnd() * 2 - 1) * 0.5 + Math.sin(2 * Math.PI * 185 * t) * 0.5) * Math.exp(-t * 22) * 0.45;
        left[start + i]! += v;
        right[start + i]! += v * 0.9;
      }
    }
  }

  // harmony: a four-chord progression per bar, anchored to the tonic
  const third = spec.mode === 'minor' ? 3 : 4;
  const degrees = spec.mode === 'minor' ? [0, 8, 3, 10] : [0, 7, 9, 5];
  const barLen = beat * 4;
  const detune = 1 + (rnd() - 0.5) * 0.002;
  for (let i = 0; i < n; i++) {
    const bar = Math.floor(i / barLen);
    const degree = degrees[bar % 4]!;
    const root = 48 + spec.tonic + degree; // octave 3
    const inBeat = (i % beat) / beat;
    const t = i / sr;
    // bass: root, pumping with the kick
    const bassHz = midiHz(root - 12) * detune;
    const bass = (Math.sin(2 * Math.PI * bassHz * t) + 0.35 * Math.sin(4 * Math.PI * bassHz * t)) * Math.min(1, inBeat * 6) * 0.28;
    // pad: triad of the current chord (the tonic chord has the key's third)
    const chordThird = degree === 0 ? third : spec.mode === 'minor' ? (degree === 3 || degree === 8 || degree === 10 ? 4 : 3) : degree === 9 ? 3 : 4;
    let pad = 0;
    for (const iv of [12, 12 + chordThird, 19]) pad += Math.sin(2 * Math.PI * midiHz(root + iv) * detune * t);
    pad *= 0.07;
    left[i]! += bass + pad;
    right[i]! += bass + pad * 0.95;
  }

  return toInt16Stereo(left, right, 0.7);
}

/** Interleaved 16-bit stereo of two float channels, normalised so the louder peak is `peakTo` of full scale. */
export function toInt16Stereo(left: Float32Array | Float64Array, right: Float32Array | Float64Array, peakTo: number): Int16Array {
  const n = left.length;
  let peak = 0;
  for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(left[i]!), Math.abs(right[i]!));
  const gain = peak > 0 ? peakTo / peak : 1;
  const out = new Int16Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[2 * i] = Math.round(left[i]! * gain * 32767);
    out[2 * i + 1] = Math.round(right[i]! * gain * 32767);
  }
  return out;
}
