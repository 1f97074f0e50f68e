import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { testCaller } from '../trpc/test-caller';

let t: TestContext;
afterEach(() => t?.cleanup());

describe('cancelling a scan', () => {
  it('a scan still waiting in the queue is cancelled at once — its job and the scan itself — and says so', async () => {
    t = createTestContext();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cancel-scan-'));
    const { caller } = testCaller(t);
    const dir = await caller.directories.create({ path: root, name: 'Crate' });
    // no worker runs here: the first scan waits in the queue
    const queued = (await caller.scans.history({ directoryId: dir.id })).find((s) => s.status === 'queued')!;
    expect(queued).toBeTruthy();
    await caller.scans.cancel({ scanId: queued.id });
    const after = (await caller.scans.history({ directoryId: dir.id })).find((s) => s.id === queued.id)!;
    expect(after.status).toBe('cancelled');
    expect((await caller.jobs.byId({ id: after.jobId! })).status).toBe('cancelled');
    expect((await caller.scans.status({ directoryId: dir.id }))?.status).not.toBe('queued');
    await expect(caller.scans.cancel({ scanId: queued.id })).rejects.toThrow(/not running/);
    // the same from the Activity page, which cancels the job
    const again = await caller.scans.start({ directoryId: dir.id, strategy: 'full' });
    await caller.jobs.cancel({ id: (await caller.scans.history({ directoryId: dir.id })).find((s) => s.id === again.scanId)!.jobId! });
    expect((await caller.scans.history({ directoryId: dir.id })).find((s) => s.id === again.scanId)!.status).toBe('cancelled');
    fs.rmSync(root, { recursive: true, force: true });
  });
});
