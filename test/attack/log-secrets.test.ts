import { afterAll, beforeAll, expect, test } from "bun:test";
import { Secret, TOTP } from "otpauth";
import { deriveKey } from "../../src/lib/crypto";
import { formatPretty, type LogEntry } from "../../src/lib/log";
import { uniqueEmail } from "../support/env";
import { startHarness, TEST_SECRET, type CallResult, type Harness } from "../support/harness";
import { CLIENTS, startOAuthProvider, type OAuthProvider } from "../support/oauth-provider";
import { holdsSecret } from "../support/response-checks";

/**
 * One run through every route, at LOG_LEVEL=debug, with every log line kept (request lines included: they
 * go through the same logger); then no line, as JSON or as the pretty format renders it, may hold any
 * password, code, access or refresh token, admin password, metrics token, OAuth secret or SECRET_KEY
 * used on the way. The services backend only: a refused mail needs the test SMTP server.
 */

const ADMIN = { email: "admin@example.com", password: "admin-password-log-probe-1" };
const METRICS_TOKEN = "metrics-token-log-probe-0123";
const PASSWORDS = [
  "log-probe-password-1",
  "log-probe-password-2",
  "log-probe-password-3",
  "log-probe-wrong-pass",
  "log-probe-admin-set-1",
  "log-probe-admin-set-2",
];

let idp: OAuthProvider;
let h: Harness;
const secrets = new Set<string>([TEST_SECRET, ADMIN.password, METRICS_TOKEN, CLIENTS.google.secret, CLIENTS.github.secret, ...PASSWORDS]);
const requests: { method: string; path: string }[] = [];

beforeAll(async () => {
  idp = await startOAuthProvider();
  h = await startHarness({ env: { ...idp.env(), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, METRICS_TOKEN } });
  for (const purpose of ["otp-code-hash", "refresh-token-hash", "oauth-state", "mfa-recovery-code", "totp-secret"])
    secrets.add(deriveKey(TEST_SECRET, purpose));
}, 30_000);
afterAll(async () => {
  await h?.close();
  idp?.stop();
});

/** A call whose answer's tokens join the secrets. */
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<CallResult> {
  requests.push({ method, path });
  const res = await h.call(method, path, body, headers);
  for (const key of ["access_token", "refresh_token", "state", "auth_url", "otp_token", "mfa_token", "secret", "otpauth_uri"]) {
    const value = res.body?.[key];
    if (typeof value === "string") secrets.add(value);
  }
  return res;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const basic = (user: string, password: string) => ({ authorization: `Basic ${btoa(`${user}:${password}`)}` });
const newestCode = (email: string) => {
  const code = h.inbox.latestCode(email);
  secrets.add(code);
  return code;
};

test("a run through every route leaves no password, code, token or key in any log line", async () => {
  const [p1, p2, p3, wrong, adminSet1, adminSet2] = PASSWORDS as [string, string, string, string, string, string];
  const email = uniqueEmail("log-probe");
  const admin = basic(ADMIN.email, ADMIN.password);
  secrets.add(admin.authorization.slice("Basic ".length));

  // Register (a refused mail first), resend, verify with a wrong code and then the right one.
  h.inbox.refuseMail(true);
  expect((await call("POST", "/auth/register", { email, password: p1 }).finally(() => h.inbox.refuseMail(false))).status).toBe(503);
  expect((await call("POST", "/auth/resend-otp", { email })).status).toBe(200);
  expect((await call("POST", "/auth/verify-otp", { email, code: "09812345" })).status).toBe(400);
  secrets.add("09812345");
  // The registration's answer (and so its otp_token) was lost with the mail: the password needs a code to sign in.
  const verified = await call("POST", "/auth/verify-otp", { email, code: newestCode(email) });
  expect(verified.status).toBe(200);

  // Login, a wrong password, the re-checks (an unproven password, then after OTP_RECHECK_MINUTES), refresh, reuse, sessions, logout.
  expect((await call("POST", "/auth/login", { email, password: wrong })).status).toBe(401);
  const unproven = await call("POST", "/auth/login", { email, password: p1 });
  expect(unproven.body.code).toBe("otp_required");
  const login = await call("POST", "/auth/verify-otp", { email, code: newestCode(email), otp_token: unproven.body.otp_token });
  expect(login.status).toBe(200);
  expect((await call("POST", "/auth/login", { email, password: p1 })).status).toBe(200);
  h.clock.advance(31 * 60_000);
  const expired = await call("POST", "/auth/login", { email, password: p1 });
  expect(expired.body.code).toBe("otp_required");
  const rechecked = await call("POST", "/auth/verify-otp", { email, code: newestCode(email), otp_token: expired.body.otp_token });
  expect(rechecked.status).toBe(200);
  const refreshed = await call("POST", "/auth/refresh", { refresh_token: rechecked.body.refresh_token });
  expect(refreshed.status).toBe(200);
  expect((await call("POST", "/auth/refresh", { refresh_token: rechecked.body.refresh_token })).body.code).toBe("refresh_token_reused");
  const second = await call("POST", "/auth/login", { email, password: p1 });
  const listed = await call("GET", "/auth/sessions", undefined, bearer(second.body.access_token));
  expect(listed.status).toBe(200);
  expect((await call("GET", "/auth/me", undefined, bearer(second.body.access_token))).status).toBe(200);
  const other = listed.body.sessions.find((s: { current: boolean }) => !s.current);
  if (other) expect((await call("DELETE", `/auth/sessions/${other.id}`, undefined, bearer(second.body.access_token))).status).toBe(200);

  // Change, forgot and reset (a wrong code first), then logout.
  expect(
    (await call("POST", "/auth/password/change", { current_password: wrong, new_password: p2 }, bearer(second.body.access_token))).status,
  ).toBe(400);
  const beforeChange = h.inbox.mailTo(email).length;
  expect(
    (await call("POST", "/auth/password/change", { current_password: p1, new_password: p2 }, bearer(second.body.access_token))).status,
  ).toBe(200);
  // The change's notice leaves after the answer: counted in before the reset code is waited for.
  await h.inbox.waitForMail(email, beforeChange + 1);
  h.clock.advance(61_000);
  const mails = h.inbox.mailTo(email).length;
  expect((await call("POST", "/auth/password/forgot", { email })).status).toBe(200);
  await h.inbox.waitForMail(email, mails + 1);
  expect((await call("POST", "/auth/password/reset", { email, code: "09854321", new_password: p3 })).status).toBe(400);
  secrets.add("09854321");
  expect((await call("POST", "/auth/password/reset", { email, code: newestCode(email), new_password: p3 })).status).toBe(200);
  const last = await call("POST", "/auth/login", { email, password: p3 });
  expect((await call("POST", "/auth/logout", undefined, bearer(last.body.access_token))).status).toBe(200);
  expect((await call("GET", "/auth/me", undefined, bearer(last.body.access_token))).status).toBe(401);

  // A code sign-in (a wrong code first).
  h.clock.advance(61_000);
  const beforeSignInCode = h.inbox.mailTo(email).length;
  expect((await call("POST", "/auth/code/send", { email })).status).toBe(200);
  await h.inbox.waitForMail(email, beforeSignInCode + 1);
  expect((await call("POST", "/auth/code/sign-in", { email, code: "09867890" })).status).toBe(400);
  secrets.add("09867890");
  const codeSession = await call("POST", "/auth/code/sign-in", { email, code: newestCode(email) });
  expect(codeSession.status).toBe(200);

  // The second factor: enroll, confirm, a login stopped at it, a wrong code, a recovery code, an app code, disable.
  const signedIn = bearer(codeSession.body.access_token);
  const enrolled = await call("POST", "/auth/mfa/totp/enroll", undefined, signedIn);
  const appCode = () => {
    const code = TOTP.generate({ secret: Secret.fromBase32(enrolled.body.secret), timestamp: h.clock.now() });
    secrets.add(code);
    return code;
  };
  const confirmed = await call("POST", "/auth/mfa/totp/confirm", { code: appCode() }, signedIn);
  expect(confirmed.status).toBe(200);
  for (const code of confirmed.body.recovery_codes) secrets.add(code);
  h.clock.advance(30_000);
  const stopped = await call("POST", "/auth/login", { email, password: p3 });
  expect(stopped.body.code).toBe("mfa_required");
  expect((await call("POST", "/auth/mfa/verify", { mfa_token: stopped.body.mfa_token, code: "abcde-fghij" })).status).toBe(400);
  secrets.add("abcde-fghij");
  expect(
    (await call("POST", "/auth/mfa/verify", { mfa_token: stopped.body.mfa_token, code: confirmed.body.recovery_codes[0] })).status,
  ).toBe(200);
  const again = await call("POST", "/auth/login", { email, password: p3 });
  expect((await call("POST", "/auth/mfa/verify", { mfa_token: again.body.mfa_token, code: appCode() })).status).toBe(200);
  expect((await call("POST", "/auth/mfa/totp/disable", { code: confirmed.body.recovery_codes[1] }, signedIn)).status).toBe(200);

  // The admin API, with wrong credentials too.
  expect((await call("GET", "/auth/admin/users", undefined, basic(ADMIN.email, wrong))).status).toBe(401);
  const created = await call("POST", "/auth/admin/users", { email: uniqueEmail("log-admin"), password: adminSet1 }, admin);
  expect(created.status).toBe(201);
  expect((await call("PUT", `/auth/admin/users/${created.body.id}`, { password: adminSet2 }, admin)).status).toBe(200);
  expect((await call("GET", `/auth/admin/users?q=log-admin`, undefined, admin)).status).toBe(200);
  expect((await call("GET", "/auth/admin/audit?limit=50", undefined, admin)).status).toBe(200);
  expect((await call("DELETE", `/auth/admin/users/${created.body.id}`, undefined, admin)).status).toBe(200);

  // OAuth: start, consent, callback (its code, state and PKCE verifier are secrets too).
  const start = await call("GET", "/auth/oauth/google/start");
  const back = await idp.approve(start.body.auth_url);
  secrets.add(back.code!);
  expect((await call("POST", "/auth/oauth/google/callback", { code: back.code, state: back.state })).status).toBe(200);
  expect((await call("POST", "/auth/oauth/google/callback", { code: back.code, state: back.state })).status).toBe(400);
  for (const form of idp.tokenRequests)
    for (const key of ["code", "code_verifier", "client_secret"]) if (form.get(key)) secrets.add(form.get(key)!);

  // Errors that carry secrets in their requests; the metrics and the public routes.
  expect((await call("POST", "/auth/login", { email: "not-an-email", password: p1 })).status).toBe(422);
  expect((await call("POST", "/auth/login", `{"email": "${email}", "password": "${p1}"`)).status).toBe(400);
  expect((await call("POST", "/auth/register", `email=${email}&password=${p1}`, { "content-type": "text/plain" })).status).toBe(415);
  expect((await call("GET", "/auth/me", undefined, bearer(`${login.body.access_token}x`))).status).toBe(401);
  expect((await call("GET", `/auth/oauth/github/start?redirect_uri=${p1}`)).status).toBe(400);
  expect((await call("GET", "/metrics", undefined, bearer(wrong))).status).toBe(401);
  expect((await call("GET", "/metrics", undefined, bearer(METRICS_TOKEN))).status).toBe(200);
  for (const path of ["/health", "/ready", "/auth/config", "/nope"]) await call("GET", path);
  await h.deps.audit.flush();

  // Every request left its line: the request log went through the captured logger.
  const entries = h.logs.map((line) => JSON.parse(line) as LogEntry);
  expect(entries.filter((entry) => entry.message === "request")).toHaveLength(requests.length);
  expect(h.logs.some((line) => line.includes("mail failed"))).toBe(true);

  // Also every access token's signature alone, in case something logs a part of one.
  for (const secret of [...secrets]) if (secret.split(".").length === 3) secrets.add(secret.split(".")[2]!);
  const rendered = [...h.logs, ...entries.map((entry) => formatPretty(entry))];
  const leaks = [...secrets]
    .filter((secret) => secret.length >= 6)
    .flatMap((secret) =>
      rendered.filter((line) => holdsSecret(line, secret)).map((line) => `${secret.slice(0, 12)}… in ${line.slice(0, 200)}`),
    );
  expect(leaks).toEqual([]);
  // The probe is not vacuous: it knows many secrets, and the log is full.
  expect(secrets.size).toBeGreaterThan(30);
  expect(h.logs.length).toBeGreaterThan(40);
}, 60_000);
