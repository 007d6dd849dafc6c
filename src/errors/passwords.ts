import type { ErrorCatalogue } from ".";

/** Changing a password (forgot and reset answer with the OTP and account errors). */
export const PASSWORD_ERRORS = {
  wrongCurrent: { status: 400, code: "invalid_current_password", detail: "The current password is incorrect." },
  samePassword: { status: 400, code: "password_unchanged", detail: "The new password must be different from the current one." },
} as const satisfies ErrorCatalogue;
