import type { Instance } from "./instance";

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

/**
 * Logs the session of `token` out on `a`, then polls `b`'s /auth/me until it refuses the token; returns the
 * milliseconds from the logout's answer (logged, so a slow run shows how slow).
 */
export async function msUntilRefusedElsewhere(a: Instance, b: Instance, token: string): Promise<number> {
  const authorization = `Bearer ${token}`;
  const ended = await a.call("POST", "/auth/logout", undefined, { authorization });
  const since = performance.now();
  if (ended.status !== 200) throw new Error(`logout on ${a.name} answered ${ended.status}`);
  const ms = await msUntil(since, async () => (await b.call("GET", "/auth/me", undefined, { authorization })).status === 401);
  console.log(`session ended on ${a.name}: refused on ${b.name} after ${ms.toFixed(1)} ms`);
  return ms;
}
