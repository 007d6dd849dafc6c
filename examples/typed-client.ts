import { treaty } from "@elysiajs/eden";
import type { App } from "otp-auth/client";

/**
 * Creates an account, confirms it with the code from the mail (`readCode` fetches it, however your app does)
 * and returns the signed-in user as `GET /auth/me` answers it.
 */
export async function signUpAndFetchProfile(
  baseUrl: string,
  email: string,
  password: string,
  readCode: (email: string) => Promise<string>,
) {
  const api = treaty<App>(baseUrl);

  const registered = await api.auth.register.post({ email, password });
  if (registered.error) throw new Error(`register: ${registered.error.status} ${registered.error.value.detail}`);

  const code = await readCode(email);
  // Handing the otp_token back makes this registration's password the account's.
  const verified = await api.auth["verify-otp"].post({ email, code, otp_token: registered.data.otp_token });
  if (verified.error) throw new Error(`verify-otp: ${verified.error.status} ${verified.error.value.detail}`);

  const me = await api.auth.me.get({ headers: { authorization: `Bearer ${verified.data.access_token}` } });
  if (me.error) throw new Error(`me: ${me.error.status}`);
  return me.data; // { id, email, is_active, is_verified, created_at, auth_provider }
}
