import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { users } from "../../../src/db/schema";
import { BACKENDS, startHarness, type Harness } from "../../support/harness";
import { CLIENTS, startOAuthProvider, type OAuthProvider } from "../../support/oauth-provider";
import { linksOf, me, signIn, uniqueIdentity, userByEmail } from "./support";

// Everything below runs once per backend (PostgreSQL + Redis, PostgreSQL + a Redis Cluster, and PGlite + the
// in-process store).
let idp: OAuthProvider;
let h: Harness;
beforeAll(async () => {
  idp = await startOAuthProvider();
});
afterAll(() => idp.stop());
beforeEach(() => idp.reset());

const PASSWORD = "correct horse battery";

describe.each(BACKENDS)("OAuth sign-in (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend, env: idp.env() });
  });
  afterAll(() => h.close());

  describe("sign-in with Google", () => {
    test("start returns an auth_url with S256 PKCE and the signed state, never the verifier", async () => {
      const start = await h.call("GET", "/auth/oauth/google/start");
      expect(start.status).toBe(200);
      expect(Object.keys(start.body).sort()).toEqual(["auth_url", "provider", "state"]);
      expect(start.body.provider).toBe("google");
      const url = new URL(start.body.auth_url);
      expect(`${url.origin}${url.pathname}`).toBe(`${idp.url}/google/authorize`);
      const q = url.searchParams;
      expect(q.get("client_id")).toBe(CLIENTS.google.id);
      expect(q.get("response_type")).toBe("code");
      expect(q.get("redirect_uri")).toBe("http://127.0.0.1:5500/callback");
      expect(q.get("scope")).toBe("openid email profile");
      expect(q.get("state")).toBe(start.body.state);
      expect(q.get("code_challenge_method")).toBe("S256");
      expect(q.get("code_challenge")).toMatch(/^[\w-]{43}$/);
      expect(q.has("code_verifier")).toBe(false);

      // The verifier the server later sends to the token endpoint appears nowhere in what the browser got.
      const back = await idp.approve(start.body.auth_url);
      expect((await h.call("POST", "/auth/oauth/google/callback", { code: back.code, state: back.state })).status).toBe(200);
      const verifier = idp.tokenRequests.at(-1)!.get("code_verifier")!;
      expect(verifier.length).toBeGreaterThanOrEqual(43);
      expect(JSON.stringify(start.body)).not.toContain(verifier);
    });

    test("sign-ins and refusals are in the audit log", async () => {
      const who = uniqueIdentity("audit");
      idp.users.google = { id: who.id, email: who.email, verified: true };
      expect((await signIn(h, idp, "google")).status).toBe(200);
      await h.call("POST", "/auth/oauth/google/callback", { code: "x", state: "forged.state" });
      await h.deps.audit.flush();
      const rows = await h.rows<{ outcome: string; email: string | null; user_id: number | null; detail: string }>(
        sql`select outcome, email, user_id, detail from audit_events where event = 'oauth_sign_in' order by id`,
      );
      expect(rows.find((row) => row.email === who.email)).toMatchObject({ outcome: "success", detail: "google" });
      expect(rows.find((row) => row.email === who.email)!.user_id).toBeNumber();
      expect(rows.at(-1)).toMatchObject({ outcome: "failure", detail: "google: oauth_state_invalid" });
    });

    test("a first sign-in creates a verified, active account without a password, and returns a bearer token", async () => {
      const who = uniqueIdentity("google");
      idp.users.google = { id: who.id, email: who.email, verified: true };
      const res = await signIn(h, idp, "google");
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(["access_token", "expires_in", "provider", "refresh_token", "token_type"]);
      expect(res.body).toMatchObject({ token_type: "bearer", provider: "google" });
      const profile = await me(h, res.body.access_token);
      expect(profile.status).toBe(200);
      expect(profile.body).toMatchObject({ email: who.email, is_active: true, is_verified: true, auth_provider: "google" });

      const user = (await userByEmail(h, who.email))!;
      expect(user.passwordHash).toBeNull();
      const links = await linksOf(h, user.id);
      expect(links.map(({ provider, providerUserId, email }) => ({ provider, providerUserId, email }))).toEqual([
        { provider: "google", providerUserId: who.id, email: who.email },
      ]);
    });

    test("a second sign-in reuses the link, even after the address changed at the provider", async () => {
      const who = uniqueIdentity("again");
      idp.users.google = { id: who.id, email: who.email, verified: true };
      const first = await signIn(h, idp, "google");
      const firstUser = (await me(h, first.body.access_token)).body;

      idp.users.google = { id: who.id, email: uniqueIdentity("renamed").email, verified: true };
      const second = await signIn(h, idp, "google");
      expect(second.status).toBe(200);
      const secondUser = (await me(h, second.body.access_token)).body;
      expect(secondUser.id).toBe(firstUser.id);
      expect(secondUser.email).toBe(who.email);
      expect(await linksOf(h, firstUser.id)).toHaveLength(1);
    });

    test("an address Google has not verified is refused and creates nothing", async () => {
      const who = uniqueIdentity("unverified");
      idp.users.google = { id: who.id, email: who.email, verified: false };
      const res = await signIn(h, idp, "google");
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("oauth_email_unverified");
      expect(res.body.detail).toContain("Google account has no verified email address");
      expect(await userByEmail(h, who.email)).toBeUndefined();
    });
  });

  describe("sign-in with GitHub", () => {
    test("a first sign-in takes the primary verified address from /user/emails and creates the account", async () => {
      const who = uniqueIdentity("octo");
      idp.users.github = { id: who.id, email: who.email, verified: true, otherEmails: [{ email: "other@example.com", verified: true }] };
      const res = await signIn(h, idp, "github");
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ token_type: "bearer", provider: "github" });
      const profile = await me(h, res.body.access_token);
      expect(profile.body).toMatchObject({ email: who.email, is_verified: true, auth_provider: "github" });
      // The token request authenticated the client and proved PKCE (the provider checked both).
      const tokenRequest = idp.tokenRequests.at(-1)!;
      expect(tokenRequest.get("client_secret")).toBe(CLIENTS.github.secret);
      expect(tokenRequest.get("code_verifier")).toBeTruthy();
    });

    test("the address is lower-cased, so it links to the local account whatever its case at GitHub", async () => {
      const who = uniqueIdentity("mixed");
      await h.createVerifiedUser(who.email, PASSWORD);
      idp.users.github = { id: who.id, email: who.email.toUpperCase(), verified: true };
      const res = await signIn(h, idp, "github");
      expect(res.status).toBe(200);
      expect((await me(h, res.body.access_token)).body.email).toBe(who.email);
    });

    test("an unverified primary address is refused, even when another address is verified", async () => {
      const who = uniqueIdentity("ghunverified");
      idp.users.github = {
        id: who.id,
        email: who.email,
        verified: false,
        otherEmails: [{ email: uniqueIdentity().email, verified: true }],
      };
      const res = await signIn(h, idp, "github");
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("oauth_email_unverified");
      expect(res.body.detail).toContain("GitHub");
    });
  });

  describe("linking to local accounts", () => {
    test("a verified local account with the same address is linked and signed in; its password keeps working", async () => {
      const who = uniqueIdentity("local");
      await h.createVerifiedUser(who.email, PASSWORD);
      const local = (await userByEmail(h, who.email))!;
      idp.users.google = { id: who.id, email: who.email, verified: true };

      const res = await signIn(h, idp, "google");
      expect(res.status).toBe(200);
      const profile = (await me(h, res.body.access_token)).body;
      expect(profile.id).toBe(local.id);
      expect(profile.auth_provider).toBe("local");
      expect((await linksOf(h, local.id)).map((l) => l.provider)).toEqual(["google"]);
      expect((await h.call("POST", "/auth/login", { email: who.email, password: PASSWORD })).status).toBe(200);

      // GitHub with the same verified address links to the same account too.
      idp.users.github = { id: who.id, email: who.email, verified: true };
      const viaGithub = await signIn(h, idp, "github");
      expect((await me(h, viaGithub.body.access_token)).body.id).toBe(local.id);
      expect((await linksOf(h, local.id)).map((l) => l.provider).sort()).toEqual(["github", "google"]);
    });

    test("an unverified local account is not taken over: 409 says to finish the verification first", async () => {
      const who = uniqueIdentity("pending");
      expect((await h.call("POST", "/auth/register", { email: who.email, password: PASSWORD })).status).toBe(201);
      const before = (await userByEmail(h, who.email))!;
      idp.users.google = { id: who.id, email: who.email, verified: true };

      const res = await signIn(h, idp, "google");
      expect(res.status).toBe(409);
      expect(res.body.code).toBe("oauth_account_unverified");
      expect(res.body.detail).toContain("Finish the email verification");
      const after = (await userByEmail(h, who.email))!;
      expect(after).toEqual(before);
      expect(await linksOf(h, before.id)).toHaveLength(0);

      // Once the owner verifies the address, the same Google sign-in links to it.
      await h.call("POST", "/auth/verify-otp", { email: who.email, code: h.inbox.latestCode(who.email) });
      const linked = await signIn(h, idp, "google");
      expect(linked.status).toBe(200);
      expect((await me(h, linked.body.access_token)).body.id).toBe(before.id);
    });

    test("password login for an account created by OAuth names the provider, whatever the password", async () => {
      const who = uniqueIdentity("nopassword");
      idp.users.github = { id: who.id, email: who.email, verified: true };
      expect((await signIn(h, idp, "github")).status).toBe(200);
      for (const password of [PASSWORD, "some other password"]) {
        const res = await h.call("POST", "/auth/login", { email: who.email, password });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          detail: "This account uses GitHub sign-in and has no password. Please sign in with GitHub.",
          code: "oauth_only_account",
        });
      }
      // Wrong passwords for password accounts still get the usual answer.
      expect((await h.call("POST", "/auth/login", { email: uniqueIdentity().email, password: PASSWORD })).status).toBe(401);
    });

    test("that answer costs a password verification, like a wrong password does", async () => {
      const who = uniqueIdentity("timing");
      idp.users.google = { id: who.id, email: who.email, verified: true };
      expect((await signIn(h, idp, "google")).status).toBe(200);
      const local = uniqueIdentity("timing-local");
      await h.createVerifiedUser(local.email, PASSWORD);
      const time = async (email: string) => {
        const started = performance.now();
        await h.call("POST", "/auth/login", { email, password: "wrong password" });
        return performance.now() - started;
      };
      const oauthOnly: number[] = [];
      const wrongPassword: number[] = [];
      for (let i = 0; i < 5; i++) {
        oauthOnly.push(await time(who.email));
        wrongPassword.push(await time(local.email));
      }
      // Without the decoy verification the OAuth-only answer takes about 1 ms, against ~40 ms for argon2id.
      expect(Math.min(...oauthOnly)).toBeGreaterThan(Math.min(...wrongPassword) * 0.5);
    });

    test("OAuth sign-ins are not subject to the password login's code re-check", async () => {
      const who = uniqueIdentity("recheck");
      idp.users.google = { id: who.id, email: who.email, verified: true };
      expect((await signIn(h, idp, "google")).status).toBe(200);
      h.clock.advance(120 * 60_000);
      const res = await signIn(h, idp, "google");
      expect(res.status).toBe(200);
      expect(h.inbox.mailTo(who.email)).toHaveLength(0);
      const [row] = await h.deps.database.db.select().from(users).where(eq(users.email, who.email));
      expect(row!.lastOtpVerifiedAt).toBeNull();
    });

    test("the logs never hold the provider's code, tokens or the client secrets", async () => {
      idp.users.google = { ...uniqueIdentity("logs"), verified: true };
      idp.behaviour.google = { profile: "server_error" };
      const start = await h.call("GET", "/auth/oauth/google/start");
      const back = await idp.approve(start.body.auth_url);
      expect((await h.call("POST", "/auth/oauth/google/callback", { code: back.code, state: back.state })).status).toBe(502);
      const logs = h.logs.join("\n");
      expect(logs).toContain("oauth provider call failed");
      for (const secret of [back.code!, back.state!, CLIENTS.google.secret, CLIENTS.github.secret, "-at-"]) {
        expect(logs).not.toContain(secret);
      }
    });
  });
});
