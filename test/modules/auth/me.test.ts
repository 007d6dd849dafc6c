import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { uniqueEmail } from "../../support/env";
import { BACKENDS, startHarness, TEST_SECRET, type Harness } from "../../support/harness";
import { serverSigner } from "../../support/server-tokens";

// Each describe below runs once per backend (PostgreSQL + SMTP with Redis, the same with a 3-master Redis
// Cluster, and the embedded defaults), with its own harness in `h`.
let h: Harness;

const me = (authorization?: string) => h.call("GET", "/auth/me", undefined, authorization ? { authorization } : {});

const sign = (claims: Record<string, unknown>, exp = Math.floor(h.clock.now() / 1000) + 600) => serverSigner(h.deps)({ ...claims, exp });
const hs = (claims: Record<string, unknown>, secret: string, alg = "HS256") =>
  new SignJWT(claims)
    .setProtectedHeader({ alg })
    .setExpirationTime(Math.floor(h.clock.now() / 1000) + 600)
    .sign(new TextEncoder().encode(secret));

describe.each(BACKENDS)("GET /auth/me (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  test("returns the profile of the token's user", async () => {
    const email = uniqueEmail();
    const token = await h.createVerifiedUser(email);
    const res = await me(`Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["auth_provider", "created_at", "email", "id", "is_active", "is_verified", "role"]);
    expect(res.body).toMatchObject({ email, is_active: true, is_verified: true, auth_provider: "local" });
    expect(Number.isNaN(Date.parse(res.body.created_at))).toBe(false);
  });

  test("the token carries kid, iss, aud, sub, sid, email, email_verified, iat and exp = iat + ACCESS_TOKEN_EXPIRE_MINUTES", async () => {
    const email = uniqueEmail();
    const token = await h.createVerifiedUser(email);
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
    const header = JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString());
    expect(header).toEqual({ alg: "EdDSA", kid: h.deps.keyring!.signingKey().kid, typ: "JWT" });
    expect(Object.keys(claims).sort()).toEqual(["aud", "email", "email_verified", "exp", "iat", "iss", "sid", "sub"]);
    expect(claims).toMatchObject({ email, email_verified: true, iss: "otp-auth", aud: "otp-auth" });
    expect(claims.sub).toMatch(/^\d+$/);
    expect(claims.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.iat).toBe(Math.floor(h.clock.now() / 1000));
    expect(claims.exp).toBe(claims.iat + 30 * 60);
  });

  test("missing, malformed, forged and expired tokens are 401", async () => {
    const email = uniqueEmail();
    const token = await h.createVerifiedUser(email);
    const { sub, sid } = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
    const now = Math.floor(h.clock.now() / 1000);
    // The same claims signed right are accepted, so each case below is refused for what it changes.
    expect((await me(`Bearer ${await sign({ sub, email, sid })}`)).status).toBe(200);
    const cases = [
      undefined,
      "Bearer",
      "Basic dXNlcjpwYXNz",
      "Bearer not-a-jwt",
      `Bearer ${token.slice(0, -2)}xx`,
      `Bearer ${await hs({ sub, email, sid }, "another-secret-another-secret-another")}`,
      // SECRET_KEY signs nothing under EdDSA.
      `Bearer ${await hs({ sub, email, sid, iss: "otp-auth", aud: "otp-auth" }, TEST_SECRET)}`,
      `Bearer ${await sign({ sub, email, sid }, now - 1)}`,
      `Bearer ${await sign({ sub, email, sid }, now)}`,
      `Bearer ${await hs({ sub, email, sid }, TEST_SECRET, "HS512")}`,
      `Bearer ${await sign({ sub, email })}`,
      `Bearer ${await sign({ sub: "999999999", email, sid })}`,
      // Correctly signed, but no PostgreSQL integer: refused, not a failed query.
      `Bearer ${await sign({ sub: "9".repeat(40), email, sid })}`,
      `Bearer ${await sign({ sub: "2147483648", email, sid })}`,
    ];
    for (const authorization of cases) {
      const res = await me(authorization);
      expect(res.status).toBe(401);
      expect(res.body.detail).toBe("Could not validate credentials.");
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
    }
  });

  test("a token stops working when its lifetime has passed", async () => {
    const token = await h.createVerifiedUser(uniqueEmail());
    h.clock.advance(29 * 60_000);
    expect((await me(`Bearer ${token}`)).status).toBe(200);
    h.clock.advance(2 * 60_000);
    expect((await me(`Bearer ${token}`)).status).toBe(401);
  });

  test("an unsigned (alg none) token is refused", async () => {
    const token = await h.createVerifiedUser(uniqueEmail());
    const [, payload] = token.split(".");
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
    expect((await me(`Bearer ${none}`)).status).toBe(401);
  });
});
