import { expect } from "bun:test";
import type { CallResult } from "../support/harness";

let counter = 0;
/** An address in the benchmarking range 198.18.0.0/15 that no other request of this test file uses. */
export function nextIp(): string {
  counter += 1;
  return `198.${18 + (counter >> 16)}.${(counter >> 8) & 255}.${counter & 255}`;
}

/** Headers that make a request come from `ip` behind one trusted proxy (TRUST_PROXY=1). */
export const from = (ip: string): Record<string, string> => ({ "x-forwarded-for": ip });

/** A limited route's answer that was let through: its RateLimit-* headers describe the budget left. */
export function expectAllowed(res: CallResult, limit: number, remaining: number, windowSeconds: number) {
  expect(res.status, JSON.stringify(res.body)).not.toBe(429);
  expect(res.headers.get("ratelimit-limit")).toBe(String(limit));
  expect(res.headers.get("ratelimit-remaining")).toBe(String(remaining));
  expect(res.headers.get("ratelimit-policy")).toBe(`${limit};w=${windowSeconds}`);
  const reset = Number(res.headers.get("ratelimit-reset"));
  expect(reset).toBeGreaterThan(0);
  expect(reset).toBeLessThanOrEqual(windowSeconds);
}

/** The per-client limit's refusal: 429 `rate_limited` with Retry-After and RateLimit-* headers. */
export function expectRateLimited(res: CallResult, limit: number, windowSeconds: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(429);
  expect(res.body).toEqual({ detail: "Too many requests. Please try again later.", code: "rate_limited" });
  expect(res.headers.get("ratelimit-limit")).toBe(String(limit));
  expect(res.headers.get("ratelimit-remaining")).toBe("0");
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  expect(Number(res.headers.get("ratelimit-reset"))).toBe(retryAfter);
}
