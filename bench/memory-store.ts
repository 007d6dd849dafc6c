// Memory per pending code in the in-process store (no REDIS_URL): heap after `COUNT` codes issued to as many
// addresses, minus the heap before, each after a full garbage collection. Run as its own process so nothing
// else lives on its heap; prints one JSON line.
import { heapStats } from "bun:jsc";
import { hmacHex } from "../src/lib/crypto";
import { createMemoryOtpStore } from "../src/otp/memory-store";

const count = Number(process.env.COUNT ?? 100_000);
const store = createMemoryOtpStore();
const heap = () => {
  Bun.gc(true);
  return heapStats().heapSize;
};
const before = heap();
const now = Date.now();
// Each address and hash is made here, as a request would make it, and is kept only by the store.
for (let i = 0; i < count; i++) {
  const email = `someone.${i}@example.com`;
  const codeHash = hmacHex("bench-key", `register:${email}:${String(i % 1_000_000).padStart(6, "0")}`);
  const issued = await store.issue({
    email,
    purpose: "register",
    codeHash,
    now,
    ttlMs: 120_000,
    cooldownMs: 60_000,
    maxSendsPerHour: 10,
    sendClass: "open",
    bindingHash: "",
    passwordVersion: -1,
    keepBinding: false,
  });
  if (!issued.ok) throw new Error("issue refused");
}
const after = heap();
if (!(await store.hasCode("someone.0@example.com", "register", now))) throw new Error("code missing");
console.log(JSON.stringify({ count, bytesPerCode: (after - before) / count }));
