import { loadEnvOrExit } from '../env';
import { openDatabase, closeDatabase } from '../db/client';
import { backupDir, createBackup } from '../ops/backup';

/** `npm run db:backup`: an online backup now (safe while the web and the worker run). */
async function main() {
  const env = loadEnvOrExit();
  const db = openDatabase(env.db.path, { readonly: true });
  try {
    const info = await createBackup(db.$client, { dir: backupDir(env), reason: 'manual', now: Date.now() });
    console.log(`[backup] ${info.path} (${(info.sizeBytes / 1e6).toFixed(1)} MB, integrity ok)`);
  } finally {
    closeDatabase(db);
  }
}

main().catch((e: unknown) => {
  console.error(`[backup] ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
