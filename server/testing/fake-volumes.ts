import fs from 'node:fs';
import type { VolumeInfo, VolumesPort } from '../ports/volumes';

/**
 * Volumes for tests: every path is on a fixed volume unless a test says otherwise
 * (`mount(prefix, info)`), e.g. to swap the drive behind a folder.
 */
export function fakeVolumes(): VolumesPort & { mount(prefix: string, info: Partial<VolumeInfo>): void } {
  const mounts = new Map<string, Partial<VolumeInfo>>();
  return {
    mount(prefix, info) {
      mounts.set(prefix, info);
    },
    identify(absPath) {
      fs.statSync(absPath);
      let best: [string, Partial<VolumeInfo>] | undefined;
      for (const [p, info] of mounts) if ((absPath === p || absPath.startsWith(p + '/')) && (!best || p.length > best[0].length)) best = [p, info];
      return { deviceId: '2049', mountPoint: best?.[0] ?? '/', fsType: 'ext4', fsUuid: 'root-uuid', source: '/dev/vda', isRemovable: false, ...best?.[1] };
    },
  };
}
