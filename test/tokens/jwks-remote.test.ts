import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { exportSPKI, generateKeyPair, importJWK, SignJWT, type JWK } from "jose";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { TEST_REDIS_URL, uniqueEmail, uniqueId } from "../support/env";
import { startInstance, type Instance } from "../support/instance";
import { DEV_ENTRY, runToEnd } from "../support/process";
import { smtpEnv, startSmtpInbox, type SmtpInbox } from "../support/smtp-inbox";

/**
 * Two real instances on one database sign tokens that a third process verifies knowing only the JWKS URL,
 * with jose's createRemoteJWKSet, as another service of the deployment would. The keys are rotated with the
 * CLI while everything runs.
 */

const ISSUER = "https://auth.example.test";
const PASSWORD = "correct horse battery";
// Short, so the test need not wait minutes: verifiers may cache the set for a second, instances re-read keys every second.
const CACHE_SECONDS = 1;

/** The verifier process: one token per line in, one JSON verdict per line out. */
function startVerifier(jwksUrl: string) {
  const proc = Bun.spawn(
    ["bun", join(import.meta.dir, "../support/jwks-verifier.ts"), jwksUrl, ISSUER, "otp-auth", String(CACHE_SECONDS * 1000)],
    {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "inherit",
      cwd: join(import.meta.dir, "../.."),
    },
  );
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  async function nextLine(): Promise<string> {
    for (;;) {
      const newline = buffered.indexOf("\n");
      if (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        return line;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("the verifier exited");
      buffered += decoder.decode(value, { stream: true });
    }
  }
  return {
    async verify(token: string): Promise<{ ok: boolean; kid?: string; payload?: Record<string, unknown>; error?: string }> {
      proc.stdin.write(`${token}\n`);
      proc.stdin.flush();
      return JSON.parse(await nextLine());
    },
    stop: () => proc.kill(),
  };
}

const kidOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()).kid as string;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

let database: TestDatabase;
let inbox: SmtpInbox;
let env: Record<string, string>;
let a: Instance;
let b: Instance;
let verifier: ReturnType<typeof startVerifier>;

beforeAll(async () => {
  [database, inbox] = await Promise.all([createTestDatabase(), startSmtpInbox()]);
  env = {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `otp-auth-test:${uniqueId()}:`,
    SECRET_KEY: "jwks-remote-secret-0123456789abcdefghijklmn",
    PUBLIC_URL: ISSUER,
    JWKS_CACHE_SECONDS: String(CACHE_SECONDS),
    JWT_KEY_REFRESH_SECONDS: "1",
    ...smtpEnv(inbox),
  };
  [a, b] = await Promise.all([startInstance("A", env), startInstance("B", env)]);
  verifier = startVerifier(`${a.base}/.well-known/jwks.json`);
}, 90_000);

afterAll(async () => {
  verifier?.stop();
  await Promise.all([a?.stop(), b?.stop()]);
  await inbox?.close();
  await database?.drop();
});

/** Registers on A and verifies on B; returns the first session's access token (B's) and a login's on A. */
async function tokensFromBoth(): Promise<{ fromA: string; fromB: string; email: string }> {
  const email = uniqueEmail("jwks");
  const { otp_token } = (await a.call("POST", "/auth/register", { email, password: PASSWORD })).body;
  const verified = await b.call("POST", "/auth/verify-otp", { email, code: inbox.latestCode(email), otp_token });
  expect(verified.status).toBe(200);
  const login = await a.call("POST", "/auth/login", { email, password: PASSWORD });
  expect(login.status).toBe(200);
  return { fromA: login.body.access_token, fromB: verified.body.access_token, email };
}

const keysOf = async (instance: Instance) =>
  ((await instance.call("GET", "/.well-known/jwks.json")).body.keys as JWK[]).map((key) => key.kid);

async function eventually(check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await Bun.sleep(100);
  }
}

describe("a service that knows only the JWKS URL", () => {
  test("verifies the tokens of both instances, which share one key", async () => {
    const { fromA, fromB, email } = await tokensFromBoth();
    expect(kidOf(fromA)).toBe(kidOf(fromB));
    for (const token of [fromA, fromB]) {
      const verdict = await verifier.verify(token);
      expect(verdict).toMatchObject({ ok: true, payload: { email, email_verified: true, iss: ISSUER, aud: "otp-auth" } });
    }
  });

  test("after a rotation with the CLI it verifies old and new tokens, and the new key was published before it signed", async () => {
    const before = await tokensFromBoth();
    const oldKid = kidOf(before.fromA);
    const rotate = await runToEnd([...DEV_ENTRY, "keys", "rotate", "--activate-in", "3"], { PATH: process.env.PATH ?? "", ...env });
    expect(rotate.exitCode).toBe(0);
    const newKid = /Added EdDSA key (\S+):/.exec(rotate.stdout)?.[1] ?? "";
    expect(newKid).not.toBe("");
    expect(rotate.stdout).toContain(`${oldKid}  EdDSA  signing`);
    // Both instances publish it within their refresh interval, while they still sign with the old key.
    await eventually(async () => (await keysOf(a)).includes(newKid) && (await keysOf(b)).includes(newKid), 2500);
    const during = await tokensFromBoth();
    expect([kidOf(during.fromA), kidOf(during.fromB)]).toEqual([oldKid, oldKid]);
    // The verifier's cached set (refreshed as its max-age allows) holds the new key before it signs anything.
    expect((await verifier.verify(during.fromA)).ok).toBe(true);

    await eventually(async () => kidOf((await tokensFromBoth()).fromA) === newKid, 6000);
    const after = await tokensFromBoth();
    expect([kidOf(after.fromA), kidOf(after.fromB)]).toEqual([newKid, newKid]);
    for (const token of [before.fromA, before.fromB, during.fromB, after.fromA, after.fromB])
      expect((await verifier.verify(token)).ok).toBe(true);
    // Each instance accepts the other's tokens of either key.
    for (const token of [before.fromB, after.fromA]) {
      for (const instance of [a, b])
        expect((await instance.call("GET", "/auth/me", undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
    }
    const listed = await runToEnd([...DEV_ENTRY, "keys", "list"], { PATH: process.env.PATH ?? "", ...env });
    expect(listed.stdout).toContain(`${newKid}  EdDSA  signing`);
    expect(listed.stdout).toContain(`${oldKid}  EdDSA  verifying`);
  }, 30_000);

  test("refuses a key not in the set, alg none, and an HS256 token keyed with the public key", async () => {
    const { fromA } = await tokensFromBoth();
    const [header, payload] = fromA.split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const published = (await a.call("GET", "/.well-known/jwks.json")).body.keys as JWK[];
    const stranger = (await generateKeyPair("EdDSA")).privateKey;
    const hmac = (secret: string, kid: string) =>
      new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid }).sign(new TextEncoder().encode(secret));
    const forged = [
      await new SignJWT(claims).setProtectedHeader({ alg: "EdDSA", kid: "not-in-the-set" }).sign(stranger),
      await new SignJWT(claims).setProtectedHeader({ alg: "EdDSA", kid: kidOf(fromA) }).sign(stranger),
      `${b64({ alg: "none", typ: "JWT" })}.${payload}.`,
      `${b64({ alg: "none", kid: kidOf(fromA) })}.${payload}.${fromA.split(".")[2]}`,
      ...(
        await Promise.all(
          published.map(async (jwk) => [
            await hmac(JSON.stringify(jwk), jwk.kid!),
            await hmac(jwk.x!, jwk.kid!),
            await hmac(await exportSPKI((await importJWK(jwk, jwk.alg!, { extractable: true })) as CryptoKey), jwk.kid!),
          ]),
        )
      ).flat(),
    ];
    expect(header).toBeTruthy();
    for (const token of forged) {
      expect((await verifier.verify(token)).ok).toBe(false);
      for (const instance of [a, b])
        expect((await instance.call("GET", "/auth/me", undefined, { authorization: `Bearer ${token}` })).status).toBe(401);
    }
    // The genuine token still passes, so each refusal above is for what was forged.
    expect((await verifier.verify(fromA)).ok).toBe(true);
  });
});
