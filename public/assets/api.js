// Talking to the otp-auth API: where it is, requests and their errors, and what a token says.

/** `?api=` wins, then `<meta name="otp-auth-api">` when non-empty, else this page's own origin. */
export function resolveApiBase(location = window.location) {
  const fromQuery = new URLSearchParams(location.search).get("api");
  const fromMeta = document.querySelector('meta[name="otp-auth-api"]')?.getAttribute("content")?.trim();
  for (const candidate of [fromQuery, fromMeta]) {
    if (!candidate) continue;
    try {
      const url = new URL(candidate, location.href);
      if (url.protocol === "http:" || url.protocol === "https:") return url.href.replace(/\/+$/, "");
    } catch {
      // not a URL: try the next source
    }
  }
  return location.origin;
}

export class ApiError extends Error {
  constructor(status, detail, code = "", retryAfter = 0) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

const fallbackDetail = (status) =>
  status >= 500 ? "The server could not handle the request. Please try again shortly." : `Request failed (${status}).`;

/** A small client for one API base; every failure becomes an ApiError carrying the server's `detail`. */
export function createApi(base) {
  async function request(method, path, body, token) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await fetch(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
      });
    } catch {
      throw new ApiError(0, "Cannot reach the server. Check your connection and try again.", "network_error");
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      // an empty or non-JSON body: the status decides
    }
    if (response.ok) return data ?? {};
    const retryAfter = Number(response.headers.get("Retry-After")) || 0;
    const detail = typeof data?.detail === "string" && data.detail ? data.detail : fallbackDetail(response.status);
    throw new ApiError(response.status, detail, data?.code ?? "", retryAfter);
  }
  return {
    base,
    get: (path, token) => request("GET", path, undefined, token),
    post: (path, body, token) => request("POST", path, body, token),
  };
}

/** The `exp` claim of a JWT in milliseconds, or 0 when it cannot be read. The server checks the signature. */
export function readTokenExpiry(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(payload.padEnd(payload.length + ((4 - (payload.length % 4)) % 4), "=")));
    return typeof claims.exp === "number" ? claims.exp * 1000 : 0;
  } catch {
    return 0;
  }
}
