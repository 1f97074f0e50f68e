import { loadEnvOrExit } from '@/server/env';
import { createLogger } from '@/server/log';
import { startWorker } from './app';

/** Worker process entry: start, then stop cleanly on SIGTERM/SIGINT (a second signal forces exit). */
async function main() {
  const env = loadEnvOrExit();
  const log = createLogger(env, 'worker');
  process.on('unhandledRejection', (e) => log.error({ err: e }, 'unhandled rejection'));
  let worker;
  try {
    worker = await startWorker(env, { log });
  } catch (e) {
    log.fatal({ err: e }, 'worker failed to start');
    process.exit(1);
  }
  // A terminal's Ctrl-C reaches us and the launcher at once, and the launcher forwards SIGTERM:
  // a repeat within 3 s is that echo; a later one is the user insisting.
  let firstSignalAt = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (firstSignalAt) {
      if (Date.now() - firstSignalAt < 3_000) return;
      log.warn({ sig }, 'second signal: exiting now');
      process.exit(130);
    }
    firstSignalAt = Date.now();
    worker.stop(sig).then(
      () => process.exit(0),
      (e: unknown) => {
        log.error({ err: e }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

void main();
