/**
 * A small seeded pseudo-random generator (mulberry32) for reproducible test inputs: the same seed gives
 * the same sequence, so a failing fuzz run is replayed with `FUZZ_SEED=<seed>`. Never for secrets.
 */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return {
    seed,
    next,
    /** An integer in [0, below). */
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
    /** `length` characters drawn from `alphabet`. */
    chars(length: number, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"): string {
      let out = "";
      for (let i = 0; i < length; i++) out += alphabet[int(alphabet.length)];
      return out;
    },
  };
}

export type SeededRandom = ReturnType<typeof seededRandom>;

/** The seed of this run: FUZZ_SEED when given (to replay a failure), else a fresh one. */
export const runSeed = () => (process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31));
