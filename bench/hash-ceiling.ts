// The hashing ceiling: how many argon2id verifications per second Bun.password does on this machine with the
// service's parameters, `CONCURRENCY` at a time (as many as login's connections), for `SECONDS`. Run as its
// own process so it measures nothing but hashing; prints one JSON line.
const memoryCost = Number(process.env.PASSWORD_MEMORY_KIB ?? 19456);
const timeCost = Number(process.env.PASSWORD_TIME_COST ?? 2);
const concurrency = Number(process.env.CONCURRENCY ?? 16);
const seconds = Number(process.env.SECONDS ?? 10);

const password = "bench-password-1";
const hash = await Bun.password.hash(password, { algorithm: "argon2id", memoryCost, timeCost });
await Bun.password.verify(password, hash); // warm-up

const latencies: number[] = [];
const cpuBefore = process.cpuUsage();
const started = performance.now();
const until = started + seconds * 1000;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      const sent = performance.now();
      if (!(await Bun.password.verify(password, hash))) throw new Error("verification failed");
      latencies.push(performance.now() - sent);
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))]!;
console.log(
  JSON.stringify({
    verifies: latencies.length,
    seconds: elapsed,
    rps: latencies.length / elapsed,
    p50Ms: at(50),
    p90Ms: at(90),
    p99Ms: at(99),
    maxMs: latencies.at(-1),
    cpuMsPerVerify: (cpu.user + cpu.system) / 1000 / latencies.length,
  }),
);
