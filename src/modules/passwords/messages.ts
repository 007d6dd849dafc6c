export const PASSWORD_MESSAGES = {
  // The same answer whether or not the address has an account.
  resetCodeSent: "If an account exists for this address, a code to reset its password has been sent.",
  reset: "Your password has been reset. Log in with your new password.",
  changed: "Your password has been changed. Your other sessions have been signed out.",
  wrongCurrent: "The current password is incorrect.",
  samePassword: "The new password must be different from the current one.",
} as const;
