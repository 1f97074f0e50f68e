import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * `npm run test:chaos`: the seeded chaos run against the real web and worker (no browser).
 * `CHAOS_ROUNDS` sets its length; `npm test` runs a short one.
 */
export default defineConfig({
  ...base,
  testDir: './chaos',
  workers: 1,
  // a seed that failed once is a bug to fix (replay it with CHAOS_SEED), not to retry
  retries: 0,
});
