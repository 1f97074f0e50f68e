import { asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { libraryDirectories, playlistTracks, playlists } from '@/drizzle/schema';
import type { Db } from '../../db/client';
import { writeTx } from '../../db/tx';
import { InvalidError } from '../../errors';
import {
  addTracks,
  convertToStatic,
  copyAsStatic,
  createPlaylist,
  deletePlaylist,
  mergePlaylists,
  moveEntries,
  playlistById,
  playlistStats,
  promoteThinking,
  existingThinking,
  relinkEntry,
  removeEntries,
  thinkingPlaylist,
  updateEntry,
  updatePlaylist,
} from '../../playlists/playlists';
import { ExportOptions, exportPlaylist, importPlaylist } from '../../playlists/exchange';
import { explainRule, SmartDefinition } from '../../playlists/rules';
import { refreshSmartPlaylist, smartCount, smartDefinitionOf, smartTrackIds } from '../../playlists/smart';
import { finalizeSession, recordPlay, splitSession } from '../../sessions/plays';
import { mapRow, ROW_COLUMNS_SQL, type TrackRow } from '../../tracks/track-rows';
import { procedure, router } from '../init';

const Id = z.string().uuid();
const Name = z.string().trim().min(1).max(200);
const Colour = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/)
  .nullable();
const Icon = z.string().max(40).nullable();
const TrackIds = z.array(Id).min(1).max(100_000);
const EntryIds = z.array(z.number().int().positive()).min(1).max(100_000);

/** Names for `explain`: playlists and folders by id. */
function namer(db: Db) {
  return {
    playlist: (id: string) => db.select({ n: playlists.name }).from(playlists).where(eq(playlists.id, id)).get()?.n,
    directory: (id: string) => db.select({ n: libraryDirectories.name }).from(libraryDirectories).where(eq(libraryDirectories.id, id)).get()?.n,
  };
}

function tracksByIds(db: Db, ids: string[]): TrackRow[] {
  if (!ids.length) return [];
  const rows = db.all<Record<string, unknown>>(sql`SELECT ${sql.raw(ROW_COLUMNS_SQL)} FROM tracks t WHERE t.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  const byId = new Map(rows.map((r) => [r.id as string, mapRow(r)]));
  return ids.map((id) => byId.get(id)).filter((r): r is TrackRow => r !== undefined);
}

export const playlistsRouter = router({
  /** Every playlist and folder (the sidebar), with its size; `q` searches names. */
  list: procedure.input(z.object({ q: z.string().max(200).optional() }).optional()).query(({ ctx, input }) => {
    const db = ctx.app.db;
    const q = input?.q?.trim();
    return db.all<{
      id: string;
      name: string;
      type: 'static' | 'smart' | 'session' | 'temp' | 'folder';
      parentId: string | null;
      color: string | null;
      icon: string | null;
      isFavorite: number;
      isReadonly: number;
      sortOrder: number;
      sessionStartedAt: number | null;
      sessionEndedAt: number | null;
      count: number;
    }>(sql`SELECT p.id, p.name, p.type, p.parent_id AS parentId, p.color, p.icon, p.is_favorite AS isFavorite, p.is_readonly AS isReadonly,
             p.sort_order AS sortOrder, p.session_started_at AS sessionStartedAt, p.session_ended_at AS sessionEndedAt,
             (SELECT count(*) FROM playlist_tracks pt WHERE pt.playlist_id = p.id) AS count
           FROM playlists p ${q ? sql`WHERE instr(lower(p.name), lower(${q})) > 0` : sql``}
           ORDER BY p.type = 'temp' DESC, p.type = 'session', p.sort_order, p.name COLLATE NOCASE`);
  }),
  /** One playlist with its statistics; smart ones with their rules read back as a sentence. */
  byId: procedure.input(z.object({ id: Id })).query(({ ctx, input }) => {
    const db = ctx.app.db;
    const p = playlistById(db, input.id);
    const smart = p.type === 'smart' ? smartDefinitionOf(p) : null;
    return { ...p, smart, explain: smart ? explainRule(smart.rules, namer(db)) : null, stats: playlistStats(db, p.id) };
  }),
  /** Its tracks in order, with notes, cue in/out, play times and placeholders (a smart playlist's as last refreshed). */
  entries: procedure.input(z.object({ id: Id })).query(({ ctx, input }) => {
    const db = ctx.app.db;
    const p = playlistById(db, input.id);
    const rows = db.select().from(playlistTracks).where(eq(playlistTracks.playlistId, p.id)).orderBy(asc(playlistTracks.position), asc(playlistTracks.id)).all();
    const byId = new Map(tracksByIds(db, [...new Set(rows.map((r) => r.trackId).filter((x): x is string => !!x))]).map((t) => [t.id, t]));
    return rows.map((r) => ({
      entryId: r.id,
      position: r.position,
      track: r.trackId ? (byId.get(r.trackId) ?? null) : null,
      notes: r.notes,
      cueInSec: r.cueInSec,
      cueOutSec: r.cueOutSec,
      ratingInContext: r.ratingInContext,
      playedAt: r.playedAt,
      playDurationMs: r.playDurationMs,
      placeholder: r.placeholder,
    }));
  }),
  create: procedure
    .input(
      z.object({
        name: Name,
        type: z.enum(['static', 'smart', 'folder']),
        parentId: Id.nullable().optional(),
        color: Colour.optional(),
        icon: Icon.optional(),
        smart: SmartDefinition.optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      if (input.type === 'smart' && !input.smart) throw new InvalidError('A smart playlist needs rules');
      const now = ctx.app.clock.now();
      return writeTx(ctx.app.db, (tx) => {
        const p = createPlaylist(tx, { ...input, smart: input.type === 'smart' ? input.smart : undefined }, now);
        if (p.type === 'smart') refreshSmartPlaylist(tx, p, now);
        return p;
      });
    }),
  update: procedure
    .input(
      z.object({
        id: Id,
        name: Name.optional(),
        description: z.string().max(2000).nullable().optional(),
        color: Colour.optional(),
        icon: Icon.optional(),
        isFavorite: z.boolean().optional(),
        parentId: Id.nullable().optional(),
        sessionVenue: z.string().max(200).nullable().optional(),
        smart: SmartDefinition.optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      const { id, smart, ...patch } = input;
      const now = ctx.app.clock.now();
      return writeTx(ctx.app.db, (tx) => {
        if (smart && playlistById(tx, id).type !== 'smart') throw new InvalidError('Only a smart playlist has rules');
        if (smart) tx.update(playlists).set({ smartRules: smart.rules, smartSort: smart.sort, smartLimit: smart.limit }).where(eq(playlists.id, id)).run();
        const p = updatePlaylist(tx, id, patch, now);
        if (smart) refreshSmartPlaylist(tx, p, now);
        return p;
      });
    }),
  remove: procedure.input(z.object({ id: Id })).mutation(({ ctx, input }) => {
    writeTx(ctx.app.db, (tx) => deletePlaylist(tx, input.id, ctx.app.clock.now()));
    return { removed: true };
  }),
  addTracks: procedure
    .input(z.object({ id: Id, trackIds: TrackIds, position: z.number().int().min(0).optional(), allowDuplicates: z.boolean().default(false) }))
    .mutation(({ ctx, input }) => writeTx(ctx.app.db, (tx) => addTracks(tx, input.id, input.trackIds, ctx.app.clock.now(), input))),
  removeEntries: procedure
    .input(z.object({ id: Id, entryIds: EntryIds }))
    .mutation(({ ctx, input }) => writeTx(ctx.app.db, (tx) => removeEntries(tx, input.id, input.entryIds, ctx.app.clock.now()))),
  /** Moves entries so the first lands at `toIndex` of the list without them (drag and drop). */
  moveEntries: procedure
    .input(z.object({ id: Id, entryIds: EntryIds, toIndex: z.number().int().min(0) }))
    .mutation(({ ctx, input }) => writeTx(ctx.app.db, (tx) => moveEntries(tx, input.id, input.entryIds, input.toIndex, ctx.app.clock.now()))),
  updateEntry: procedure
    .input(
      z.object({
        entryId: z.number().int().positive(),
        notes: z.string().max(2000).nullable().optional(),
        cueInSec: z.number().min(0).max(86_400).nullable().optional(),
        cueOutSec: z.number().min(0).max(86_400).nullable().optional(),
        ratingInContext: z.number().int().min(0).max(5).nullable().optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      const { entryId, ...patch } = input;
      return writeTx(ctx.app.db, (tx) => updateEntry(tx, entryId, patch, ctx.app.clock.now()));
    }),
  relinkEntry: procedure.input(z.object({ entryId: z.number().int().positive(), trackId: Id })).mutation(({ ctx, input }) => {
    writeTx(ctx.app.db, (tx) => relinkEntry(tx, input.entryId, input.trackId, ctx.app.clock.now()));
    return { relinked: true };
  }),
  /** A static copy: of any playlist, or of what a smart playlist holds now. */
  copyAsStatic: procedure.input(z.object({ id: Id, name: Name })).mutation(({ ctx, input }) => {
    const now = ctx.app.clock.now();
    return writeTx(ctx.app.db, (tx) => {
      const p = playlistById(tx, input.id);
      if (p.type === 'folder') throw new InvalidError(`"${p.name}" is a folder`);
      if (p.type === 'smart') refreshSmartPlaylist(tx, p, now);
      return copyAsStatic(tx, p.id, input.name, now);
    });
  }),
  /** A smart playlist (frozen as it stands) or a DJ session becomes an editable static playlist, in place. */
  convertToStatic: procedure.input(z.object({ id: Id })).mutation(({ ctx, input }) => writeTx(ctx.app.db, (tx) => convertToStatic(tx, input.id, ctx.app.clock.now()))),
  merge: procedure
    .input(z.object({ targetId: Id, sourceId: Id, deleteSource: z.boolean().default(false), allowDuplicates: z.boolean().default(false) }))
    .mutation(({ ctx, input }) => writeTx(ctx.app.db, (tx) => mergePlaylists(tx, input.targetId, input.sourceId, ctx.app.clock.now(), input))),
  /** Live preview while editing rules: how many match, the first ones, and the sentence. */
  smartPreview: procedure.input(SmartDefinition.and(z.object({ limitPreview: z.number().int().min(1).max(500).default(50) }))).query(({ ctx, input }) => {
    const db = ctx.app.db;
    const now = ctx.app.clock.now();
    const ids = smartTrackIds(db, input, now);
    return { count: smartCount(db, input, now), selected: ids.length, explain: explainRule(input.rules, namer(db)), tracks: tracksByIds(db, ids.slice(0, input.limitPreview)) };
  }),
  // created by a migration; a read never writes (only if it is somehow gone does this make it again)
  thinking: procedure.input(z.object({}).optional()).query(({ ctx }) => existingThinking(ctx.app.db) ?? writeTx(ctx.app.db, (tx) => thinkingPlaylist(tx, ctx.app.clock.now()))),
  /** Adds or takes out tracks of the thinking playlist (the library's quick key). */
  think: procedure.input(z.object({ trackIds: TrackIds, add: z.boolean() })).mutation(({ ctx, input }) => {
    const now = ctx.app.clock.now();
    return writeTx(ctx.app.db, (tx) => {
      const p = thinkingPlaylist(tx, now);
      if (input.add) return { ...addTracks(tx, p.id, input.trackIds, now), playlistId: p.id };
      const ids = tx.all<{ id: number }>(
        sql`SELECT id FROM playlist_tracks WHERE playlist_id = ${p.id} AND track_id IN (SELECT value FROM json_each(${JSON.stringify(input.trackIds)}))`,
      );
      return {
        ...removeEntries(
          tx,
          p.id,
          ids.map((r) => r.id),
          now,
        ),
        playlistId: p.id,
      };
    });
  }),
  promoteThinking: procedure.input(z.object({ name: Name })).mutation(({ ctx, input }) => writeTx(ctx.app.db, (tx) => promoteThinking(tx, input.name, ctx.app.clock.now()))),
  /** Logs a play from another tool (the audio engine's loads are logged by the worker). */
  logPlay: procedure.input(z.object({ trackId: Id, durationMs: z.number().int().min(0).max(86_400_000).optional() })).mutation(({ ctx, input }) => {
    const now = ctx.app.clock.now();
    const r = writeTx(ctx.app.db, (tx) => recordPlay(tx, input.trackId, now, { inactivityHours: ctx.app.settings.get('sessions.inactivityHours'), durationMs: input.durationMs }));
    if (!r) throw new InvalidError(`No track ${input.trackId}`);
    return r;
  }),
  finalizeSession: procedure.input(z.object({ id: Id })).mutation(({ ctx, input }) => ({
    finalized: writeTx(ctx.app.db, (tx) => finalizeSession(tx, input.id, ctx.app.clock.now())),
  })),
  /** The playlist as an M3U8 (absolute or relative paths) or JSON file; the web also serves it as a download at /api/playlists/:id/export. */
  export: procedure.input(ExportOptions.extend({ id: Id })).query(({ ctx, input }) => exportPlaylist(ctx.app.db, input.id, input)),
  /** Imports an M3U/M3U8 file or a JSON export as a new playlist, and reports the entries no library track matched. */
  import: procedure
    .input(
      z.object({
        fileName: z.string().trim().min(1).max(255),
        content: z.string().max(20_000_000),
        name: Name.optional(),
        parentId: Id.nullable().optional(),
        baseDir: z.string().startsWith('/').max(4096).nullable().optional(),
        keepUnmatched: z.boolean().default(true),
      }),
    )
    .mutation(({ ctx, input }) => importPlaylist(ctx.app.db, input, ctx.app.clock.now())),
  /** Splits a DJ session before an entry into two sessions. */
  splitSession: procedure
    .input(z.object({ id: Id, entryId: z.number().int().positive() }))
    .mutation(({ ctx, input }) => writeTx(ctx.app.db, (tx) => splitSession(tx, input.id, input.entryId, ctx.app.clock.now()))),
  sessions: procedure
    .input(z.object({}).optional())
    .query(({ ctx }) => ctx.app.db.select().from(playlists).where(eq(playlists.type, 'session')).orderBy(desc(playlists.sessionStartedAt)).all()),
});
