import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createLocalJWKSet, exportJWK, exportPKCS8, generateKeyPair, jwtVerify, type JWK } from "jose";
import { createKeyEncryption } from "../../src/tokens/key-encryption";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { uniqueEmail } from "../support/env";
import { CORE_BACKENDS, startHarness, TEST_SECRET, type Harness } from "../support/harness";

const headerOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString());
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
const me = (h: Harness, token: string) => h.call("GET", "/auth/me", undefined, { authorization: `Bearer ${token}` });
const jwksOf = async (h: Harness) => (await h.call("GET", "/.well-known/jwks.json")).body as { keys: JWK[] };

/** Verifies as a third party would, with nothing but the JWKS the service serves now. */
async function verifyWithJwks(h: Harness, token: string) {
  const keys = createLocalJWKSet(await jwksOf(h));
  return jwtVerify(token, keys, { issuer: "otp-auth", audience: "otp-auth", currentDate: new Date(h.clock.now()) });
}

describe.each(CORE_BACKENDS)("access tokens signed with published keys (%s)", (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  test("the JWKS publishes the Ed25519 key that signs, cacheable; a third party verifies with it alone", async () => {
    const token = await h.createVerifiedUser(uniqueEmail());
    const res = await h.call("GET", "/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    expect(res.body.keys).toHaveLength(1);
    const [key] = res.body.keys;
    expect(key).toEqual({ kty: "OKP", crv: "Ed25519", x: expect.any(String), alg: "EdDSA", use: "sig", kid: headerOf(token).kid });
    const { payload } = await verifyWithJwks(h, token);
    expect(payload.sub).toBe(claimsOf(token).sub);
  });

  test("discovery names the issuer, the keys and the algorithm, and claims no flow it lacks", async () => {
    const res = await h.call("GET", "/.well-known/openid-configuration");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    expect(res.body).toEqual({
      issuer: "otp-auth",
      jwks_uri: "http://localhost/.well-known/jwks.json",
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["EdDSA"],
      claims_supported: ["iss", "aud", "sub", "sid", "iat", "exp", "email", "email_verified"],
    });
    for (const flow of [
      "authorization_endpoint",
      "token_endpoint",
      "userinfo_endpoint",
      "response_types_supported",
      "grant_types_supported",
    ])
      expect(res.body).not.toHaveProperty(flow);
  });

  test("the private key is kept sealed: unreadable in the row, and only SECRET_KEY opens it", async () => {
    const [row] = await h.rows<{ kid: string; public_jwk: string; private_key: string }>(
      sql`select kid, public_jwk, private_key from signing_keys`,
    );
    expect(row!.private_key).not.toContain('"d"');
    expect(() => JSON.parse(row!.private_key)).toThrow();
    expect(createKeyEncryption("another-secret-key-another-secret-key-0123").open(row!.private_key, row!.kid)).toBeNull();
    // Bound to its row: the same ciphertext under another key id does not open.
    expect(createKeyEncryption(TEST_SECRET).open(row!.private_key, `${row!.kid}x`)).toBeNull();
    const opened = JSON.parse(createKeyEncryption(TEST_SECRET).open(row!.private_key, row!.kid)!);
    expect(opened.d).toEqual(expect.any(String));
    expect(opened.x).toBe(JSON.parse(row!.public_jwk).x);
  });

  test("rotation: the new key is published first, signs once active, and the old one verifies until its tokens expire", async () => {
    const session = await h.signUp(uniqueEmail());
    const oldToken = session.access_token;
    const oldKid = headerOf(oldToken).kid;
    const { sub, sid, email } = claimsOf(oldToken);
    const issue = () => h.deps.tokens.issueAccessToken({ id: Number(sub), email }, sid);

    const rotated = await h.deps.keyring!.rotate();
    // Published at once, but not yet signing: verifiers that cached the set before the rotation must see it first.
    expect((await jwksOf(h)).keys.map((key) => key.kid).sort()).toEqual([oldKid, rotated.kid].sort());
    expect(rotated.activatesAt.getTime()).toBe(h.clock.now() + (300 + 60) * 1000);
    expect(headerOf(await issue()).kid).toBe(oldKid);

    h.clock.advance(361_000);
    const newToken = await issue();
    expect(headerOf(newToken).kid).toBe(rotated.kid);
    for (const token of [oldToken, newToken]) {
      expect((await me(h, token)).status).toBe(200);
      await verifyWithJwks(h, token);
    }

    // The old key is published until its last token (issued just before the new key activated) has expired.
    h.clock.advance(30 * 60_000 - 1000);
    expect((await jwksOf(h)).keys.map((key) => key.kid)).toContain(oldKid);
    h.clock.advance(61_000);
    expect((await jwksOf(h)).keys.map((key) => key.kid)).toEqual([rotated.kid]);
    // The next rotation deletes it for good.
    await h.deps.keyring!.rotate();
    expect((await h.rows<{ kid: string }>(sql`select kid from signing_keys`)).map((row) => row.kid)).not.toContain(oldKid);
  });
});

describe("keys in the database, across starts and instances", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  test("instances on one database share one key; one with another SECRET_KEY verifies it but signs with its own", async () => {
    const [first, second] = await Promise.all([startHarness({ database }), startHarness({ database })]);
    try {
      expect((await first.rows(sql`select kid from signing_keys`)).length).toBe(1);
      const token = await first.createVerifiedUser(uniqueEmail());
      expect((await me(second, token)).status).toBe(200);
      expect(headerOf(await second.createVerifiedUser(uniqueEmail())).kid).toBe(headerOf(token).kid);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }

    const restarted = await startHarness({ database, env: { SECRET_KEY: "a-changed-secret-key-a-changed-secret-key-01" } });
    try {
      const keys = (await jwksOf(restarted)).keys;
      expect(keys).toHaveLength(2);
      expect(restarted.logs.join("\n")).toContain("generated an access-token signing key");
      const token = await restarted.createVerifiedUser(uniqueEmail());
      expect(keys.map((key) => key.kid)).toContain(headerOf(token).kid);
    } finally {
      await restarted.close();
    }
  });
});

describe("the algorithm and the key are settings", () => {
  test("ES256 publishes a P-256 key", async () => {
    const h = await startHarness({ env: { JWT_ALGORITHM: "ES256", JWT_AUDIENCE: "my-api", PUBLIC_URL: "https://auth.example.com" } });
    try {
      const token = await h.createVerifiedUser(uniqueEmail());
      expect(headerOf(token).alg).toBe("ES256");
      const [key] = (await jwksOf(h)).keys;
      expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", kid: headerOf(token).kid });
      const { payload } = await jwtVerify(token, createLocalJWKSet(await jwksOf(h)), {
        issuer: "https://auth.example.com",
        audience: "my-api",
        currentDate: new Date(h.clock.now()),
      });
      expect(payload.email_verified).toBe(true);
      expect((await h.call("GET", "/.well-known/openid-configuration")).body.jwks_uri).toBe(
        "https://auth.example.com/.well-known/jwks.json",
      );
    } finally {
      await h.close();
    }
  });

  test("HS256 signs with SECRET_KEY and publishes nothing", async () => {
    const h = await startHarness({ backend: "embedded", env: { JWT_ALGORITHM: "HS256" } });
    try {
      const token = await h.createVerifiedUser(uniqueEmail());
      expect(headerOf(token)).toEqual({ alg: "HS256", typ: "JWT" });
      await jwtVerify(token, new TextEncoder().encode(TEST_SECRET), { currentDate: new Date(h.clock.now()) });
      expect((await jwksOf(h)).keys).toEqual([]);
      expect((await h.call("GET", "/.well-known/openid-configuration")).body.id_token_signing_alg_values_supported).toEqual(["HS256"]);
      expect(await h.rows(sql`select * from signing_keys`)).toEqual([]);
    } finally {
      await h.close();
    }
  });

  test("JWT_SIGNING_KEY, as PEM or as JWK, signs instead of the database's keys", async () => {
    const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
    const pem = await exportPKCS8(privateKey);
    const jwk = { ...(await exportJWK(privateKey)), kid: "operator-key-1" };
    for (const [configured, kid] of [
      [pem.replace(/\n/g, "\\n"), null],
      [JSON.stringify(jwk), "operator-key-1"],
    ] as const) {
      const h = await startHarness({ backend: "embedded", env: { JWT_SIGNING_KEY: configured } });
      try {
        const token = await h.createVerifiedUser(uniqueEmail());
        await jwtVerify(token, publicKey, { currentDate: new Date(h.clock.now()) });
        const keys = (await jwksOf(h)).keys;
        expect(keys.map((key) => key.kid)).toEqual([headerOf(token).kid]);
        if (kid) expect(headerOf(token).kid).toBe(kid);
        expect(JSON.stringify(keys)).not.toContain(jwk.d!);
        expect(await h.rows(sql`select * from signing_keys`)).toEqual([]);
      } finally {
        await h.close();
      }
    }
  });

  test("a JWT_SIGNING_KEY that is not a private key of the algorithm stops the start, without echoing it", async () => {
    const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
    for (const configured of [JSON.stringify(await exportJWK(publicKey)), await exportPKCS8(privateKey), "not a key"]) {
      const error = await startHarness({ backend: "embedded", env: { JWT_SIGNING_KEY: configured } }).then(
        () => null,
        (thrown: Error) => thrown,
      );
      expect(error?.message).toContain("JWT_SIGNING_KEY");
      expect(error?.message).not.toContain(configured.length > 60 ? configured.slice(30, 60) : configured);
    }
  });
});
