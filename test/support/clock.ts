import type { Clock } from "../../src/lib/clock";

/** A clock that only moves when told to. */
export function createFakeClock(start = Date.now()) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  } satisfies Clock & { advance(ms: number): void };
}
