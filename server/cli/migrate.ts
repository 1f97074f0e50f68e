import { loadEnvOrExit } from '../env';
import { openDatabase, closeDatabase } from '../db/client';
import { DatabaseTooNewError, MigrationFailedError, runMigrations } from '../db/migrate';

/** `npm run db:migrate`: validates the config and applies pending migrations. */
function main() {
  const env = loadEnvOrExit();
  const db = openDatabase(env.db.path);
  try {
    const applied = runMigrations(db.$client, { onWarning: (m) => console.warn(`[migrate] ${m}`) });
    console.log(applied.length ? `[migrate] applied ${applied.join(', ')} to ${env.db.path}` : `[migrate] ${env.db.path} is up to date`);
  } catch (e) {
    if (e instanceof DatabaseTooNewError || e instanceof MigrationFailedError) {
      console.error(`[migrate] ${e.message}`);
      process.exit(1);
    }
    throw e;
  } finally {
    closeDatabase(db);
  }
}

main();
