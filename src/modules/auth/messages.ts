import { detailsOf } from "../../errors";
import { ACCOUNT_ERRORS } from "../../errors/account";
import { AUTH_ERRORS } from "../../errors/auth";

/**
 * Response texts the original service's clients match on, kept word for word. The details of the errors are
 * defined with their codes in the catalogues and listed here too, so one map holds every text of these routes.
 */
export const AUTH_MESSAGES = {
  codeSent: "Verification code sent to your email.",
  codeResent: "A new verification code has been sent.",
  verified: "Account verified successfully.",
  loggedOut: "Logged out.",
  ...detailsOf(ACCOUNT_ERRORS),
  ...detailsOf(AUTH_ERRORS),
} as const;
