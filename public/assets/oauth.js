// "Continue with Google/GitHub": start at the API, go to the provider, finish when it sends the person back.
import { ApiError, resolveApiBase } from "./api.js";

const PENDING_KEY = "otp-auth:oauth";

export const PROVIDER_NAMES = { google: "Google", github: "GitHub" };

/** This page's address without query or fragment: where the provider sends the person back. */
export const pageRedirectUri = () => location.origin + location.pathname;

/** Asks the API for the provider's sign-in address, remembers what to expect back, and goes there. */
export async function startOAuth(api, provider) {
  const redirectUri = pageRedirectUri();
  const answer = await api.get(`/auth/oauth/${encodeURIComponent(provider)}/start?redirect_uri=${encodeURIComponent(redirectUri)}`);
  let target;
  try {
    target = new URL(answer.auth_url);
  } catch {
    target = null;
  }
  if (!target || !/^https?:$/.test(target.protocol) || typeof answer.state !== "string") {
    throw new ApiError(0, "The server did not answer with a sign-in address. Please try again.", "oauth_bad_start");
  }
  // The API base travels along: the provider returns to this page without our query string.
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ provider, state: answer.state, api: api.base, redirectUri }));
  location.assign(target.href);
}

/**
 * On a return from the provider (`?code=&state=` or `?error=`), takes those parameters out of the address
 * bar at once (they must not stay in history or be reloaded) and returns them; otherwise null.
 */
export function takeOAuthReturn() {
  const params = new URLSearchParams(location.search);
  if (!params.has("state") || !(params.has("code") || params.has("error"))) return null;
  const pending = readPending();
  const returned = { code: params.get("code"), state: params.get("state"), error: params.get("error"), pending };
  const kept = new URLSearchParams();
  const api = params.get("api") ?? (pending?.api && pending.api !== resolveApiBase() ? pending.api : null);
  if (api) kept.set("api", api);
  const query = kept.toString();
  history.replaceState(null, "", location.pathname + (query ? `?${query}` : ""));
  return returned;
}

function readPending() {
  try {
    return JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? "null");
  } catch {
    return null;
  } finally {
    sessionStorage.removeItem(PENDING_KEY);
  }
}

/** Exchanges the returned code at the API; refuses a return this tab did not start (login CSRF). */
export async function finishOAuth(api, { code, state, error, pending }) {
  if (!pending || pending.state !== state) {
    throw new ApiError(0, "This sign-in response was not started from this page, or was already used. Please start again.", "oauth_unexpected");
  }
  const name = PROVIDER_NAMES[pending.provider] ?? pending.provider;
  if (error) {
    const reason = /^[a-z_]{1,40}$/.test(error) ? ` (${error})` : "";
    const detail = error === "access_denied" ? `Sign-in with ${name} was cancelled.` : `Sign-in with ${name} failed${reason}.`;
    throw new ApiError(0, detail, "oauth_provider_error");
  }
  return api.post(`/auth/oauth/${encodeURIComponent(pending.provider)}/callback`, {
    code,
    state,
    redirect_uri: pending.redirectUri,
  });
}
