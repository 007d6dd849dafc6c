import { providerLabel } from "../oauth/providers";

/** Response texts the original service's clients match on; kept word for word. */
export const AUTH_MESSAGES = {
  codeSent: "Verification code sent to your email.",
  codeResent: "A new verification code has been sent.",
  verified: "Account verified successfully.",
  emailTaken: "An account with this email already exists.",
  userNotFound: "User not found.",
  badCredentials: "Incorrect email or password.",
  notVerified: "Email not verified. Please complete the OTP flow.",
  recheckRequired: "Session expired. A new verification code has been sent.",
  alreadyVerified: "This account is already verified. Log in to continue.",
  disabled: "This account is disabled.",
  mailFailed: "The verification email could not be sent. Please try again later.",
  invalidToken: "Could not validate credentials.",
  loggedOut: "Logged out.",
  /** An account created by an administrator without a password. */
  passwordNotSet: "This account has no password yet. Use \"Forgot password\" to set one.",
  /** For an account created by Google or GitHub sign-in, which has no password. */
  oauthOnly: (provider: string) =>
    `This account uses ${providerLabel(provider)} sign-in and has no password. Please sign in with ${providerLabel(provider)}.`,
} as const;
