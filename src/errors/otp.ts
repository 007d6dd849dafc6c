import { detailsOf, type ErrorCatalogue } from ".";

/** Issuing and checking one-time codes, whichever feature asked for the code. */
export const OTP_ERRORS = {
  /** Also what an unknown address or a disabled account gets in a code step, so the answer tells nothing. */
  invalid: { status: 400, code: "otp_invalid", detail: "Invalid or expired verification code." },
  exhausted: { status: 429, code: "otp_attempts_exhausted", detail: "Too many incorrect attempts. Request a new verification code." },
  locked: { status: 429, code: "otp_locked", detail: "Too many incorrect codes for this address. Please try again later." },
  cooldown: { status: 429, code: "otp_cooldown", detail: "A verification code was sent recently. Please wait before requesting another." },
  hourlyCap: {
    status: 429,
    code: "otp_hourly_cap",
    detail: "Too many verification codes requested for this address. Please try again later.",
  },
} as const satisfies ErrorCatalogue;

/** The texts alone, by name, for what matches on them (the page's tests). */
export const OTP_MESSAGES = detailsOf(OTP_ERRORS);
