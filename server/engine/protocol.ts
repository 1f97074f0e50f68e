import { z } from 'zod';

/**
 * The audio engine's WebSocket protocol (PROTOCOLS.md Part A §A2, Part B §3). The engine is the
 * server, we are the client. Every inbound frame is classified and validated here; nothing else
 * looks at raw frames.
 */

/** Every error string we send (Part B §3.5); the engine matches on them. */
export const ENGINE_ERRORS = {
  missingTrackId: 'Missing trackId parameter',
  trackNotFound: 'Track not found',
  directoryNotFound: 'Library directory not found',
  fileMissing: 'Track file missing',
  analysisInProgress: 'Analysis in progress',
  analysisFailedToStart: 'Failed to start analysis',
  internal: 'Internal server error',
  missingCommand: 'Invalid message format: missing command field',
  unknownCommand: (name: string) => `Unknown command: ${name}`,
  parse: 'Failed to parse message',
} as const;

export const REGISTERED_MESSAGE = 'App server registered successfully';

const deck = z.string().min(1).max(16);
const trackIdField = z.string().max(200);
const cueIndex = z.number().int().min(0).max(7);

/** Events the engine broadcasts; those not listed are ignored (never answered). */
export const EngineEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('trackLoadRequested'), deck, trackId: trackIdField }),
  z.object({ event: z.literal('trackLoaded'), deck, trackId: trackIdField.optional(), success: z.boolean().default(true) }),
  z.object({ event: z.literal('trackUnloaded'), deck }),
  z.object({ event: z.literal('deckLoadFailed'), deck, trackId: trackIdField.optional(), error: z.string().optional() }),
  z.object({ event: z.literal('cuePointSet'), deck, index: cueIndex, position: z.number().finite().min(0), success: z.boolean().default(true) }),
  z.object({ event: z.literal('cuePointRemoved'), deck, index: cueIndex, success: z.boolean().default(true) }),
]);
export type EngineEvent = z.infer<typeof EngineEvent>;
export const HANDLED_EVENTS = new Set(EngineEvent.options.map((o) => o.shape.event.value));

export const GetTrackInfo = z.object({
  command: z.literal('getTrackInfo'),
  trackId: z.unknown().optional(),
  deck: deck.optional(),
  stems: z.boolean().default(false),
  requestId: z.union([z.string().max(200), z.number()]).optional(),
});
export type GetTrackInfo = z.infer<typeof GetTrackInfo>;

/** `deck.setCue` from the engine is taken as a cue set on that deck (Part B §3.4, open question 5). */
export const DeckSetCue = z.object({ command: z.literal('deck.setCue'), deck, index: cueIndex, position: z.number().finite().min(0), requestId: z.unknown().optional() });

export type Inbound =
  | { kind: 'event'; event: EngineEvent }
  | { kind: 'ignoredEvent'; name: string }
  | { kind: 'badEvent'; name: string; problem: string }
  | { kind: 'welcome'; version: string | null }
  | { kind: 'registered' }
  | { kind: 'reply'; frame: Record<string, unknown> }
  | { kind: 'getTrackInfo'; request: GetTrackInfo }
  | { kind: 'setCue'; deck: string; index: number; position: number; requestId?: unknown }
  | { kind: 'badCommand'; command: string; requestId?: unknown; trackId?: unknown; problem: string }
  | { kind: 'unknownCommand'; command: string; requestId?: unknown }
  | { kind: 'missingCommand'; requestId?: unknown }
  | { kind: 'garbage'; problem: string };

const problemOf = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || 'frame'}: ${i.message}`).join('; ');

/**
 * Classifies one text frame in the order of Part B §3.4, with two fixes: anything that is itself a
 * reply or an error (`success`, `error`) is never answered, and frames that are not JSON objects
 * are dropped without a reply.
 */
export function classifyFrame(text: string): Inbound {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'garbage', problem: 'not JSON' };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { kind: 'garbage', problem: 'not a JSON object' };
  const f = raw as Record<string, unknown>;
  if ('event' in f) {
    const name = String(f.event);
    if (!HANDLED_EVENTS.has(name as EngineEvent['event'])) return { kind: 'ignoredEvent', name };
    const r = EngineEvent.safeParse(f);
    return r.success ? { kind: 'event', event: r.data } : { kind: 'badEvent', name, problem: problemOf(r.error) };
  }
  if (f.type === 'welcome') return { kind: 'welcome', version: typeof f.version === 'string' ? f.version.slice(0, 100) : null };
  if (f.success === true && f.message === REGISTERED_MESSAGE) return { kind: 'registered' };
  if (!('command' in f)) {
    if ('success' in f || 'error' in f || 'type' in f) return { kind: 'reply', frame: f };
    return { kind: 'missingCommand', requestId: f.requestId };
  }
  const command = typeof f.command === 'string' ? f.command : JSON.stringify(f.command);
  if (command === 'getTrackInfo') {
    const r = GetTrackInfo.safeParse(f);
    return r.success ? { kind: 'getTrackInfo', request: r.data } : { kind: 'badCommand', command, requestId: f.requestId, trackId: f.trackId, problem: problemOf(r.error) };
  }
  if (command === 'deck.setCue') {
    const r = DeckSetCue.safeParse(f);
    return r.success
      ? { kind: 'setCue', deck: r.data.deck, index: r.data.index, position: r.data.position, requestId: r.data.requestId }
      : { kind: 'badCommand', command, requestId: f.requestId, problem: problemOf(r.error) };
  }
  return { kind: 'unknownCommand', command: command.slice(0, 100), requestId: f.requestId };
}

/** A requestId is echoed when it is a plain string or number (anything else is not ours to repeat). */
export const echoId = (id: unknown): { requestId?: string | number } => (typeof id === 'string' || typeof id === 'number' ? { requestId: id } : {});

export interface EngineHotCue {
  index: number;
  position: number;
  isLoop: boolean;
  loopEnd?: number;
}

/** The success reply to `getTrackInfo` (Part B §3.5), field order as the reference sends it. */
export interface TrackInfoMessage {
  success: true;
  requestId?: string | number;
  trackId: string;
  filePath: string;
  bpm: number;
  key: string;
  mode: string;
  firstBeatOffset: number;
  firstPhraseBeatNo: number;
  hotCues: EngineHotCue[];
}

export interface EngineErrorMessage {
  success: false;
  requestId?: string | number;
  trackId: string;
  error: string;
}

export interface StemsReadyMessage {
  success: true;
  type: 'stemsReady';
  requestId?: string | number;
  trackId: string;
  stems: Record<string, string>;
}

export const errorReply = (trackId: unknown, error: string, requestId?: unknown): EngineErrorMessage => ({
  success: false,
  ...echoId(requestId),
  trackId: typeof trackId === 'string' ? trackId : '',
  error,
});
