/**
 * Long work on the worker's main loop (a scan reading 100,000 rows, a sweep for new audio) goes
 * in short slices with other work let in between: nothing may hold the loop for more than 100 ms
 * (the engine's replies, heartbeats and other jobs share it).
 */

/** Lets timers, I/O and other jobs run before going on. */
export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A time budget between yields: `await pace()` after each small step yields once `budgetMs` of
 * work has piled up since the last yield. Budgets adapt to a loaded machine where fixed slice
 * sizes do not (the same 5,000 rows took 45 ms idle and 150 ms beside a scan and an analysis).
 */
export function pacer(budgetMs = 20) {
  let since = performance.now();
  return async function pace() {
    if (performance.now() - since < budgetMs) return;
    await yieldToLoop();
    since = performance.now();
  };
}
