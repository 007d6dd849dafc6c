import { expect } from "bun:test";
import { sql } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import type { Harness } from "../../support/harness";

export const PASSWORD = "correct horse battery";
export const STEP_MS = 30_000;

/** The code an authenticator app with this secret shows at the harness's time (or `offsetSteps` steps from it). */
export const totpAt = (h: Harness, secret: string, offsetSteps = 0) =>
  TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: h.clock.now() + offsetSteps * STEP_MS });

/** A code that is none of the three the server accepts now. */
export function wrongTotp(h: Harness, secret: string): string {
  const accepted = new Set([-1, 0, 1].map((offset) => totpAt(h, secret, offset)));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, "0");
    if (!accepted.has(candidate)) return candidate;
  }
}

/** Signs up, enrolls and confirms; returns the secret, the recovery codes and the first session's access token. */
export async function userWithTotp(h: Harness, email: string) {
  const access = await h.createVerifiedUser(email, PASSWORD);
  const enrolled = await h.callAs(access, "POST", "/auth/mfa/totp/enroll");
  expect(enrolled.status).toBe(200);
  const secret: string = enrolled.body.secret;
  const confirmed = await h.callAs(access, "POST", "/auth/mfa/totp/confirm", { code: totpAt(h, secret) });
  expect(confirmed.status).toBe(200);
  // The confirming code's step is used up: the tests start from the next one.
  h.clock.advance(STEP_MS);
  return { access, secret, recoveryCodes: confirmed.body.recovery_codes as string[] };
}

/** A password login that must stop at the second factor; returns its mfa_token. */
export async function passwordStep(h: Harness, email: string): Promise<string> {
  const res = await h.call("POST", "/auth/login", { email, password: PASSWORD });
  expect(res.status).toBe(401);
  expect(res.body.code).toBe("mfa_required");
  expect(res.body.access_token).toBeUndefined();
  return res.body.mfa_token;
}

export const verify = (h: Harness, mfaToken: string, code: string) => h.call("POST", "/auth/mfa/verify", { mfa_token: mfaToken, code });

export async function sessionCount(h: Harness, email: string): Promise<number> {
  const [row] = await h.rows<{ n: number }>(
    sql`select count(*)::int as n from sessions s join users u on u.id = s.user_id where u.email = ${email} and s.revoked_at is null`,
  );
  return row!.n;
}
