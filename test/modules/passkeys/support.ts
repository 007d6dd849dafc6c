import { expect } from "bun:test";
import type { Harness } from "../../support/harness";
import { createSoftAuthenticator, type CeremonyOverrides, type SoftAuthenticator } from "../../support/soft-authenticator";

/** The page's origin in these tests: a development page on localhost (no PUBLIC_URL). */
export const ORIGIN = "http://localhost:3000";

export const withOrigin = (origin = ORIGIN) => ({ origin });

/** A call with a bearer token and an Origin header, as the page's fetch sends them. */
export const callFrom = (h: Harness, token: string | null, method: string, path: string, body?: unknown, origin = ORIGIN) =>
  h.call(method, path, body, { origin, ...(token ? { authorization: `Bearer ${token}` } : {}) });

/** Adds a passkey held by a new soft authenticator to the account of `access`; returns the authenticator. */
export async function addPasskey(h: Harness, access: string, name?: string, overrides: CeremonyOverrides = {}): Promise<SoftAuthenticator> {
  const authenticator = createSoftAuthenticator();
  const options = await callFrom(h, access, "POST", "/auth/passkeys/register/options");
  expect(options.status).toBe(200);
  const added = await callFrom(h, access, "POST", "/auth/passkeys/register", {
    response: authenticator.register(options.body, { origin: ORIGIN, ...overrides }),
    ...(name ? { name } : {}),
  });
  expect(added.status).toBe(201);
  return authenticator;
}

/** Asks for sign-in options and answers them with the authenticator; the HTTP answer of the sign-in. */
export async function signInWith(h: Harness, authenticator: SoftAuthenticator, overrides: CeremonyOverrides = {}) {
  const options = await callFrom(h, null, "POST", "/auth/passkeys/sign-in/options");
  expect(options.status).toBe(200);
  return callFrom(h, null, "POST", "/auth/passkeys/sign-in", {
    response: authenticator.signIn(options.body, { origin: ORIGIN, ...overrides }),
  });
}
