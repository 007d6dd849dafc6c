// "Continue with Google/GitHub": start at the API, go to the provider, finish when it sends the person back.
import { ApiError, resolveApiBase } from "./api.js";
import { t, words } from "./i18n.js";
import { say, whileBusy } from "./views.js";

const PENDING_KEY = "otp-auth:oauth";
export const PROVIDER_NAMES = { google: "Google", github: "GitHub" };

/** Asks the API for the provider's sign-in address, remembers what to expect back, and goes there. */
export async function startOAuth(api, provider) {
  // This page without query or fragment: the provider sends the person back here.
  const redirectUri = location.origin + location.pathname;
  const { auth_url: target, state } = await api.get(`/auth/oauth/${provider}/start?redirect_uri=${encodeURIComponent(redirectUri)}`);
  if (!/^https?:\/\//.test(target) || typeof state !== "string") {
    throw new ApiError(0, words("The server did not answer with a sign-in address. Please try again."));
  }
  // The API base travels along: the provider returns to this page without our query string.
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ provider, state, api: api.base, redirectUri }));
  location.assign(target);
}

/**
 * On a return from the provider (`?code=&state=` or `?error=`), takes those parameters out of the address
 * bar at once (they must not stay in history or be reloaded) and returns them; otherwise null.
 */
export function takeOAuthReturn() {
  const params = new URLSearchParams(location.search);
  if (!params.has("state") || !(params.has("code") || params.has("error"))) return null;
  let pending = null;
  try {
    pending = JSON.parse(sessionStorage.getItem(PENDING_KEY));
  } catch {
    // unreadable: treated as not started here
  }
  sessionStorage.removeItem(PENDING_KEY);
  const api = params.get("api") ?? (pending?.api !== resolveApiBase().base ? pending?.api : null);
  history.replaceState(null, "", location.pathname + (api ? `?${new URLSearchParams({ api })}` : ""));
  return { code: params.get("code"), state: params.get("state"), error: params.get("error"), pending };
}

/** Exchanges the returned code at the API; refuses a return this tab did not start (login CSRF). */
export async function finishOAuth(api, { code, state, error, pending }) {
  if (pending?.state !== state || !PROVIDER_NAMES[pending.provider]) {
    throw new ApiError(0, words("This sign-in response was not started from this page, or was already used. Please start again."));
  }
  const name = PROVIDER_NAMES[pending.provider];
  if (error === "access_denied") throw new ApiError(0, t("Sign-in with {name} was cancelled.", { name }));
  if (error) throw new ApiError(0, t("Sign-in with {name} failed{reason}.", { name, reason: /^[a-z_]{1,40}$/.test(error) ? ` (${error})` : "" }));
  return api.post(`/auth/oauth/${pending.provider}/callback`, { code, state, redirect_uri: pending.redirectUri });
}

/** The "Continue with …" buttons: busy until this page is left for the provider. */
export function wireProviders(api) {
  for (const button of document.querySelectorAll("[data-provider]")) {
    const provider = button.dataset.provider;
    button.addEventListener("click", () => {
      say("oauth-error");
      whileBusy(button, t("Opening {name}…", { name: PROVIDER_NAMES[provider] }), async () => {
        try {
          await startOAuth(api, provider);
          // Or until it is shown again from the back-forward cache.
          await new Promise((resolve) => addEventListener("pageshow", resolve, { once: true }));
        } catch (error) {
          say("oauth-error", error.detail);
        }
      });
    });
  }
}
