/**
 * Rate-limits a stream of high-rate facts (scan progress, bulk imports) into at most one flush per
 * interval: `push` accumulates, `flush` runs with everything gathered since the last one.
 */
export function createCoalescer<T, A>(opts: { intervalMs: number; initial: () => A; merge: (acc: A, item: T) => A; flush: (acc: A) => void; now?: () => number }) {
  const now = opts.now ?? Date.now;
  let acc = opts.initial();
  let dirty = false;
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  const flushNow = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!dirty) return;
    const out = acc;
    acc = opts.initial();
    dirty = false;
    last = now();
    opts.flush(out);
  };
  return {
    push(item: T) {
      acc = opts.merge(acc, item);
      dirty = true;
      const wait = opts.intervalMs - (now() - last);
      if (wait <= 0) flushNow();
      else timer ??= setTimeout(flushNow, wait);
    },
    /** Flushes whatever is pending right away (e.g. at the end of a scan). */
    flush: flushNow,
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      acc = opts.initial();
      dirty = false;
    },
  };
}
