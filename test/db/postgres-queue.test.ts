// postgres.js 3.4.9's pool queue, patched (patches/postgres@3.4.9.patch, docs/upstream/postgres-queue.md):
// unpatched, a queue that never runs empty grows by one hole per shift and every remove() scans it all.
import { afterAll, describe, expect, test } from "bun:test";
import { dirname, join } from "node:path";
import postgres from "postgres";
import { createTestDatabase, type TestDatabase } from "../support/database";

// The queue file next to the entry Bun loads for `postgres` (package.json "exports" → "bun": src/index.js).
const queuePath = join(dirname(Bun.resolveSync("postgres", import.meta.dir)), "queue.js");
const { default: Queue } = (await import(queuePath)) as {
  default: <T>(initial?: T[]) => { readonly length: number; push(x: T): T; shift(): T; remove(x: T): T | null };
};

/**
 * Runs `work` while recording, for every `indexOf` whose searched value passes `watch`, the length of the
 * array searched and how many entries the search could cover (from its start index to the end).
 */
async function recordSearches(watch: (value: unknown) => boolean, work: () => unknown) {
  const original = Array.prototype.indexOf;
  let longestArray = 0;
  let widestScan = 0;
  Array.prototype.indexOf = function (this: unknown[], value: unknown, from?: number) {
    if (watch(value)) {
      longestArray = Math.max(longestArray, this.length);
      widestScan = Math.max(widestScan, this.length - Math.max(0, from ?? 0));
    }
    return original.call(this, value, from);
  };
  try {
    await work();
  } finally {
    Array.prototype.indexOf = original;
  }
  return { longestArray, widestScan };
}

describe("postgres.js pool queue (patched)", () => {
  test("a queue that never runs empty stays as small as its contents, and remove() scans only those", async () => {
    const connections = [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }];
    const busy = Queue(connections);
    const isConnection = (value: unknown) => connections.includes(value as { id: number });
    // What the pool does with every query while all connections are busy: take the longest-waiting one,
    // try to take it out of the queue it was in (it no longer is), and put it back at the end.
    const { longestArray, widestScan } = await recordSearches(isConnection, () => {
      for (let i = 0; i < 20_000; i++) {
        const c = busy.shift();
        expect(busy.remove(c)).toBeNull();
        busy.push(c);
      }
    });
    expect(busy.length).toBe(4);
    // Unpatched: 20,003 entries, every search over all of them.
    expect(longestArray).toBeLessThanOrEqual(200);
    expect(widestScan).toBeLessThanOrEqual(8);
  });

  test("it behaves as the first-in first-out queue it was: the same answers as a plain array model", () => {
    let seed = 17;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const queue = Queue<number>([0, 1, 2]);
    const model = [0, 1, 2];
    let next = 3;
    for (let step = 0; step < 50_000; step++) {
      const roll = random();
      if (roll < 0.45) {
        queue.push(next);
        model.push(next++);
      } else if (roll < 0.85) {
        if (model.length === 0) continue;
        expect(queue.shift()).toBe(model.shift()!);
      } else {
        const value = Math.floor(random() * next);
        const at = model.indexOf(value);
        if (at !== -1) model.splice(at, 1);
        expect(queue.remove(value)).toBe(at === -1 ? null : value);
      }
      expect(queue.length).toBe(model.length);
    }
    while (model.length > 0) expect(queue.shift()).toBe(model.shift()!);
  });

  describe("in the driver, against PostgreSQL", () => {
    let db: TestDatabase;
    afterAll(() => db?.drop());

    test("thousands of queries through a saturated pool never search a long connection queue", async () => {
      db = await createTestDatabase({ migrate: false });
      const sql = postgres(db.url, { max: 2, onnotice: () => {} });
      // The pool's queues hold its connections; only searches for those are of interest here.
      const isConnection = (value: unknown) =>
        typeof value === "object" && value !== null && "execute" in value && "queue" in value && "idleTimer" in value;
      try {
        await sql`select 1`;
        const total = 5_000;
        let sent = 0;
        const { longestArray } = await recordSearches(isConnection, () =>
          Promise.all(
            Array.from({ length: 64 }, async () => {
              while (sent++ < total) await sql`select 1 as one`;
            }),
          ),
        );
        // Unpatched, the busy queue reached thousands of entries here (one per query sent while both
        // connections were busy). Patched it holds the two connections and at most as many holes.
        expect(longestArray).toBeGreaterThan(0);
        expect(longestArray).toBeLessThanOrEqual(200);
      } finally {
        await sql.end({ timeout: 5 });
      }
    });
  });
});
