// Talking to the otp-auth API: where it is, requests and their errors.

/** `?api=` wins, then `<meta name="otp-auth-api">` when non-empty, else this page's own origin. */
export function resolveApiBase() {
  const candidates = [
    new URLSearchParams(location.search).get("api"),
    document.querySelector('meta[name="otp-auth-api"]')?.content.trim(),
  ];
  for (const candidate of candidates.filter(Boolean)) {
    try {
      const url = new URL(candidate, location.href);
      if (/^https?:$/.test(url.protocol)) return url.href.replace(/\/+$/, "");
    } catch {
      // not a URL: the next source decides
    }
  }
  return location.origin;
}

export class ApiError extends Error {
  constructor(status, detail, code = "", retryAfter = 0) {
    super(detail);
    Object.assign(this, { status, detail, code, retryAfter });
  }
}

/** A client for one API base; every failure becomes an ApiError carrying the server's `detail`. */
export function createApi(base) {
  async function request(method, path, body, token) {
    const headers = { Accept: "application/json" };
    if (body) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await fetch(base + path, { method, headers, body: body && JSON.stringify(body), credentials: "omit", cache: "no-store" });
    } catch {
      throw new ApiError(0, "Cannot reach the server. Check your connection and try again.", "network_error");
    }
    const data = await response.json().catch(() => null); // an empty or non-JSON body: the status decides
    if (response.ok) return data ?? {};
    const detail = typeof data?.detail === "string" && data.detail ? data.detail
      : response.status >= 500 ? "The server could not handle the request. Please try again shortly." : `Request failed (${response.status}).`;
    throw new ApiError(response.status, detail, data?.code, Number(response.headers.get("Retry-After")) || 0);
  }
  return {
    base,
    request,
    get: (path) => request("GET", path),
    post: (path, body) => request("POST", path, body),
  };
}
