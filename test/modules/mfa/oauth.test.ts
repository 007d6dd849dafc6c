import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";
import { startOAuthProvider, type OAuthProvider } from "../../support/oauth-provider";
import { signIn, uniqueIdentity } from "../oauth/support";
import { STEP_MS, sessionCount, totpAt, verify } from "./support";

let idp: OAuthProvider;
let h: Harness;

beforeAll(async () => {
  idp = await startOAuthProvider();
});
afterAll(() => idp.stop());
beforeEach(() => idp.reset());

describe.each(CORE_BACKENDS)("OAuth sign-in with the second factor on (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend, env: idp.env() });
  });
  afterAll(() => h.close());

  test("the callback answers mfa_required and opens no session; the app code gives the tokens", async () => {
    const who = uniqueIdentity("oauth-mfa");
    idp.users.google = { id: who.id, email: who.email, verified: true };
    const first = await signIn(h, idp, "google");
    expect(first.status).toBe(200);
    const enrolled = await h.callAs(first.body.access_token, "POST", "/auth/mfa/totp/enroll");
    const confirm = await h.callAs(first.body.access_token, "POST", "/auth/mfa/totp/confirm", { code: totpAt(h, enrolled.body.secret) });
    expect(confirm.status).toBe(200);
    h.clock.advance(STEP_MS);

    const before = await sessionCount(h, who.email);
    const second = await signIn(h, idp, "google");
    expect(second.status).toBe(401);
    expect(second.body.code).toBe("mfa_required");
    expect(second.body.access_token).toBeUndefined();
    expect(await sessionCount(h, who.email)).toBe(before);
    const done = await verify(h, second.body.mfa_token, totpAt(h, enrolled.body.secret));
    expect(done.status).toBe(200);
    expect((await h.callAs(done.body.access_token, "GET", "/auth/me")).body.email).toBe(who.email);
    expect(await sessionCount(h, who.email)).toBe(before + 1);
  });
});
