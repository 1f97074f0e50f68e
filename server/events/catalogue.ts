/**
 * Every live event, by type. Events carry ids and small facts, never whole rows: the UI refetches
 * what it shows. Names follow DESIGN.md.
 */
export interface EventMap {
  'track:added': { trackIds: string[]; directoryId?: string | null };
  'track:updated': { trackIds: string[]; fields?: string[] };
  'track:deleted': { trackIds: string[] };
  'track:moved': { trackId: string; from: { directoryId: string | null; relPath: string }; to: { directoryId: string; relPath: string } };
  /** A whole folder going offline sends `count` and no ids. */
  'track:missing': { trackIds: string[]; reason: string; directoryId?: string | null; count?: number };
  'track:restored': { trackIds: string[]; directoryId?: string | null; count?: number };
  'library:directory:added': { directoryId: string };
  'library:directory:updated': { directoryId: string; fields?: string[] };
  'library:directory:removed': { directoryId: string; keptTracks: boolean };
  'library:directory:scan:started': { directoryId: string; scanId: number; jobId: number | null; strategy: string; relPath: string };
  'library:directory:scan:progress': { directoryId: string; scanId: number; phase: string; stats: Record<string, number> };
  'library:directory:scan:complete': { directoryId: string; scanId: number; status: string; stats: Record<string, number> };
  'library:media:connected': { directoryId: string };
  'library:media:disconnected': { directoryId: string; reason: string };
  'library:watch:state': { directoryId: string; state: string; detail?: string };
  'analysis:queued': { audioHashes: string[]; priority: number };
  'analysis:started': { audioHash: string; server: string };
  'analysis:progress': { audioHash: string; stage: string };
  'analysis:complete': { audioHash: string; trackIds: string[]; stages: string[] };
  'analysis:failed': { audioHash: string; error: string; final: boolean };
  'analysis_server:state': { url: string; state: string; detail?: string };
  'audio_engine:state': { state: string; version?: string | null; detail?: string };
  'audio_engine:deck': { deck: string; trackId: string | null };
  'duplicate:detected': { groupId: number; audioHash: string; trackIds: string[] };
  'duplicate:resolved': { groupId: number; resolutionId: number; undone?: boolean };
  'file_operation:started': { operationId: number; kind: string; trackId?: string | null; batchId?: string | null };
  'file_operation:progress': { batchId: string; done: number; total: number };
  'file_operation:complete': { operationId: number; kind: string; trackId?: string | null; batchId?: string | null };
  'file_operation:failed': { operationId: number; kind: string; error: string; batchId?: string | null };
  'playlist:created': { playlistId: string };
  'playlist:updated': { playlistId: string };
  'playlist:deleted': { playlistId: string };
  'playlist:track:added': { playlistId: string; count: number };
  'playlist:track:removed': { playlistId: string; count: number };
  'playlist:track:reordered': { playlistId: string };
  'playlist:smart:refreshed': { playlistId: string; count: number; added: number; removed: number };
  'session:started': { playlistId: string };
  'session:track:played': { playlistId: string; trackId: string };
  'session:finalized': { playlistId: string };
  'hot_cue:updated': { trackId: string; origin?: 'ui' | 'engine' };
  'job:queued': { jobId: number; kind: string };
  'job:started': { jobId: number; kind: string };
  'job:progress': { jobId: number; kind: string; done: number; total: number | null; message?: string };
  'job:succeeded': { jobId: number; kind: string };
  'job:failed': { jobId: number; kind: string; error: string; willRetry: boolean };
  'job:cancelled': { jobId: number; kind: string };
  'worker:state': { workerId: string; state: string };
  'settings:updated': { keys: string[] };
  'backup:created': { name: string; reason: string; sizeBytes: number };
}

export type EventType = keyof EventMap;
export type AppEvent = { [K in EventType]: { type: K; payload: EventMap[K] } }[EventType];
export interface StoredEvent<T extends EventType = EventType> {
  id: number;
  type: T;
  payload: EventMap[T];
  createdAt: number;
}

/** Event type prefixes a UI widget can listen to. */
export const eventTypePrefix = (type: string) => type.split(':')[0] ?? type;
