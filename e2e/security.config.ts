import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/** `npm run test:security`: the attacks replayed against the real web and worker, and the cross-site browser test. */
export default defineConfig({
  ...base,
  testDir: './security',
  // a test that failed once is a bug to fix, not to retry
  retries: 0,
});
