import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/load";
import { AppError } from "../../../src/errors";
import { createLogger } from "../../../src/lib/log";
import { createProviderClient } from "../../../src/modules/oauth/provider-client";
import { defineProviders } from "../../../src/modules/oauth/providers";
import { createTestDatabase, type TestDatabase } from "../../support/database";
import { startHarness, type Harness } from "../../support/harness";
import { startOAuthProvider, type OAuthProvider, type ProviderKind } from "../../support/oauth-provider";
import { signIn, uniqueIdentity } from "./support";

let idp: OAuthProvider;
let database: TestDatabase;
let h: Harness;
beforeAll(async () => {
  idp = await startOAuthProvider();
  database = await createTestDatabase();
  h = await startHarness({ env: idp.env(), database });
});
afterAll(async () => {
  await h.close();
  await database.drop();
  idp.stop();
});
beforeEach(() => {
  idp.reset();
  idp.users.google = { ...uniqueIdentity("err"), verified: true };
  idp.users.github = { ...uniqueIdentity("err"), verified: true };
});

const PROVIDERS: ProviderKind[] = ["google", "github"];

async function start(provider: ProviderKind) {
  const res = await h.call("GET", `/auth/oauth/${provider}/start`);
  expect(res.status).toBe(200);
  return res.body as { auth_url: string; state: string };
}

describe.each(PROVIDERS)("%s refusals", (provider) => {
  test("a code redeemed with another sign-in's PKCE verifier is refused by the provider: 400", async () => {
    // The attacker's code (sign-in A) injected into the victim's callback (sign-in B, another verifier).
    const a = await idp.approve((await start(provider)).auth_url);
    const b = await start(provider);
    const res = await h.call("POST", `/auth/oauth/${provider}/callback`, { code: a.code, state: b.state });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("oauth_code_rejected");
    expect(res.body.detail).toContain("the code is wrong, expired or already used");
    expect(idp.refusals.at(-1)).toBe("pkce");
  });

  test("a made-up code is 400 and uses the state up", async () => {
    const { state } = await start(provider);
    const res = await h.call("POST", `/auth/oauth/${provider}/callback`, { code: "made-up-code", state });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("oauth_code_rejected");
    expect(idp.refusals.at(-1)).toBe("code");
    expect((await h.call("POST", `/auth/oauth/${provider}/callback`, { code: "x", state })).body.code).toBe("oauth_state_used");
  });

  test("denied consent comes back as error=access_denied: 400, and the state is used up", async () => {
    idp.behaviour[provider] = { deny: true };
    const back = await idp.approve((await start(provider)).auth_url);
    expect(back.error).toBe("access_denied");
    expect(back.code).toBeUndefined();
    const res = await h.call("POST", `/auth/oauth/${provider}/callback`, { state: back.state, error: back.error });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("oauth_access_denied");
    expect(res.body.detail).toContain("was cancelled");
    const again = await h.call("POST", `/auth/oauth/${provider}/callback`, { state: back.state, code: "x" });
    expect(again.body.code).toBe("oauth_state_used");
  });

  test("a token endpoint answering 502 or garbage is a 502 with a clear detail, never a 500", async () => {
    for (const mode of ["server_error", "garbage"] as const) {
      idp.behaviour[provider] = { token: mode };
      const res = await signIn(h, idp, provider);
      expect(res.status).toBe(502);
      expect(res.body.code).toBe("oauth_provider_unavailable");
      expect(res.body.detail).toContain("could not be reached or gave an invalid answer");
    }
  });

  test("a failing or malformed profile endpoint is a 502", async () => {
    for (const mode of ["server_error", "garbage"] as const) {
      idp.behaviour[provider] = { profile: mode };
      const res = await signIn(h, idp, provider);
      expect(res.status).toBe(502);
      expect(res.body.code).toBe("oauth_provider_unavailable");
    }
  });

  test("a provider that is down is a fast 502", async () => {
    const back = await idp.approve((await start(provider)).auth_url);
    idp.goDown();
    try {
      const started = performance.now();
      const res = await h.call("POST", `/auth/oauth/${provider}/callback`, { code: back.code, state: back.state });
      expect(res.status).toBe(502);
      expect(res.body.code).toBe("oauth_provider_unavailable");
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      idp.comeBack();
    }
    expect((await signIn(h, idp, provider)).status).toBe(200);
  });
});

describe("misconfiguration", () => {
  test("a wrong client secret is a 502 that says the server's OAuth client needs fixing", async () => {
    const wrong = await startHarness({ env: { ...idp.env(), GOOGLE_CLIENT_SECRET: "wrong", GITHUB_CLIENT_SECRET: "wrong" }, database });
    try {
      for (const provider of PROVIDERS) {
        const res = await signIn(wrong, idp, provider);
        expect(res.status).toBe(502);
        expect(res.body.code).toBe("oauth_provider_rejected_client");
        expect(res.body.detail).toContain(`${provider.toUpperCase()}_CLIENT_ID`);
        expect(res.body.detail).not.toContain("wrong");
        expect(idp.refusals.at(-1)).toBe("client");
      }
    } finally {
      await wrong.close();
    }
  });

  test("an unconfigured provider is 503 naming exactly the missing variables", async () => {
    const bare = await startHarness({ env: { GITHUB_CLIENT_ID: "only-the-id" }, database });
    try {
      const google = await bare.call("GET", "/auth/oauth/google/start");
      expect(google.status).toBe(503);
      expect(google.body).toEqual({
        detail: "Google sign-in is not configured on this server: set GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, GOOGLE_REDIRECT_URI.",
        code: "oauth_not_configured",
      });
      const github = await bare.call("POST", "/auth/oauth/github/callback", { code: "c", state: "s" });
      expect(github.status).toBe(503);
      expect(github.body.detail).toBe("GitHub sign-in is not configured on this server: set GITHUB_CLIENT_SECRET, GITHUB_REDIRECT_URI.");
    } finally {
      await bare.close();
    }
  });

  test("GET /auth/config offers exactly the providers whose three credentials are set", async () => {
    expect((await h.call("GET", "/auth/config")).body.oauth_providers).toEqual(["google", "github"]);
    const partial = await startHarness({ env: { ...idp.env(), GITHUB_CLIENT_SECRET: "" }, database });
    try {
      expect((await partial.call("GET", "/auth/config")).body.oauth_providers).toEqual(["google"]);
    } finally {
      await partial.close();
    }
  });

  test("an unsupported provider is 400 on both routes", async () => {
    for (const res of [
      await h.call("GET", "/auth/oauth/facebook/start"),
      await h.call("POST", "/auth/oauth/facebook/callback", { code: "c", state: "s" }),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ detail: "Unsupported OAuth provider.", code: "unsupported_provider" });
    }
  });
});

describe("provider client", () => {
  const config = () =>
    loadConfig({ DATABASE_URL: "postgres://x@127.0.0.1/x", REDIS_URL: "redis://127.0.0.1", SECRET_KEY: "k", ...idp.env() });

  test("a provider that accepts the connection but never answers is given up after the timeout: 502", async () => {
    idp.behaviour.github = { token: "hang" };
    const client = createProviderClient({ timeoutMs: 300, log: createLogger("error", () => {}) });
    const provider = defineProviders(config()).github;
    const started = performance.now();
    const error = await client
      .exchangeCode(provider, { code: "c", state: "s", redirectUri: "http://127.0.0.1:5500/callback", codeVerifier: "v".repeat(43) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(502);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe("Google's ID token", () => {
  test("an ID token from another issuer or for another client, or a userinfo about another account, is a 502", async () => {
    for (const behaviour of [{ idToken: "wrong_issuer" }, { idToken: "wrong_audience" }, { profile: "other_subject" }] as const) {
      idp.behaviour.google = behaviour;
      const res = await signIn(h, idp, "google");
      expect(res.status).toBe(502);
      expect(res.body.code).toBe("oauth_provider_unavailable");
    }
    idp.reset();
    expect((await signIn(h, idp, "google")).status).toBe(200);
  });
});
