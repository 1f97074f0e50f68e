import { z } from 'zod';
import { trackAnalysis } from '../analysis/queries';
import type { AppContext } from '../context';
import { trackRowById, type TrackRow } from '../tracks/track-rows';
import { featuresOf, scoreSettings } from './next-up';
import { KEY_RELATIONS, scorePair } from './score';

export const TransitionInput = z.object({ fromId: z.string().min(1).max(100), toId: z.string().min(1).max(100), keyLock: z.boolean().default(true) });

/** A phrase: eight bars of four beats, the unit dance music changes on. */
const PHRASE_BEATS = 32;

const clock = (sec: number) => `${Math.floor(sec / 60)}:${(sec % 60).toFixed(1).padStart(4, '0')}`;

interface Grid {
  beats: number[];
  /** Index of the first beat of the first phrase. */
  phraseStart: number;
  audibleStart: number | null;
  audibleEnd: number | null;
}

function gridOf(ctx: AppContext, id: string): Grid {
  const a = trackAnalysis(ctx.db, id);
  return {
    beats: a.beats,
    phraseStart: Math.max(0, (a.analysis?.firstPhraseBeat ?? 1) - 1),
    audibleStart: a.analysis?.audibleStart ?? null,
    audibleEnd: a.analysis?.audibleEnd ?? null,
  };
}

/** Where the outgoing track's last whole phrase starts (before its sound ends), in seconds. */
function mixOutPoint(g: Grid): number | null {
  const end = g.audibleEnd ?? g.beats.at(-1) ?? null;
  if (end === null || g.beats.length < PHRASE_BEATS) return null;
  let best: number | null = null;
  for (let i = g.phraseStart; i + PHRASE_BEATS < g.beats.length; i += PHRASE_BEATS) if (g.beats[i + PHRASE_BEATS]! <= end + 0.05) best = g.beats[i]!;
  return best;
}

/** Where the incoming track's first phrase starts once it sounds, in seconds. */
function mixInPoint(g: Grid): number | null {
  const start = g.audibleStart ?? 0;
  for (let i = g.phraseStart; i < g.beats.length; i += PHRASE_BEATS) if (g.beats[i]! >= start - 0.05) return g.beats[i]!;
  return g.beats.find((b) => b >= start) ?? null;
}

/**
 * How to mix from one track into another (issue 21): start the next track's first phrase when the
 * playing one reaches its last whole phrase (phrase-aligned from the beat grids and the audible
 * start and end), the tempo change the next track needs and the key relation, in one sentence.
 */
export function transitionHint(ctx: AppContext, raw: z.input<typeof TransitionInput>) {
  const input = TransitionInput.parse(raw);
  const [from, to] = [trackRowById(ctx.db, input.fromId), trackRowById(ctx.db, input.toId)];
  const score = scorePair(featuresOf(from), featuresOf(to), { ...scoreSettings(ctx), halfDouble: true, keyLock: input.keyLock, direction: 'any', now: ctx.clock.now() });
  const out = mixOutPoint(gridOf(ctx, from.id));
  const into = mixInPoint(gridOf(ctx, to.id));
  const name = (t: TrackRow) => `“${t.title ?? t.fileName}”`;
  const parts: string[] = [];
  if (out !== null && into !== null)
    parts.push(
      `Start ${name(to)} at ${clock(into)} (its first phrase) when ${name(from)} reaches ${clock(out)} (its last ${PHRASE_BEATS / 4} bars): ${PHRASE_BEATS} beats together`,
    );
  else parts.push(`No beat grid on ${out === null ? name(from) : name(to)} yet: mix by ear (it is phrase-aligned once both are analysed)`);
  if (score.tempoChangePct !== null)
    parts.push(Math.abs(score.tempoChangePct) < 0.05 ? 'same tempo' : `pitch ${name(to)} ${score.tempoChangePct > 0 ? '+' : ''}${score.tempoChangePct.toFixed(1)} %`);
  if (score.relation) parts.push(`${score.chips.find((c) => c.includes('→')) ?? ''} (${KEY_RELATIONS[score.relation].words})`);
  // where the overlap ends on each track: 32 beats at its own tempo
  const span = (t: TrackRow) => (t.bpm ? (PHRASE_BEATS * 60) / t.bpm : null);
  const outSpan = span(from);
  const inSpan = span(to);
  return {
    fromId: from.id,
    toId: to.id,
    mixOutAt: out,
    mixOutEnd: out !== null && outSpan !== null ? out + outSpan : null,
    mixInAt: into,
    mixInEnd: into !== null && inSpan !== null ? into + inSpan : null,
    overlapBeats: out !== null && into !== null ? PHRASE_BEATS : null,
    score: score.total,
    chips: score.chips,
    sentence: `${parts.join('; ')}.`,
  };
}
