import type { ErrorCatalogue } from ".";

/** Refreshing and ending sessions. */
export const SESSION_ERRORS = {
  invalidRefresh: { status: 401, code: "invalid_refresh_token", detail: "Invalid or expired refresh token. Please log in again." },
  reusedRefresh: {
    status: 401,
    code: "refresh_token_reused",
    detail: "This refresh token was already used; the session has been ended for your safety. Please log in again.",
  },
  sessionNotFound: { status: 404, code: "session_not_found", detail: "Session not found." },
} as const satisfies ErrorCatalogue;
