import { expect, test } from "bun:test";
import { Redis } from "ioredis";
import { TEST_REDIS_URL } from "../support/env";

// ioredis 5.11.1 with enableAutoPipelining: a command defined (defineCommand) while an automatic pipeline is
// pending is missing from that pipeline, and every call of it fails until the pipeline is replaced. A
// rate-limiter-flexible limiter defines its command when it is built, so an app built while another one's
// commands were queued answered 503 to every limited request. Fixed by patches/ioredis@5.11.1.patch.
test("a command defined while an automatic pipeline is pending works in that pipeline", async () => {
  const redis = new Redis(TEST_REDIS_URL, { enableAutoPipelining: true, keyPrefix: "otp-auth-test:autopipeline:" });
  try {
    await redis.ping();
    const pending = redis.get("anything");
    redis.defineCommand("definedLate", { numberOfKeys: 1, lua: "return 42" });
    const late = (redis as unknown as { definedLate(key: string): Promise<number> }).definedLate("key");
    expect(await late).toBe(42);
    await pending;
  } finally {
    redis.disconnect();
  }
});
