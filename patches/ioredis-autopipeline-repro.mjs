// Upstream reproduction for ioredis 5.11.1 (node or bun, with only ioredis installed and a Redis on
// 127.0.0.1:6379): with enableAutoPipelining, a command defined while an automatic pipeline is pending is
// missing from that pipeline. Prints "42" when fixed; on 5.11.1 it prints
// "TypeError: pipeline[functionName] is not a function".
import { Redis } from "ioredis";

const redis = new Redis({ enableAutoPipelining: true });
await redis.ping();
const pending = redis.get("anything"); // creates the automatic pipeline of this tick
redis.defineCommand("definedLate", { numberOfKeys: 1, lua: "return 42" });
try {
  console.log(await redis.definedLate("key"));
} catch (error) {
  console.log(`${error.name}: ${error.message}`);
}
await pending;
redis.disconnect();
