/**
 * The modules of server/ the browser bundle may import values from: schemas, constants and pure
 * helpers, none of which reaches the database layer (server/architecture.test.ts walks their
 * imports to prove it). Anything else from server/ is imported as a type only. Read by
 * eslint.config.mjs and by that test.
 */
export const BROWSER_SAFE_SERVER_MODULES = [
  '@/server/analysis/reasons',
  '@/server/music/keys',
  '@/server/playlists/rule-schema',
  '@/server/tracks/needs-look',
  '@/server/tracks/row-fields',
  '@/server/tracks/schemas',
  '@/server/trpc/transformer',
];
