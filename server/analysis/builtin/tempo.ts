/**
 * Tempo, beat grid, downbeats and phrase start from an onset-strength envelope.
 *
 * 1. Periodicity: the autocorrelation of the envelope, read through a comb (the lag and its
 *    multiples, Percival & Tzanetakis 2014 in spirit), weighted by a broad log-normal preference
 *    for ~120 BPM, inside the DJ range; octave rivals (×2, ÷2) are weighed explicitly.
 * 2. Precise tempo and phase: the envelope folded at each candidate period (0.005 BPM steps); the
 *    right period stacks every beat's onset into one sharp peak, a wrong one smears it over the
 *    track. The peak's position is the grid's phase, interpolated below one envelope frame.
 * 3. Drift: the phase of every 16-beat window against the constant grid; when it wanders the
 *    track is marked variable and its beats follow a dynamic-programming tracker (Ellis 2007).
 * 4. Downbeats: the bar position (one of four) where harmony changes and the bass lands, and where
 *    the backbeat (snare) is not.
 */
export interface TempoInput {
  /** Onset strength per frame (all bands). */
  onset: Float32Array;
  /** Low-band (kick, bass) and mid/high-band (snare, hats) onset strength per frame. */
  lowOnset: Float32Array;
  midOnset: Float32Array;
  /** Low and mid bands only (kick, snare, bass: the body of the groove, without hats). */
  bodyOnset: Float32Array;
  /** Frames per second of the envelopes. */
  fps: number;
  /** Seconds by which an onset peak trails the attack it marks (filter and block delay). */
  latency: number;
  /** 12-bin chroma per chroma frame, and that frame rate (for harmonic change at bar lines). */
  chroma: Float32Array[];
  chromaFps: number;
  /** Seconds from a chroma frame's start to the time it describes (its centre). */
  chromaCentre: number;
  duration: number;
  audibleStart: number;
  audibleEnd: number;
  minBpm: number;
  maxBpm: number;
}

export interface TempoResult {
  bpm: number | null;
  /** 0–1: how clearly the track beats at this tempo. */
  confidence: number;
  noTempoReason?: string;
  beats: number[];
  downbeats: number[];
  firstBeatOffset: number | null;
  firstPhraseBeatNo: number | null;
  variable: boolean;
  /** Share of 16-beat windows that sit on the constant grid within ±15 ms. */
  beatConsistency: number | null;
}

/** "No tempo", with the reason (never a made-up BPM). */
export const noTempo = (reason: string, confidence = 0): TempoResult => ({
  bpm: null,
  confidence,
  noTempoReason: reason,
  beats: [],
  downbeats: [],
  firstBeatOffset: null,
  firstPhraseBeatNo: null,
  variable: false,
  beatConsistency: null,
});

/** Subtracts a running mean (about half a second) and keeps what rises above it. */
export function normaliseOnsets(x: Float32Array, fps: number): Float32Array {
  const w = Math.max(1, Math.round(fps * 0.25));
  const out = new Float32Array(x.length);
  let run = 0;
  let n = 0;
  for (let i = -w; i < x.length; i++) {
    const add = i + w;
    if (add < x.length) {
      run += x[add]!;
      n++;
    }
    const drop = i - w - 1;
    if (drop >= 0) {
      run -= x[drop]!;
      n--;
    }
    if (i >= 0) {
      const v = x[i]! - run / n;
      out[i] = v > 0 ? v : 0;
    }
  }
  let max = 0;
  for (const v of out) if (v > max) max = v;
  if (max > 0) for (let i = 0; i < out.length; i++) out[i] = out[i]! / max;
  return out;
}

/** Autocorrelation for lags 0 … maxLag (direct; the envelope is short). */
function autocorrelation(x: Float32Array, from: number, to: number, maxLag: number): Float64Array {
  const acf = new Float64Array(maxLag + 2);
  let mean = 0;
  for (let i = from; i < to; i++) mean += x[i]!;
  mean /= Math.max(1, to - from);
  for (let lag = 0; lag <= maxLag + 1; lag++) {
    let s = 0;
    for (let i = from; i + lag < to; i++) s += (x[i]! - mean) * (x[i + lag]! - mean);
    acf[lag] = s / Math.max(1, to - from - lag);
  }
  const z = acf[0]! || 1;
  for (let i = 0; i < acf.length; i++) acf[i] = acf[i]! / z;
  return acf;
}

const interp = (a: Float64Array, x: number) => {
  const i = Math.floor(x);
  if (i < 0 || i + 1 >= a.length) return 0;
  const f = x - i;
  return a[i]! * (1 - f) + a[i + 1]! * f;
};

/** How strongly the envelope repeats at `bpm`: the lag and its multiples. */
function combScore(acf: Float64Array, fps: number, bpm: number) {
  const lag = (60 * fps) / bpm;
  let s = 0;
  let w = 0;
  for (const [m, weight] of [
    [1, 1],
    [2, 0.6],
    [3, 0.3],
    [4, 0.5],
  ] as const) {
    if (lag * m >= acf.length - 1) break;
    s += weight * Math.max(0, interp(acf, lag * m));
    w += weight;
  }
  return w ? s / w : 0;
}

/**
 * The share of a pulse's positions (at `bpm`, phase from the fold) that carry an onset: how
 * "populated" that metrical level is.
 */
function population(x: Float32Array, from: number, to: number, fps: number, bpm: number, hist: Float64Array): number {
  const period = (60 * fps) / bpm;
  if (period < 3) return 0;
  const f = fold(x, from, to, period, hist.length, hist);
  const w = Math.max(1, Math.round(fps * 0.015));
  let on = 0;
  let all = 0;
  for (let p = f.phase + Math.ceil((from - f.phase) / period) * period; p < to; p += period, all++) if (localMax(x, p, w) > 0.12) on++;
  return all ? on / all : 0;
}

/** Mean body (kick, snare, bass) onset at a pulse's positions, split into even and odd ones. */
function evenOdd(body: Float32Array, from: number, to: number, fps: number, bpm: number, phase: number) {
  const period = (60 * fps) / bpm;
  const w = Math.max(1, Math.round(fps * 0.015));
  const sum = [0, 0];
  const n = [0, 0];
  let i = 0;
  for (let p = phase + Math.ceil((from - phase) / period) * period; p < to; p += period, i++) {
    sum[i % 2]! += localMax(body, p, w);
    n[i % 2]!++;
  }
  const even = sum[0]! / Math.max(1, n[0]!);
  const odd = sum[1]! / Math.max(1, n[1]!);
  // which parity is the beat does not matter: the stronger one is
  return { strong: Math.max(even, odd), weak: Math.min(even, odd) };
}

/**
 * Which metrical level is the beat. The candidate family (the periodicity found, or its 3:2 and
 * 2:3 relatives) is the one whose pulse and half-pulse are both populated — binary metre, as dance
 * music is. Within it, the tatum is the fastest level nearly every position of which sounds; when
 * every other tatum carries only hats (no kick, snare or bass) the beat is half the tatum (kick and
 * offbeat hat; a half-time groove with hats on the eighths of its tempo), else the tatum itself
 * (a kick on every beat and nothing between). Then folded into the DJ range.
 */
function metricalLevel(x: Float32Array, body: Float32Array, from: number, to: number, fps: number, coarse: number, hist: Float64Array, minBpm: number, maxBpm: number): number {
  const pop = (b: number) => population(x, from, to, fps, b, hist);
  let base = coarse;
  let bestB = pop(coarse) * pop(coarse * 2);
  for (const m of [1.5, 2 / 3]) {
    const alt = coarse * m;
    const b = pop(alt) * pop(alt * 2);
    if (b > bestB * 1.15) {
      base = alt;
      bestB = b;
    }
  }
  // the tatum: the fastest populated level (a faster level's positions include a slower one's, so
  // a slower level that looks sparse has only had its phase misjudged)
  let tatum = base / 2;
  for (let level = base; level <= base * 8 && (60 * fps) / level >= 3; level *= 2) if (pop(level) >= 0.75) tatum = level;
  const phase = fold(x, from, to, (60 * fps) / tatum, hist.length, hist).phase;
  const { strong, weak } = evenOdd(body, from, to, fps, tatum, phase);
  let beat = weak < 0.5 * strong ? tatum / 2 : tatum;
  while (beat > maxBpm && beat / 2 >= minBpm * 0.98) beat /= 2;
  while (beat < minBpm && beat * 2 <= maxBpm * 1.02) beat *= 2;
  return beat;
}

/** A broad preference for the tempos DJ music lives at (log-normal around 122 BPM). */
const prior = (bpm: number) => Math.exp(-0.5 * (Math.log2(bpm / 122) / 0.8) ** 2);

interface Fold {
  score: number;
  phase: number;
  peakToMean: number;
}

/** Folds the envelope at `period` frames into `bins` phase bins; the peak's height and place. */
function fold(x: Float32Array, from: number, to: number, period: number, bins: number, hist: Float64Array): Fold {
  hist.fill(0);
  const scale = bins / period;
  for (let i = from; i < to; i++) {
    const v = x[i]!;
    if (v === 0) continue;
    let p = (i % period) * scale;
    if (p >= bins) p -= bins;
    const k = p | 0;
    const f = p - k;
    hist[k] = hist[k]! + v * (1 - f);
    const k2 = k + 1 === bins ? 0 : k + 1;
    hist[k2] = hist[k2]! + v * f;
  }
  let best = 0;
  let at = 0;
  let sum = 0;
  for (let k = 0; k < bins; k++) {
    // a three-bin window: a peak split across bins counts whole
    const v = hist[(k + bins - 1) % bins]! * 0.5 + hist[k]! + hist[(k + 1) % bins]! * 0.5;
    sum += hist[k]!;
    if (v > best) {
      best = v;
      at = k;
    }
  }
  const y0 = hist[(at + bins - 1) % bins]!;
  const y1 = hist[at]!;
  const y2 = hist[(at + 1) % bins]!;
  const den = y0 - 2 * y1 + y2;
  const delta = den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (y0 - y2)) / den)) : 0;
  const phase = (((at + delta + bins) % bins) / bins) * period;
  const mean = sum / bins;
  return { score: best / Math.max(1, (to - from) / period), phase, peakToMean: mean > 0 ? best / 2 / mean : 0 };
}

/** The best constant grid near `bpm` (±range), searched at `step` BPM. */
function refine(x: Float32Array, from: number, to: number, fps: number, bpm: number, range: number, step: number, hist: Float64Array) {
  let best = { bpm, fold: fold(x, from, to, (60 * fps) / bpm, hist.length, hist) };
  for (let b = bpm - range; b <= bpm + range + 1e-9; b += step) {
    const f = fold(x, from, to, (60 * fps) / b, hist.length, hist);
    if (f.score > best.fold.score) best = { bpm: b, fold: f };
  }
  return best;
}

/** Ellis (2007): beats that follow the onsets, each about a period after the last. */
function trackBeats(x: Float32Array, period: number, from: number, to: number, tightness = 100): number[] {
  const n = to - from;
  const score = new Float64Array(n);
  const back = new Int32Array(n).fill(-1);
  const lo = Math.round(period / 2);
  const hi = Math.round(period * 2);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let arg = -1;
    for (let d = lo; d <= hi && d <= i; d++) {
      const pen = Math.log(d / period);
      const v = score[i - d]! - tightness * pen * pen;
      if (arg < 0 || v > best) {
        best = v;
        arg = i - d;
      }
    }
    score[i] = x[from + i]! + (arg >= 0 ? Math.max(0, best) : 0);
    back[i] = arg >= 0 && best > 0 ? arg : -1;
  }
  // end at the best-scoring frame in the last period
  let end = n - 1;
  for (let i = Math.max(0, n - Math.round(period)); i < n; i++) if (score[i]! > score[end]!) end = i;
  const beats: number[] = [];
  for (let i = end; i >= 0; i = back[i]!) beats.push(from + i);
  return beats.reverse();
}

function zscores(v: number[]): number[] {
  const m = v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, v.length)) || 1;
  return v.map((x) => (x - m) / sd);
}

/** The envelope's largest value within ±`w` frames of `frame`. */
function localMax(x: Float32Array, frame: number, w: number) {
  let m = 0;
  for (let i = Math.max(0, Math.round(frame) - w); i <= Math.min(x.length - 1, Math.round(frame) + w); i++) if (x[i]! > m) m = x[i]!;
  return m;
}

function meanChroma(input: TempoInput, t0: number, t1: number): Float64Array {
  const { chroma, chromaFps: fps, chromaCentre: c } = input;
  const out = new Float64Array(12);
  const a = Math.max(0, Math.round((t0 - c) * fps));
  const b = Math.min(chroma.length, Math.max(a + 1, Math.round((t1 - c) * fps)));
  for (let i = a; i < b; i++) for (let k = 0; k < 12; k++) out[k] = out[k]! + chroma[i]![k]!;
  return out;
}

function cosineDistance(a: Float64Array, b: Float64Array) {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < 12; k++) {
    ab += a[k]! * b[k]!;
    aa += a[k]! * a[k]!;
    bb += b[k]! * b[k]!;
  }
  return aa > 0 && bb > 0 ? 1 - ab / Math.sqrt(aa * bb) : 0;
}

/** Which of the four beat positions starts the bar: harmony changes and bass on it, no snare. */
function barPhase(beats: number[], input: TempoInput): number {
  if (beats.length < 8) return 0;
  const period = (beats[beats.length - 1]! - beats[0]!) / (beats.length - 1);
  const w = Math.max(1, Math.round(input.fps * 0.03));
  const frame = (t: number) => (t + input.latency) * input.fps;
  // harmony before and after each beat, over at least 0.75 s (a chroma frame is 0.74 s long)
  const span = period * Math.max(1, Math.ceil(0.75 / period));
  const harm = beats.map((t, i) => (i === 0 ? 0 : cosineDistance(meanChroma(input, t - span, t), meanChroma(input, t, t + span))));
  const low = beats.map((t) => localMax(input.lowOnset, frame(t), w));
  const mid = beats.map((t) => localMax(input.midOnset, frame(t), w));
  const zh = zscores(harm);
  const zl = zscores(low);
  const zm = zscores(mid);
  let best = 0;
  let arg = 0;
  for (let o = 0; o < 4; o++) {
    let s = 0;
    let n = 0;
    for (let i = o; i < beats.length; i += 4) {
      s += zh[i]! + 0.5 * zl[i]! - 0.5 * zm[i]!;
      n++;
    }
    const v = s / Math.max(1, n);
    if (o === 0 || v > best) {
      best = v;
      arg = o;
    }
  }
  return arg;
}

export function estimateTempo(input: TempoInput): TempoResult {
  const { fps } = input;
  const x = normaliseOnsets(input.onset, fps);
  const from = Math.max(0, Math.floor(input.audibleStart * fps));
  const to = Math.min(x.length, Math.ceil(input.audibleEnd * fps));
  if (to - from < fps * 4) return noTempo('Too short to find a tempo (less than 4 seconds of sound)');
  // attacks: the energy at least 2.7 times what it was a block before, somewhere in the spectrum;
  // music whose sounds all swell in (pads, drones, most ambient) has almost none
  let attacks = 0;
  for (let i = from; i < to; i++) if (input.onset[i]! > 1 && !(input.onset[i - 1]! > 1)) attacks++;
  if (attacks / ((to - from) / fps) < 0.5) return noTempo('No steady beat found (no attacks: the sounds swell in and out)');
  const found = findTempo(input, x, from, to);
  const confidence = Math.max(0, Math.min(1, (found.fold.peakToMean - 1.3) / 2.2));
  const rounded = Math.round(confidence * 100) / 100;
  if (confidence < 0.08 || found.acfPeak < 0.04) return noTempo('No steady beat found', rounded);

  const period = (60 * fps) / found.bpm;
  const pSec = 60 / found.bpm;
  // grid times in seconds: frame → attack time
  const toSec = (f: number) => f / fps - input.latency;
  const phase = ((toSec(found.fold.phase) % pSec) + pSec) % pSec;
  const drift = measureDrift(input, x, phase, pSec);
  const { beats, bpm } = drift.variable ? trackedBeats(x, period, from, to, toSec, found.bpm) : { beats: constantBeats(phase, pSec, input.duration), bpm: found.bpm };
  const grid = beats.filter((t) => t >= 0 && t < input.duration);
  if (!hasPulse(x, found.fold.phase, period, from, to, fps, drift.variable, confidence)) return noTempo('No steady beat found', rounded);

  const bar = barPhase(grid, input);
  const downbeats = grid.filter((_, i) => i % 4 === bar);
  const firstPhrase = grid.findIndex((t, i) => i % 4 === bar && t >= input.audibleStart - pSec / 4);
  return {
    bpm: Math.round(bpm * 1000) / 1000,
    confidence: rounded,
    beats: grid,
    downbeats,
    firstBeatOffset: downbeats[0] ?? grid[0]!,
    firstPhraseBeatNo: firstPhrase >= 0 ? firstPhrase + 1 : 1,
    variable: drift.variable,
    beatConsistency: drift.consistency === null ? null : Math.round(drift.consistency * 100) / 100,
  };
}

/**
 * The tempo: a coarse comb over the autocorrelation of two minutes from the middle of the music
 * (long files stay cheap), the metrical level, then a fine search in two steps (0.01 BPM over the
 * same two minutes, 0.001 BPM over the whole track), and a whole or half BPM when it fits as well.
 */
function findTempo(input: TempoInput, x: Float32Array, from: number, to: number) {
  const { fps, minBpm, maxBpm } = input;
  const span = Math.min(to - from, Math.round(fps * 120));
  const a0 = from + Math.floor((to - from - span) / 2);
  const maxLag = Math.ceil((60 * fps * 4) / minBpm);
  const acf = autocorrelation(x, a0, a0 + span, Math.min(maxLag, span - 1));
  let coarse = minBpm;
  let coarseScore = -1;
  for (let b = minBpm; b <= maxBpm; b += 0.25) {
    const s = combScore(acf, fps, b) * prior(b);
    if (s > coarseScore) {
      coarseScore = s;
      coarse = b;
    }
  }
  const hist = new Float64Array(96);
  coarse = metricalLevel(x, normaliseOnsets(input.bodyOnset, fps), a0, a0 + span, fps, coarse, hist, minBpm, maxBpm);
  let best = refine(x, a0, a0 + span, fps, coarse, Math.max(0.6, coarse * 0.015), 0.01, hist);
  best = refine(x, from, to, fps, best.bpm, 0.02, 0.001, hist);
  // a whole (or half) BPM that fits as well is what the producer set
  for (const snap of [Math.round(best.bpm), Math.round(best.bpm * 2) / 2]) {
    if (Math.abs(snap - best.bpm) > 0.05) continue;
    const f = fold(x, from, to, (60 * fps) / snap, hist.length, hist);
    if (f.score >= best.fold.score * 0.95) {
      best = { bpm: snap, fold: f };
      break;
    }
  }
  return { ...best, acfPeak: combScore(acf, fps, best.bpm) };
}

/** The local phase of each 16-beat window against the constant grid: a tempo that drifts (live drums) shows here. */
function measureDrift(input: TempoInput, x: Float32Array, phase: number, pSec: number) {
  const { fps } = input;
  const offsets: number[] = [];
  const win = 16;
  const shiftMax = Math.round((pSec * fps) / 4);
  for (let w0 = Math.ceil((input.audibleStart - phase) / pSec); phase + (w0 + win) * pSec < input.audibleEnd; w0 += win) {
    let bestShift = 0;
    let bestSum = -1;
    for (let s = -shiftMax; s <= shiftMax; s++) {
      let sum = 0;
      for (let k = w0; k < w0 + win; k++) {
        const f = Math.round((phase + k * pSec + input.latency) * fps) + s;
        if (f >= 0 && f < x.length) sum += x[f]!;
      }
      if (sum > bestSum) {
        bestSum = sum;
        bestShift = s;
      }
    }
    offsets.push(bestShift / fps);
  }
  const sorted = [...offsets].sort((p, q) => p - q);
  const median = sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
  const consistency = offsets.length ? offsets.filter((o) => Math.abs(o - median) <= 0.015).length / offsets.length : null;
  const variable = offsets.length >= 3 && sorted[sorted.length - 1]! - sorted[0]! > 0.035 && (consistency ?? 1) < 0.8;
  return { consistency, variable };
}

/** A drifting tempo: beats tracked one by one, the BPM their median interval. */
function trackedBeats(x: Float32Array, period: number, from: number, to: number, toSec: (frame: number) => number, constantBpm: number) {
  const beats = trackBeats(x, period, from, to).map(toSec);
  const ibis = beats
    .slice(1)
    .map((t, i) => t - beats[i]!)
    .sort((p, q) => p - q);
  const bpm = ibis.length ? Math.round((60 / ibis[Math.floor(ibis.length / 2)]!) * 100) / 100 : constantBpm;
  return { beats, bpm };
}

/** A steady tempo: the grid from the phase to the end of the file. */
function constantBeats(phase: number, pSec: number, duration: number): number[] {
  const beats: number[] = [];
  // a beat a hair before the start (the first attack at 0, measured a little early) is the first one
  const start = phase > pSec - 0.02 ? phase - pSec : phase;
  for (let t = start; t < duration; t += pSec) beats.push(Math.max(0, Math.round(t * 10000) / 10000));
  return beats;
}

/** A beat is a beat when most beats carry an onset (one attack in a held chord is not a tempo), above the wash. */
function hasPulse(x: Float32Array, foldPhase: number, period: number, from: number, to: number, fps: number, variable: boolean, confidence: number): boolean {
  const w = Math.max(1, Math.round(fps * 0.02));
  let on = 0;
  let sum = 0;
  // onsets on the constant grid (loosely, ±1/8 beat, when the tempo drifts): a tracker that
  // follows any ripple would always find some on its own beats
  const loose = variable ? Math.max(w, Math.round(period / 8)) : w;
  let grid = 0;
  for (let f = foldPhase + Math.ceil((from - foldPhase) / period) * period; f < to; f += period, grid++) {
    sum += localMax(x, f, w);
    if (localMax(x, f, loose) > 0.15) on++;
  }
  const sample: number[] = [];
  for (let i = from; i < to; i += 3) sample.push(x[i]!);
  sample.sort((p, q) => p - q);
  const q75 = sample[Math.floor(sample.length * 0.75)] ?? 0;
  // most frames carry as much "onset" as the beats do: a wash (a pad's beating, reverb), no pulse
  const wash = q75 > 0.35 * (sum / Math.max(1, grid)) && confidence < 0.5;
  return grid >= 8 && on / grid >= 0.4 && !wash;
}
