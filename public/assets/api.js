// Talking to the otp-auth API: where it is, requests and their errors.
import { locale, t, words } from "./i18n.js";

/**
 * `?api=` wins, then `<meta name="otp-auth-api">` when non-empty, else this page's own origin. Only this origin
 * and those of `<meta name="otp-auth-api-origins">` count (a link must not choose where passwords go); `ignored`
 * is the first one refused.
 */
export function resolveApiBase() {
  const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content.trim();
  const allowed = [location.origin, ...(meta("otp-auth-api-origins") ?? "").split(/[\s,]+/)];
  let ignored = null;
  for (const candidate of [new URLSearchParams(location.search).get("api"), meta("otp-auth-api")].filter(Boolean)) {
    try {
      const url = new URL(candidate, location.href);
      if (!/^https?:$/.test(url.protocol)) continue;
      if (allowed.includes(url.origin)) return { base: url.href.replace(/\/+$/, ""), ignored };
      ignored ??= url.origin;
    } catch {
      // not a URL: the next source decides
    }
  }
  return { base: location.origin, ignored };
}

export class ApiError extends Error {
  constructor(status, detail, code = "", retryAfter = 0, token) {
    super(t(detail)); // the server's details are English; the page says the ones it knows in its language
    Object.assign(this, { status, detail: t(detail), code, retryAfter, token });
  }
}

/** A client for one API base; every failure becomes an ApiError carrying the server's `detail`. */
export function createApi(base) {
  async function request(method, path, body, token) {
    const headers = { Accept: "application/json", "Accept-Language": locale() };
    if (body) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await fetch(base + path, { method, headers, body: body && JSON.stringify(body), credentials: "omit", cache: "no-store" });
    } catch {
      throw new ApiError(0, words("Cannot reach the server. Check your connection and try again."), "network_error");
    }
    const data = await response.json().catch(() => null); // an empty or non-JSON body: the status decides
    if (response.ok) return typeof data?.message === "string" ? { ...data, message: t(data.message) } : (data ?? {});
    const detail = typeof data?.detail === "string" && data.detail ? data.detail
      : response.status >= 500 ? words("The server could not handle the request. Please try again shortly.") : t("Request failed ({status}).", { status: response.status });
    throw new ApiError(response.status, detail, data?.code, Number(response.headers.get("Retry-After")) || 0, data?.otp_token ?? data?.mfa_token);
  }
  return {
    base,
    request,
    get: (path) => request("GET", path),
    post: (path, body) => request("POST", path, body),
  };
}
