/**
 * The promise of pushed state (docs/operations.md, "Pushed revocations and profiles"): a change made on one
 * instance is refused (or shown) on every other within this, as the Redis pub/sub message takes that long.
 */
export const PUSH_WINDOW_MS = 100;

/** Polls `check` until it holds; returns the milliseconds it took from `since` (a `performance.now()`). */
export async function msUntil(since: number, check: () => Promise<boolean>, timeoutMs = 5000): Promise<number> {
  while (!(await check())) {
    if (performance.now() - since > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
  }
  return performance.now() - since;
}
