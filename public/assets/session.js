// The signed-in session: its tokens, kept per API in this tab's sessionStorage, renewed before they expire
// while the person uses the page; an idle tab renews on its next call instead, so it never has the server
// mail a re-check code by itself.
import { ApiError } from "./api.js";
import { words } from "./i18n.js";

/** The address in an access token (its `email` claim), read without checking: only the server can. */
const emailIn = (token) =>
  JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)))).email;

const TAB_KEY = "otp-auth:tab";

/**
 * A copied tab (duplicated, or opened by this one) gets this tab's sessionStorage; two tabs renewing one
 * refresh token end the session. Each tab holds a Web Lock named by an id in its storage: a copy finds it
 * held (a reload's old page lets go soon, hence the wait). True in a copy.
 */
async function claimTab() {
  if (!navigator.locks) return false; // not a secure context
  let release;
  const hold = (id, options) => new Promise((resolve) => {
    navigator.locks.request(`otp-auth:tab:${id}`, options, (lock) => {
      resolve(Boolean(lock));
      return lock && new Promise((done) => (release = done));
    }).catch(() => resolve(false));
  });
  // In the back/forward cache, let go: the next page in this tab is no copy.
  addEventListener("pagehide", () => release?.());
  addEventListener("pageshow", (event) => event.persisted && hold(sessionStorage.getItem(TAB_KEY), { ifAvailable: true }));
  const id = sessionStorage.getItem(TAB_KEY);
  if (id && ((await hold(id, { ifAvailable: true })) || (await hold(id, { signal: AbortSignal.timeout(1500) })))) return false;
  const fresh = crypto.randomUUID();
  sessionStorage.setItem(TAB_KEY, fresh);
  await hold(fresh, { ifAvailable: true });
  return Boolean(id);
}

/**
 * A renewal that fails with 401 (the session ended) or `otp_required` (a code was mailed to `error.email`)
 * forgets the tokens; others are retried. `lost(error)` hears of a renewal nobody was waiting for.
 */
export function createSession(api, lost) {
  const key = `otp-auth:token:${api.base}`;
  let tokens = null;
  let timer = 0;
  let renewing = null;
  let lastActive = Date.now();
  for (const type of ["pointerdown", "pointermove", "keydown"]) addEventListener(type, () => (lastActive = Date.now()), { capture: true, passive: true });

  // A running renewal has a caller already; someone idle for a token's whole life renews on their next call.
  const schedule = (ms) => {
    clearTimeout(timer);
    timer = setTimeout(() => renewing || Date.now() - lastActive > (tokens?.life ?? 0) || renew().catch(lost), ms);
  };

  /** Counted on this browser's clock from `expires_in`, so a clock set wrong does not make every token look expired. */
  function keep(answer) {
    const life = answer.expires_in * 1000;
    tokens = { access_token: answer.access_token, refresh_token: answer.refresh_token, life, renew_at: Date.now() + life - Math.min(60_000, life / 4) };
    sessionStorage.setItem(key, JSON.stringify(tokens));
    schedule(tokens.renew_at - Date.now());
  }

  function forget() {
    tokens = null;
    clearTimeout(timer);
    sessionStorage.removeItem(key);
  }

  /** One exchange at a time: a refresh token presented twice ends the whole session (reuse detection). */
  function renew() {
    const before = tokens;
    if (!before) return Promise.reject(new ApiError(401, words("Your session has ended. Please sign in again.")));
    renewing ??= api.post("/auth/refresh", { refresh_token: before.refresh_token }).then((answer) => {
      if (tokens === before) keep(answer); // not after a log out meanwhile
    }, (error) => {
      if (tokens !== before) return;
      if (error.code === "otp_required") error.email = emailIn(before.access_token);
      if (error.status === 401 || error.email) forget();
      else schedule(15_000); // offline, or server trouble
      throw error;
    }).finally(() => (renewing = null));
    return renewing;
  }

  /** A call with the access token, renewed first when due, and once more when the server refuses it (401). */
  async function call(method, path, body) {
    await ready;
    if (!tokens || Date.now() >= tokens.renew_at) await renew();
    const token = tokens?.access_token;
    try {
      return await api.request(method, path, body, token);
    } catch (error) {
      if (error.status !== 401) throw error;
      if (tokens?.access_token === token) await renew();
      return api.request(method, path, body, tokens?.access_token);
    }
  }

  /** This tab's tokens (another page in it may have renewed them). */
  function load() {
    try {
      tokens = JSON.parse(sessionStorage.getItem(key));
    } catch {
      tokens = null;
    }
    if (tokens?.refresh_token) schedule(tokens.renew_at - Date.now());
    else tokens = null;
  }

  // True in a copy: its tokens stay with the tab it came from.
  const ready = claimTab().then((copy) => {
    if (tokens) return false; // signed in meanwhile
    const copied = copy && Boolean(sessionStorage.getItem(key));
    if (copied) forget();
    else load();
    return copied;
  });
  addEventListener("pageshow", (event) => event.persisted && load());

  return { ready, keep, forget, call, get active() { return Boolean(tokens); } };
}
