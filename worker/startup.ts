import type { AppContext } from '@/server/context';
import { checkAvailability } from '@/server/scan/availability';
import { listDirectories } from '@/server/folders/directories.repo';
import { startScan } from '@/server/scan/start-scan';

/**
 * At worker start: check every folder's presence, then (setting) queue a hybrid scan of every
 * active, available one at normal priority. Runs in the background; never blocks the boot.
 */
export function startupScans(ctx: AppContext, onQueued: () => void) {
  const log = ctx.log.child({ module: 'scan' });
  void (async () => {
    try {
      await checkAvailability(ctx);
      if (!ctx.settings.get('library.scanOnStartup')) return;
      for (const d of listDirectories(ctx.db)) {
        if (!d.isActive || !d.isAvailable) continue;
        startScan(ctx, { directoryId: d.id, strategy: 'hybrid', priority: 'normal' }, 'startup');
      }
      onQueued();
    } catch (e) {
      log.warn({ err: e }, 'startup scans could not be queued');
    }
  })();
}
