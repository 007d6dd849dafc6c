// Reproduction for porsager/postgres (3.4.9): the pool's Queue (src/queue.js) grows without end while it
// never runs empty, and every remove() scans the whole array from index 0.
//
//   npm i postgres@3.4.9 && node postgres-queue-repro.mjs
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node postgres-queue-repro.mjs   (also through a real pool)
//
// Prints the longest array a queue searched; with the fix it stays near the number of entries the queue holds.
const queueUrl = new URL("./queue.js", import.meta.resolve("postgres"));
const { default: Queue } = await import(queueUrl.href);

// Records the longest array `indexOf` is called on while looking for one of the watched values.
async function longestSearch(watch, work) {
  const original = Array.prototype.indexOf;
  let longest = 0;
  Array.prototype.indexOf = function (value, from) {
    if (watch(value)) longest = Math.max(longest, this.length);
    return original.call(this, value, from);
  };
  try {
    await work();
  } finally {
    Array.prototype.indexOf = original;
  }
  return longest;
}

// 1. The queue alone, used the way src/index.js uses `busy` while every connection is busy:
//    go(busy.shift(), query) → move(c, busy) → busy.remove(c) (c is no longer in it) → busy.push(c).
const connections = [{}, {}, {}, {}];
const busy = Queue(connections);
const alone = await longestSearch(
  (v) => connections.includes(v),
  () => {
    for (let i = 0; i < 100_000; i++) {
      const c = busy.shift();
      busy.remove(c);
      busy.push(c);
    }
  },
);
console.log(`queue alone: 4 entries, longest array searched by remove(): ${alone}`); // 3.4.9: 100003

// 2. Through a pool of 2 connections kept saturated by 64 callers.
if (process.env.DATABASE_URL) {
  const { default: postgres } = await import("postgres");
  const sql = postgres(process.env.DATABASE_URL, { max: 2 });
  await sql`select 1`;
  let sent = 0;
  const isConnection = (v) => typeof v === "object" && v !== null && "execute" in v && "idleTimer" in v;
  const pooled = await longestSearch(isConnection, () =>
    Promise.all(
      Array.from({ length: 64 }, async () => {
        while (sent++ < 20_000) await sql`select 1`;
      }),
    ),
  );
  console.log(`pool of 2, 20000 queries: longest connection queue searched: ${pooled}`); // 3.4.9: about 18000
  await sql.end();
}
