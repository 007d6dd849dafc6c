import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { createStateSigner } from "../../../src/modules/oauth/state";
import { deriveKey } from "../../../src/lib/crypto";
import { TEST_REDIS_URL } from "../../support/env";
import { startHarness, TEST_SECRET, type Harness } from "../../support/harness";
import { startOAuthProvider, type OAuthProvider } from "../../support/oauth-provider";
import { uniqueIdentity } from "./support";

const PAGE = "http://127.0.0.1:5500/callback";
const OTHER_PAGE = "http://127.0.0.1:5500/other";

let idp: OAuthProvider;
let h: Harness;
beforeAll(async () => {
  idp = await startOAuthProvider({ redirectUris: [PAGE, OTHER_PAGE] });
  h = await startHarness({ env: { ...idp.env(), OAUTH_STATE_TTL_SECONDS: "600" } });
});
afterAll(async () => {
  await h.close();
  idp.stop();
});
beforeEach(() => {
  idp.reset();
  idp.users.google = { ...uniqueIdentity("state"), verified: true };
  idp.users.github = { ...uniqueIdentity("state"), verified: true };
});

/** Starts a sign-in and consents at the provider; returns what the page would POST. */
async function approved(provider: "google" | "github", redirectUri?: string) {
  const query = redirectUri ? `?redirect_uri=${encodeURIComponent(redirectUri)}` : "";
  const start = await h.call("GET", `/auth/oauth/${provider}/start${query}`);
  expect(start.status).toBe(200);
  const back = await idp.approve(start.body.auth_url);
  return { code: back.code!, state: back.state!, redirectedTo: back.redirectedTo };
}

const callback = (provider: string, body: object) => h.call("POST", `/auth/oauth/${provider}/callback`, body);

describe("state", () => {
  test("a tampered, forged or malformed state is refused before the provider is asked", async () => {
    const { code, state } = await approved("google");
    const [body, signature] = state.split(".");
    const flipped = `${body}.${signature!.slice(0, -1)}${signature!.endsWith("0") ? "1" : "0"}`;
    const payload = JSON.parse(Buffer.from(body!, "base64url").toString());
    const longer = Buffer.from(JSON.stringify({ ...payload, exp: payload.exp + 3_600_000 })).toString("base64url");
    const foreignKey = createStateSigner({ key: deriveKey("another-secret-key", "oauth-state"), clock: h.clock, ttlSeconds: 600 });
    const requestsBefore = idp.tokenRequests.length;
    for (const bad of [flipped, `${longer}.${signature}`, foreignKey.signState(payload.id, "google"), "not-a-state", `${state}.x`]) {
      const res = await callback("google", { code, state: bad });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ detail: "The sign-in state is invalid. Please start the sign-in again.", code: "oauth_state_invalid" });
    }
    expect(idp.tokenRequests.length).toBe(requestsBefore);
    // The genuine state still works: refused attempts did not use it up.
    expect((await callback("google", { code, state })).status).toBe(200);
  });

  test("the state is signed with a key derived from SECRET_KEY, not with SECRET_KEY itself", async () => {
    const { state } = await approved("google");
    const payload = JSON.parse(Buffer.from(state.split(".")[0]!, "base64url").toString());
    const derived = createStateSigner({
      key: deriveKey(TEST_SECRET, "oauth-state"),
      clock: { now: () => payload.exp - 600_000 },
      ttlSeconds: 600,
    });
    const raw = createStateSigner({ key: TEST_SECRET, clock: { now: () => payload.exp - 600_000 }, ttlSeconds: 600 });
    expect(derived.signState(payload.id, "google")).toBe(state);
    expect(raw.signState(payload.id, "google")).not.toBe(state);
  });

  test("a state expires after OAUTH_STATE_TTL_SECONDS by the service's clock", async () => {
    const early = await approved("github");
    h.clock.advance(599_000);
    expect((await callback("github", early)).status).toBe(200);

    const late = await approved("github");
    h.clock.advance(600_000);
    const res = await callback("github", late);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      detail: "The sign-in took too long and has expired. Please start the sign-in again.",
      code: "oauth_state_expired",
    });
  });

  test("a state works once: a replay is refused, even with a fresh code", async () => {
    const first = await approved("google");
    expect((await callback("google", first)).status).toBe(200);
    const replay = await callback("google", first);
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({
      detail: "This sign-in was already completed or cancelled. Please start the sign-in again.",
      code: "oauth_state_used",
    });
    const other = await approved("google");
    expect((await callback("google", { code: other.code, state: first.state })).body.code).toBe("oauth_state_used");
  });

  test("of concurrent callbacks with one state, exactly one signs in", async () => {
    const { code, state } = await approved("google");
    const results = await Promise.all(Array.from({ length: 8 }, () => callback("google", { code, state })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400, 400, 400, 400, 400, 400, 400]);
    expect(results.filter((r) => r.status === 400).every((r) => r.body.code === "oauth_state_used")).toBe(true);
  });

  test("a state is bound to its provider: another provider's callback refuses it and leaves it usable", async () => {
    const { code, state } = await approved("google");
    const res = await callback("github", { code, state });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      detail: "This sign-in was started for Google, not for GitHub. Please start the sign-in again.",
      code: "oauth_state_provider_mismatch",
    });
    expect((await callback("google", { code, state })).status).toBe(200);
  });

  test("a missing state or code is a 422 naming the field", async () => {
    const res = await callback("google", { code: "abc" });
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain("state");
  });
});

describe("redirect_uri", () => {
  test("a client may pick another configured redirect URI; the code exchange then uses it", async () => {
    const picked = await approved("google", OTHER_PAGE);
    expect(picked.redirectedTo).toBe(OTHER_PAGE);
    expect((await callback("google", { ...picked, redirect_uri: OTHER_PAGE })).status).toBe(200);
    expect(idp.tokenRequests.at(-1)!.get("redirect_uri")).toBe(OTHER_PAGE);
  });

  test("a redirect URI that is not configured is refused at start: no open redirect", async () => {
    for (const uri of ["https://evil.example/steal", `${PAGE}/../evil`, `${PAGE}?x=1`, "javascript:alert(1)"]) {
      const res = await h.call("GET", `/auth/oauth/github/start?redirect_uri=${encodeURIComponent(uri)}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        detail: "redirect_uri is not one of the redirect URIs configured for GitHub.",
        code: "oauth_redirect_uri_not_allowed",
      });
    }
  });

  test("a callback naming another redirect URI than the sign-in started with is refused", async () => {
    const { code, state } = await approved("github", PAGE);
    const res = await callback("github", { code, state, redirect_uri: OTHER_PAGE });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("oauth_redirect_uri_mismatch");
  });
});

describe("what the server keeps", () => {
  test("Redis holds the verifier under a hash of the state id, with a TTL, and nothing else", async () => {
    const start = await h.call("GET", "/auth/oauth/google/start");
    const id = JSON.parse(Buffer.from(start.body.state.split(".")[0], "base64url").toString()).id as string;
    const keys = (await h.redisKeys()).filter((key) => key.startsWith("oauth-state:"));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatch(/^oauth-state:[0-9a-f]{64}$/);
    const expectedKey = `oauth-state:${new Bun.CryptoHasher("sha256").update(id).digest("hex")}`;
    expect(keys).toContain(expectedKey);

    const raw = new Redis(TEST_REDIS_URL);
    try {
      const value = await raw.get(`${h.config.REDIS_KEY_PREFIX}${expectedKey}`);
      const ttl = await raw.ttl(`${h.config.REDIS_KEY_PREFIX}${expectedKey}`);
      const stored = JSON.parse(value!);
      expect(Object.keys(stored).sort()).toEqual(["expiresAt", "record"]);
      expect(Object.keys(stored.record).sort()).toEqual(["codeVerifier", "provider", "redirectUri"]);
      expect(value).not.toContain(id);
      expect(ttl).toBeGreaterThan(590);
      expect(ttl).toBeLessThanOrEqual(600);
    } finally {
      raw.disconnect();
    }
  });
});
