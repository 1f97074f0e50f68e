import { createCallerFactory, router } from './init';
import { analysisRouter } from './routers/analysis';
import { authRouter } from './routers/auth';
import { audioEngineRouter } from './routers/audio-engine';
import { hotCuesRouter } from './routers/hot-cues';
import { directoriesRouter } from './routers/directories';
import { duplicatesRouter } from './routers/duplicates';
import { eventsRouter } from './routers/events';
import { filesRouter } from './routers/files';
import { jobsRouter } from './routers/jobs';
import { missingRouter } from './routers/missing';
import { playlistsRouter } from './routers/playlists';
import { scansRouter } from './routers/scans';
import { settingsRouter } from './routers/settings';
import { suggestRouter } from './routers/suggest';
import { systemRouter } from './routers/system';
import { tracksRouter } from './routers/tracks';

export const appRouter = router({
  analysis: analysisRouter,
  audioEngine: audioEngineRouter,
  auth: authRouter,
  directories: directoriesRouter,
  duplicates: duplicatesRouter,
  events: eventsRouter,
  files: filesRouter,
  hotCues: hotCuesRouter,
  jobs: jobsRouter,
  missing: missingRouter,
  playlists: playlistsRouter,
  scans: scansRouter,
  settings: settingsRouter,
  suggest: suggestRouter,
  system: systemRouter,
  tracks: tracksRouter,
});

/** The API's type, for other TypeScript tools (see server/trpc/client.ts). */
export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
