import { z } from 'zod';
import { PlaylistEntrySchema, PlaylistListItemSchema, PlaylistRowSchema } from '../../playlists/output';
import { ExportOptions, exportPlaylist, importPlaylist } from '../../playlists/exchange';
import { listPlaylists, listSessions, playlistEntries, playlistView, smartPreview } from '../../playlists/queries';
import {
  AddTracksInput,
  CopyInput,
  CreatePlaylistInput,
  IdInput,
  ImportInput,
  ListInput,
  LogPlayInput,
  MergeInput,
  MoveEntriesInput,
  NoInput,
  PromoteInput,
  RelinkEntryInput,
  RemoveEntriesInput,
  SmartPreviewInput,
  SplitSessionInput,
  ThinkInput,
  UpdateEntryInput,
  UpdatePlaylistInput,
} from '../../playlists/schemas';
import * as use from '../../playlists/use-cases';
import { react, ReactInput } from '../../sessions/reactions';
import { procedure, router } from '../init';

export const playlistsRouter = router({
  /** Every playlist and folder (the sidebar), with its size; `q` searches names. */
  list: procedure
    .input(ListInput)
    .output(z.array(PlaylistListItemSchema))
    .query(({ ctx, input }) => listPlaylists(ctx.app.db, input?.q)),
  /** One playlist with its statistics; smart ones with their rules read back as a sentence. */
  byId: procedure.input(IdInput).query(({ ctx, input }) => playlistView(ctx.app.db, input.id)),
  /** Its tracks in order, with notes, cue in/out, play times and placeholders. */
  entries: procedure
    .input(IdInput)
    .output(z.array(PlaylistEntrySchema))
    .query(({ ctx, input }) => playlistEntries(ctx.app.db, input.id)),
  create: procedure.input(CreatePlaylistInput).mutation(({ ctx, input }) => use.create(ctx.app, input)),
  update: procedure.input(UpdatePlaylistInput).mutation(({ ctx, input }) => use.update(ctx.app, input)),
  remove: procedure.input(IdInput).mutation(({ ctx, input }) => use.remove(ctx.app, input.id)),
  addTracks: procedure.input(AddTracksInput).mutation(({ ctx, input }) => use.addTo(ctx.app, input)),
  removeEntries: procedure.input(RemoveEntriesInput).mutation(({ ctx, input }) => use.removeFrom(ctx.app, input)),
  /** Moves entries so the first lands at `toIndex` of the list without them (drag and drop). */
  moveEntries: procedure.input(MoveEntriesInput).mutation(({ ctx, input }) => use.move(ctx.app, input)),
  updateEntry: procedure.input(UpdateEntryInput).mutation(({ ctx, input }) => use.editEntry(ctx.app, input)),
  relinkEntry: procedure.input(RelinkEntryInput).mutation(({ ctx, input }) => use.relink(ctx.app, input.entryId, input.trackId)),
  /** A static copy: of any playlist, or of what a smart playlist holds now. */
  copyAsStatic: procedure.input(CopyInput).mutation(({ ctx, input }) => use.copy(ctx.app, input)),
  /** A smart playlist (frozen as it stands) or a DJ session becomes an editable static playlist, in place. */
  convertToStatic: procedure.input(IdInput).mutation(({ ctx, input }) => use.makeStatic(ctx.app, input.id)),
  merge: procedure.input(MergeInput).mutation(({ ctx, input }) => use.merge(ctx.app, input)),
  /** Live preview while editing rules: how many match, the first ones, and the sentence. */
  smartPreview: procedure.input(SmartPreviewInput).query(({ ctx, input }) => smartPreview(ctx.app.db, input, ctx.app.clock.now())),
  thinking: procedure.input(NoInput).query(({ ctx }) => use.thinking(ctx.app)),
  /** Adds or takes out tracks of the thinking playlist (the library's quick key). */
  think: procedure.input(ThinkInput).mutation(({ ctx, input }) => use.think(ctx.app, input)),
  promoteThinking: procedure.input(PromoteInput).mutation(({ ctx, input }) => use.promote(ctx.app, input.name)),
  /** Logs a play from another tool (the audio engine's loads are logged by the worker). */
  logPlay: procedure.input(LogPlayInput).mutation(({ ctx, input }) => use.logPlay(ctx.app, input)),
  finalizeSession: procedure.input(IdInput).mutation(({ ctx, input }) => use.finalize(ctx.app, input.id)),
  /** The playlist as an M3U8 (absolute or relative paths) or JSON file; also a download at /api/playlists/:id/export. */
  export: procedure.input(ExportOptions.extend(IdInput.shape)).query(({ ctx, input }) => exportPlaylist(ctx.app.db, input.id, input)),
  /** Imports an M3U/M3U8 file or a JSON export as a new playlist, and reports the entries no library track matched. */
  import: procedure.input(ImportInput).mutation(({ ctx, input }) => importPlaylist(ctx.app.db, input, ctx.app.clock.now())),
  /** Splits a DJ session before an entry into two sessions. */
  splitSession: procedure.input(SplitSessionInput).mutation(({ ctx, input }) => use.split(ctx.app, input)),
  /** Marks how a play of a DJ session went: good, floor filler, cleared the floor (null takes the mark away). */
  react: procedure.input(ReactInput).mutation(({ ctx, input }) => react(ctx.app, input)),
  sessions: procedure
    .input(NoInput)
    .output(z.array(PlaylistRowSchema))
    .query(({ ctx }) => listSessions(ctx.app.db)),
});
