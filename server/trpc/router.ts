import { createCallerFactory, router } from './init';
import { directoriesRouter } from './routers/directories';
import { eventsRouter } from './routers/events';
import { jobsRouter } from './routers/jobs';
import { settingsRouter } from './routers/settings';
import { systemRouter } from './routers/system';

export const appRouter = router({
  directories: directoriesRouter,
  events: eventsRouter,
  jobs: jobsRouter,
  settings: settingsRouter,
  system: systemRouter,
});

/** The API's type, for other TypeScript tools (see server/trpc/client.ts). */
export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
