/**
 * Long work on the worker's main loop (a scan reading 100,000 rows, a sweep for new audio) goes
 * in short slices with other work let in between: nothing may hold the loop for more than 100 ms
 * (the engine's replies, heartbeats and other jobs share it).
 *
 * Several such jobs run at once (a scan marking files missing while another resolves moves and
 * the analysis sweep queues new audio), so they share one budget per turn of the loop: once this
 * turn has run `budgetMs` of sliced work, every job yields after its current step, instead of
 * each taking its own budget and the turn adding them up.
 */

/** When the current turn's sliced work began (the first resumption after a yield). */
let turnAt = performance.now();
let markerQueued = false;

/** Lets timers, I/O and other jobs run before going on. */
export function yieldToLoop(): Promise<void> {
  // queued before the caller's own resumption: it runs first in the next turn and starts its clock
  if (!markerQueued) {
    markerQueued = true;
    setImmediate(() => {
      markerQueued = false;
      turnAt = performance.now();
    });
  }
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * `await pace()` after each small step yields once this turn of the loop has run `budgetMs` of
 * sliced work. Budgets adapt to a loaded machine where fixed slice sizes do not (the same 5,000
 * rows took 45 ms idle and 150 ms beside a scan and an analysis).
 */
export function pacer(budgetMs = 15) {
  return async function pace() {
    if (performance.now() - turnAt >= budgetMs) await yieldToLoop();
  };
}
