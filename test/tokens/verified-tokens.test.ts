import { expect, test } from "bun:test";
import { createVerifiedTokenCache } from "../../src/tokens/verified-tokens";

test("the verified-token cache holds at most its bound, dropping the oldest entry first", () => {
  const cache = createVerifiedTokenCache<number>(3);
  for (let i = 0; i < 5; i++) cache.set(`token-${i}`, i);
  expect(cache.size).toBe(3);
  expect(cache.get("token-0")).toBeUndefined();
  expect(cache.get("token-1")).toBeUndefined();
  expect([cache.get("token-2"), cache.get("token-3"), cache.get("token-4")]).toEqual([2, 3, 4]);
  cache.delete("token-3");
  expect(cache.get("token-3")).toBeUndefined();
  expect(cache.size).toBe(2);
});
