import fs from 'node:fs';
import path from 'node:path';

/** What identifies the volume a directory lives on. */
export interface VolumeInfo {
  deviceId: string;
  mountPoint: string;
  fsType: string | null;
  fsUuid: string | null;
  source: string | null;
  isRemovable: boolean;
}

export interface VolumesPort {
  /** Volume facts for an existing directory (a realpath). */
  identify(absPath: string): VolumeInfo;
}

interface Mount {
  mountPoint: string;
  fsType: string;
  source: string;
}

const unescapeMount = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseMountInfo(text: string): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const l = left.split(' ');
    const r = right.split(' ');
    const mountPoint = l[4];
    if (!mountPoint || !r[0]) continue;
    out.push({ mountPoint: unescapeMount(mountPoint), fsType: r[0], source: unescapeMount(r[1] ?? '') });
  }
  return out;
}

/** The mount whose mount point is the longest prefix of `absPath`. */
export function mountFor(mounts: Mount[], absPath: string): Mount | undefined {
  let best: Mount | undefined;
  for (const m of mounts) {
    const mp = m.mountPoint;
    const inside = mp === '/' || absPath === mp || absPath.startsWith(mp.endsWith('/') ? mp : mp + '/');
    if (inside && (!best || mp.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

const REMOVABLE_FS = new Set(['vfat', 'exfat', 'ntfs', 'ntfs3', 'fuseblk', 'hfsplus', 'msdos', 'udf', 'iso9660']);
const REMOVABLE_ROOTS = ['/media/', '/run/media/', '/mnt/', '/Volumes/'];

function readSafe(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function uuidForSource(source: string): string | null {
  if (!source.startsWith('/dev/')) return null;
  let real: string;
  try {
    real = fs.realpathSync(source);
  } catch {
    return null;
  }
  try {
    for (const name of fs.readdirSync('/dev/disk/by-uuid')) {
      try {
        if (fs.realpathSync(path.join('/dev/disk/by-uuid', name)) === real) return name;
      } catch {
        /* dangling link */
      }
    }
  } catch {
    /* no udev here */
  }
  return null;
}

function sysRemovable(source: string): boolean {
  if (!source.startsWith('/dev/')) return false;
  try {
    const dev = path.basename(fs.realpathSync(source));
    const sysPath = fs.realpathSync(`/sys/class/block/${dev}`);
    if (sysPath.includes('/usb')) return true;
    const disk = fs.existsSync(path.join(sysPath, 'partition')) ? path.dirname(sysPath) : sysPath;
    return readSafe(path.join(disk, 'removable'))?.trim() === '1';
  } catch {
    return false;
  }
}

/** Reads /proc/self/mountinfo, /dev/disk/by-uuid and /sys; every lookup degrades to null when unavailable. */
export const nodeVolumes: VolumesPort = {
  identify(absPath) {
    const st = fs.statSync(absPath);
    const mounts = parseMountInfo(readSafe('/proc/self/mountinfo') ?? '');
    const m = mountFor(mounts, absPath);
    const source = m?.source ?? null;
    const fsType = m?.fsType ?? null;
    const mountPoint = m?.mountPoint ?? '/';
    const isRemovable = (source !== null && sysRemovable(source)) || (fsType !== null && REMOVABLE_FS.has(fsType)) || REMOVABLE_ROOTS.some((r) => (mountPoint + '/').startsWith(r));
    return { deviceId: String(st.dev), mountPoint, fsType, fsUuid: source ? uuidForSource(source) : null, source, isRemovable };
  },
};
