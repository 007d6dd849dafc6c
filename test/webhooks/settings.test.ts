import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/load";
import { generateWebhookSecret, isWebhookSecret } from "../../src/webhooks/secret";
import { retryDelaySeconds } from "../../src/webhooks/settings";
import { MINIMAL_ENV, problemsOf } from "../support/config";

describe("webhook settings", () => {
  test("WEBHOOK_URL and WEBHOOK_SECRET come as a pair; a bad secret is named, never shown", () => {
    const secret = generateWebhookSecret();
    expect(problemsOf({ ...MINIMAL_ENV, WEBHOOK_URL: "http://127.0.0.1:9/hooks" })).toEqual([
      "WEBHOOK_SECRET: is required when WEBHOOK_URL is set",
    ]);
    expect(problemsOf({ ...MINIMAL_ENV, WEBHOOK_SECRET: secret })).toEqual(["WEBHOOK_URL: is required when WEBHOOK_SECRET is set"]);
    const problems = problemsOf({
      ...MINIMAL_ENV,
      WEBHOOK_URL: "ftp://x",
      WEBHOOK_SECRET: "whsec_c2hvcnQ=",
      WEBHOOK_EVENTS: "user.created,nope",
    });
    expect(problems.map((problem) => problem.split(":")[0])).toEqual(["WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_EVENTS"]);
    expect(problems.join("\n")).not.toContain("c2hvcnQ");
    const config = loadConfig({
      ...MINIMAL_ENV,
      WEBHOOK_URL: "http://127.0.0.1:9/hooks",
      WEBHOOK_SECRET: secret,
      WEBHOOK_EVENTS: " user.created , user.deleted",
    });
    expect(config.WEBHOOK_EVENTS).toEqual(["user.created", "user.deleted"]);
    expect(config.WEBHOOK_TIMEOUT_SECONDS).toBe(10);
    expect(config.WEBHOOK_RETRY_HOURS).toBe(24);
  });

  test("secrets are whsec_ and the canonical base64 of 24 to 64 bytes", () => {
    expect(isWebhookSecret(generateWebhookSecret())).toBe(true);
    expect(isWebhookSecret(`whsec_${Buffer.alloc(64, 7).toString("base64")}`)).toBe(true);
    for (const bad of [
      `whsec_${Buffer.alloc(23, 7).toString("base64")}`,
      `whsec_${Buffer.alloc(65, 7).toString("base64")}`,
      Buffer.alloc(24, 7).toString("base64"),
      `whsec_${Buffer.alloc(24, 7).toString("base64url")}-_`,
    ]) {
      expect(isWebhookSecret(bad)).toBe(false);
    }
  });

  test("retries back off exponentially, ±20 %, up to an hour", () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect([1, 2, 3, 4].map((attempt) => retryDelaySeconds(attempt, 5, low))).toEqual([4, 8, 16, 32]);
    expect([1, 2, 3, 4].map((attempt) => retryDelaySeconds(attempt, 5, high))).toEqual([6, 12, 24, 48]);
    expect(retryDelaySeconds(40, 5, high)).toBe(3600);
    expect(retryDelaySeconds(40, 5, low)).toBe(3600);
    expect(retryDelaySeconds(1, 1, low)).toBe(1);
  });
});
