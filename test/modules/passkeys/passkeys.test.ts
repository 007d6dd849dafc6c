import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { FRESH_SIGN_IN_SECONDS } from "../../../src/modules/passkeys/service";
import { uniqueEmail } from "../../support/env";
import { CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";
import { createSoftAuthenticator } from "../../support/soft-authenticator";
import { passwordStep, userWithTotp } from "../mfa/support";
import { addPasskey, callFrom, ORIGIN, signInWith } from "./support";

let h: Harness;

const subjects = (email: string) => h.inbox.mailTo(email).map((mail) => mail.subject);

describe.each(CORE_BACKENDS)("passkeys (%s)", (backend) => {
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  test("add one, list it, sign in with it alone, rename it, remove it: then it signs in no more; each change is mailed", async () => {
    const email = uniqueEmail("passkey");
    const access = await h.createVerifiedUser(email);
    const authenticator = await addPasskey(h, access, "Work laptop");
    await h.inbox.waitForMail(email, 2);
    expect(subjects(email).at(-1)).toBe("A passkey was added to your account");

    const listed = await h.callAs(access, "GET", "/auth/passkeys");
    expect(listed.status).toBe(200);
    expect(listed.body.passkeys).toEqual([
      expect.objectContaining({ id: authenticator.credentialId, name: "Work laptop", device_type: "singleDevice", last_used_at: null }),
    ]);

    const signedIn = await signInWith(h, authenticator);
    expect(signedIn.status).toBe(200);
    const me = await h.callAs(signedIn.body.access_token, "GET", "/auth/me");
    expect(me.body.email).toBe(email);
    expect((await h.callAs(access, "GET", "/auth/passkeys")).body.passkeys[0].last_used_at).not.toBeNull();

    const path = `/auth/passkeys/${authenticator.credentialId}`;
    const renamed = await h.callAs(access, "PATCH", path, { name: "  Old laptop " });
    expect(renamed.body.name).toBe("Old laptop");
    expect((await h.callAs(access, "PATCH", path, { name: "" })).status).toBe(422);
    expect((await h.callAs(access, "PATCH", path, { name: "nul\u0000byte" })).status).toBe(422);

    expect((await h.callAs(access, "DELETE", path)).status).toBe(200);
    await h.inbox.waitForMail(email, 3);
    expect(subjects(email).at(-1)).toBe("A passkey was removed from your account");
    expect((await h.callAs(access, "GET", "/auth/passkeys")).body.passkeys).toEqual([]);
    expect((await h.callAs(access, "DELETE", path)).status).toBe(404);
    const after = await signInWith(h, authenticator);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe("invalid_passkey");
  });

  test("a passkey sign-in skips the authenticator app, which a password sign-in of the same account needs", async () => {
    const email = uniqueEmail("passkey-totp");
    const { access } = await userWithTotp(h, email);
    const authenticator = await addPasskey(h, access);
    await passwordStep(h, email);
    const signedIn = await signInWith(h, authenticator);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.access_token).toBeString();
    expect(signedIn.body.mfa_token).toBeUndefined();
  });

  test("an answer works once; a challenge works only for its purpose and its person", async () => {
    const alice = await h.createVerifiedUser(uniqueEmail("passkey-a"));
    const bob = await h.createVerifiedUser(uniqueEmail("passkey-b"));
    const authenticator = await addPasskey(h, alice);

    const options = await callFrom(h, null, "POST", "/auth/passkeys/sign-in/options");
    const answer = { response: authenticator.signIn(options.body, { origin: ORIGIN }) };
    expect((await callFrom(h, null, "POST", "/auth/passkeys/sign-in", answer)).status).toBe(200);
    const replayed = await callFrom(h, null, "POST", "/auth/passkeys/sign-in", answer);
    expect(replayed.status).toBe(400);
    expect(replayed.body.code).toBe("invalid_passkey_challenge");

    // Alice's registration challenge, answered in Bob's session; then a registration challenge answered as a sign-in.
    const alicesOptions = await callFrom(h, alice, "POST", "/auth/passkeys/register/options");
    const stranger = createSoftAuthenticator();
    const hijacked = await callFrom(h, bob, "POST", "/auth/passkeys/register", { response: stranger.register(alicesOptions.body) });
    expect(hijacked.status).toBe(400);
    expect(hijacked.body.code).toBe("invalid_passkey_challenge");
    const registration = await callFrom(h, alice, "POST", "/auth/passkeys/register/options");
    const asSignIn = await callFrom(h, null, "POST", "/auth/passkeys/sign-in", {
      response: authenticator.signIn({ challenge: registration.body.challenge, rpId: "localhost" }),
    });
    expect(asSignIn.status).toBe(400);
    // A challenge the server never issued.
    const madeUp = await signInWith(h, authenticator, { challenge: Buffer.from("made up challenge").toString("base64url") });
    expect(madeUp.body.code).toBe("invalid_passkey_challenge");
  });

  test("two sign-ins with one answer at once: exactly one session opens", async () => {
    const email = uniqueEmail("passkey-race");
    const access = await h.createVerifiedUser(email);
    const authenticator = await addPasskey(h, access);
    const options = await callFrom(h, null, "POST", "/auth/passkeys/sign-in/options");
    const answer = { response: authenticator.signIn(options.body, { origin: ORIGIN }) };
    const results = await Promise.all(Array.from({ length: 8 }, () => callFrom(h, null, "POST", "/auth/passkeys/sign-in", answer)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400)).toHaveLength(7);
  });

  test("the origin, the RP ID, user verification and the counter are checked", async () => {
    const access = await h.createVerifiedUser(uniqueEmail("passkey-checks"));
    const authenticator = await addPasskey(h, access);
    // A page elsewhere gets no options; an answer signed on another origin does not match its challenge.
    const foreign = await callFrom(h, null, "POST", "/auth/passkeys/sign-in/options", undefined, "https://evil.example");
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe("passkey_origin_not_allowed");
    expect((await signInWith(h, authenticator, { origin: "https://evil.example" })).body.code).toBe("invalid_passkey_challenge");
    expect((await signInWith(h, authenticator, { origin: "http://localhost:4000" })).body.code).toBe("invalid_passkey_challenge");
    expect((await signInWith(h, authenticator, { rpId: "evil.example" })).body.code).toBe("invalid_passkey");
    expect((await signInWith(h, authenticator, { noUserVerification: true })).body.code).toBe("invalid_passkey");
    // A clone: a counter that does not move past the last one seen.
    expect((await signInWith(h, authenticator)).status).toBe(200);
    const last = authenticator.counter;
    expect((await signInWith(h, authenticator, { counter: last })).body.code).toBe("invalid_passkey");
    expect((await signInWith(h, authenticator, { counter: last - 1 })).body.code).toBe("invalid_passkey");
    expect((await signInWith(h, authenticator, { counter: last + 5 })).status).toBe(200);
    // Another person's user handle with this credential.
    const other = await addPasskey(h, await h.createVerifiedUser(uniqueEmail("passkey-other")));
    expect((await signInWith(h, authenticator, { userHandle: other.userHandle! })).body.code).toBe("invalid_passkey");
    // Registration without user verification is refused too.
    const options = await callFrom(h, access, "POST", "/auth/passkeys/register/options");
    const unverified = await callFrom(h, access, "POST", "/auth/passkeys/register", {
      response: createSoftAuthenticator().register(options.body, { noUserVerification: true }),
    });
    expect(unverified.body.code).toBe("passkey_registration_failed");
  });

  test("adding one needs a sign-in from the last minutes: a stolen token must not add a lasting way in", async () => {
    const email = uniqueEmail("passkey-fresh");
    const access = await h.createVerifiedUser(email);
    h.clock.advance((FRESH_SIGN_IN_SECONDS + 1) * 1000);
    // The access token is still valid (30 minutes); its session's sign-in is too old.
    expect((await h.callAs(access, "GET", "/auth/me")).status).toBe(200);
    const stale = await callFrom(h, access, "POST", "/auth/passkeys/register/options");
    expect(stale.status).toBe(403);
    expect(stale.body.code).toBe("fresh_sign_in_required");
    const login = await h.logIn(email);
    // Options asked 500 s after the sign-in, answered 150 s later: the challenge lives, the sign-in is too old.
    h.clock.advance(500 * 1000);
    const options = await callFrom(h, login.access_token, "POST", "/auth/passkeys/register/options");
    expect(options.status).toBe(200);
    h.clock.advance(150 * 1000);
    const late = await callFrom(h, login.access_token, "POST", "/auth/passkeys/register", {
      response: createSoftAuthenticator().register(options.body),
    });
    expect(late.status).toBe(403);
    expect(late.body.code).toBe("fresh_sign_in_required");
    expect((await callFrom(h, login.access_token, "POST", "/auth/passkeys/register/options")).body.code).toBe("fresh_sign_in_required");
  });

  test("one credential is registered once; another person cannot rename or remove mine; a disabled account cannot sign in", async () => {
    const email = uniqueEmail("passkey-owner");
    const access = await h.createVerifiedUser(email);
    const authenticator = await addPasskey(h, access);
    const again = await callFrom(h, access, "POST", "/auth/passkeys/register/options");
    const duplicate = await callFrom(h, access, "POST", "/auth/passkeys/register", { response: authenticator.register(again.body) });
    expect(duplicate.status).toBe(409);

    const mallory = await h.createVerifiedUser(uniqueEmail("passkey-mallory"));
    const path = `/auth/passkeys/${authenticator.credentialId}`;
    expect((await h.callAs(mallory, "PATCH", path, { name: "mine now" })).status).toBe(404);
    expect((await h.callAs(mallory, "DELETE", path)).status).toBe(404);
    expect((await h.callAs(access, "GET", "/auth/passkeys")).body.passkeys).toHaveLength(1);

    await h.rows(sql`update users set is_disabled = true, is_active = false where email = ${email}`);
    const refused = await signInWith(h, authenticator);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("account_disabled");
  });

  test("without a token the management routes are 401; malformed answers are 422 naming the field", async () => {
    expect((await h.call("GET", "/auth/passkeys")).status).toBe(401);
    expect((await callFrom(h, null, "POST", "/auth/passkeys/register/options")).status).toBe(401);
    const bad = await callFrom(h, null, "POST", "/auth/passkeys/sign-in", { response: { id: "not base64url!", type: "public-key" } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).not.toContain("not base64url!");
  });
});

describe("passkeys across instances", () => {
  let first: Harness;
  let second: Harness;
  beforeAll(async () => {
    first = await startHarness();
    second = await startHarness({ database: first.database, env: { REDIS_KEY_PREFIX: first.config.REDIS_KEY_PREFIX } });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  test("a challenge issued by one instance is answered on another, once", async () => {
    h = first;
    const access = await first.createVerifiedUser(uniqueEmail("passkey-two"));
    const registration = await callFrom(first, access, "POST", "/auth/passkeys/register/options");
    const authenticator = createSoftAuthenticator();
    const added = await callFrom(second, access, "POST", "/auth/passkeys/register", {
      response: authenticator.register(registration.body),
    });
    expect(added.status).toBe(201);
    const options = await callFrom(second, null, "POST", "/auth/passkeys/sign-in/options");
    const answer = { response: authenticator.signIn(options.body, { origin: ORIGIN }) };
    expect((await callFrom(first, null, "POST", "/auth/passkeys/sign-in", answer)).status).toBe(200);
    expect((await callFrom(second, null, "POST", "/auth/passkeys/sign-in", answer)).status).toBe(400);
  });
});

describe("passkeys behind PUBLIC_URL", () => {
  beforeAll(async () => {
    h = await startHarness({ env: { PUBLIC_URL: "https://auth.example.org" } });
  });
  afterAll(() => h.close());

  test("the RP ID is PUBLIC_URL's host and its origin is the one accepted; localhost still works outside production", async () => {
    const access = await h.createVerifiedUser(uniqueEmail("passkey-public"));
    const origin = "https://auth.example.org";
    const registration = await callFrom(h, access, "POST", "/auth/passkeys/register/options", undefined, origin);
    expect(registration.body.rp).toEqual({ id: "auth.example.org", name: "auth.example.org" });
    const authenticator = createSoftAuthenticator();
    const added = await callFrom(
      h,
      access,
      "POST",
      "/auth/passkeys/register",
      { response: authenticator.register(registration.body, { origin }) },
      origin,
    );
    expect(added.status).toBe(201);
    const options = await callFrom(h, null, "POST", "/auth/passkeys/sign-in/options", undefined, origin);
    expect(options.body.rpId).toBe("auth.example.org");
    const signedIn = await callFrom(
      h,
      null,
      "POST",
      "/auth/passkeys/sign-in",
      { response: authenticator.signIn(options.body, { origin }) },
      origin,
    );
    expect(signedIn.status).toBe(200);
    // Signed for another RP ID than the one its challenge was issued for.
    const next = await callFrom(h, null, "POST", "/auth/passkeys/sign-in/options", undefined, origin);
    const elsewhere = await callFrom(
      h,
      null,
      "POST",
      "/auth/passkeys/sign-in",
      { response: authenticator.signIn(next.body, { origin, rpId: "localhost" }) },
      origin,
    );
    expect(elsewhere.body.code).toBe("invalid_passkey");
    expect(
      (await callFrom(h, null, "POST", "/auth/passkeys/sign-in/options", undefined, "https://auth.example.org.evil.example")).status,
    ).toBe(403);
  });
});

describe("passkey budgets", () => {
  beforeAll(async () => {
    h = await startHarness({ env: { RATE_LIMIT_PASSKEY_PER_MINUTE: "3" } });
  });
  afterAll(() => h.close());

  test("each client gets RATE_LIMIT_PASSKEY_PER_MINUTE challenges a minute, so the challenge store cannot be flooded", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await callFrom(h, null, "POST", "/auth/passkeys/sign-in/options")).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });
});
