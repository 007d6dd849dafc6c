// The admin API and the sign-in routes, with the access token held in this module's memory only: no cookie
// (nothing for a cross-site request to ride on) and no storage (a reload signs out).

export class ApiError extends Error {
  constructor(status, detail, code = "", extra = {}) {
    super(detail);
    Object.assign(this, { status, detail, code, ...extra });
  }
}

let token = null;
let onSignedOut = () => {};

export const isSignedIn = () => token !== null;
export const setToken = (value) => {
  token = value;
};
/** Called with the server's detail when the admin API no longer takes the token (expired, ended, role taken back). */
export const whenSignedOut = (listener) => {
  onSignedOut = listener;
};

async function send(method, path, body, { raw = false } = {}) {
  const headers = { Accept: raw ? "text/csv" : "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "Cannot reach the server. Check your connection and try again.", "network_error");
  }
  if (response.ok) return raw ? response.blob() : response.json();
  const data = await response.json().catch(() => null);
  const detail = typeof data?.detail === "string" ? data.detail : `Request failed (${response.status}).`;
  const error = new ApiError(response.status, detail, data?.code ?? "", { otpToken: data?.otp_token, mfaToken: data?.mfa_token });
  if (token && path.startsWith("/auth/admin/") && (response.status === 401 || response.status === 403)) {
    token = null;
    onSignedOut(error.code === "invalid_token" ? "Your session has ended. Please sign in again." : detail);
  }
  throw error;
}

export const api = {
  get: (path) => send("GET", path),
  post: (path, body) => send("POST", path, body),
  put: (path, body) => send("PUT", path, body),
  del: (path) => send("DELETE", path),
  download: (path) => send("GET", path, undefined, { raw: true }),
};

/** A query string of the non-empty values. */
export function query(values) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== "" && value !== undefined && value !== null) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}
