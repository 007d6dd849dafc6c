import { eq } from "drizzle-orm";
import { oauthAccounts, users } from "../../../src/db/schema";
import type { Harness } from "../../support/harness";
import type { OAuthProvider, ProviderKind } from "../../support/oauth-provider";

/** Start → consent at the provider → callback, as the page does; returns the callback's answer. */
export async function signIn(h: Harness, idp: OAuthProvider, provider: ProviderKind, redirectUri?: string) {
  const query = redirectUri ? `?redirect_uri=${encodeURIComponent(redirectUri)}` : "";
  const start = await h.call("GET", `/auth/oauth/${provider}/start${query}`);
  if (start.status !== 200) throw new Error(`start failed: ${start.status} ${JSON.stringify(start.body)}`);
  const back = await idp.approve(start.body.auth_url);
  const body: Record<string, string> = { state: back.state! };
  if (back.code) body.code = back.code;
  if (back.error) body.error = back.error;
  return h.call("POST", `/auth/oauth/${provider}/callback`, body);
}

export const me = (h: Harness, token: string) => h.call("GET", "/auth/me", undefined, { authorization: `Bearer ${token}` });

export const linksOf = (h: Harness, userId: number) =>
  h.deps.database.db.select().from(oauthAccounts).where(eq(oauthAccounts.userId, userId));

export const userByEmail = async (h: Harness, email: string) =>
  (await h.deps.database.db.select().from(users).where(eq(users.email, email)))[0];

let counter = 0;
/** A provider user id and address no other test uses. */
export const uniqueIdentity = (label = "oauth") => {
  counter += 1;
  const id = `${Date.now()}${counter}`;
  return { id, email: `${label}-${id}@example.com` };
};
