import { detailsOf } from "../../errors";
import { PASSWORD_ERRORS } from "../../errors/passwords";

/** Answers of the password routes; the details of their own errors come from their catalogue. */
export const PASSWORD_MESSAGES = {
  // The same answer whether or not the address has an account.
  resetCodeSent: "If an account exists for this address, a code to reset its password has been sent.",
  reset: "Your password has been reset. Log in with your new password.",
  changed: "Your password has been changed. Your other sessions have been signed out.",
  ...detailsOf(PASSWORD_ERRORS),
} as const;
