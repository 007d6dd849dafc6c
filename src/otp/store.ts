/**
 * What a code is for; part of every key and of the code's hash, so a code issued for one purpose is useless for
 * another. `signin`: a code sign-in without a password (POST /auth/code/sign-in); `account_delete`: the check
 * that confirms deleting one's own account (POST /auth/account/delete); `email_change`: the code mailed to a new
 * address (POST /auth/email/change/confirm); `email_change_proof`: what a password-less account proves itself with
 * to ask for that change.
 */
export type OtpPurpose = "register" | "recheck" | "reset" | "signin" | "account_delete" | "email_change" | "email_change_proof";

/**
 * Whose send budget (cooldown and hourly cap) a code comes out of. `open`: requests anyone can make for any
 * address (register, resend, forgot, a code sign-in). `gated`: codes only a correct password or a live session can ask for
 * (the login re-check), so a flood of open requests never stops the owner from signing in.
 */
export type SendClass = "open" | "gated";

export type IssueResult = { ok: true } | { ok: false; reason: "cooldown" | "hourly_cap"; retryAfterMs: number };

/**
 * `missing` covers never issued, expired and already used; `exhausted` is a code killed by wrong tries;
 * `locked` is an address and purpose whose wrong tries over the failure window are used up.
 */
export type VerifyStatus = "ok" | "invalid" | "missing" | "exhausted" | "locked";

export interface VerifyResult {
  status: VerifyStatus;
  /** With `locked`: when the failure window ends. */
  retryAfterMs: number;
  /** The request carried the token of the step that issued this code (see IssueInput.bindingHash). */
  bound: boolean;
  /** With `ok`: the password version the code was issued under (-1 when none was recorded). */
  passwordVersion: number;
}

interface IssueInput {
  email: string;
  purpose: OtpPurpose;
  codeHash: string;
  now: number;
  ttlMs: number;
  cooldownMs: number;
  maxSendsPerHour: number;
  sendClass: SendClass;
  /** Keyed hash of the otp_token handed to whoever started this step; '' for none. */
  bindingHash: string;
  passwordVersion: number;
  /** A resend: the new code keeps the binding and password version of the code it replaces. */
  keepBinding: boolean;
}

interface VerifyInput {
  email: string;
  purpose: OtpPurpose;
  codeHash: string;
  now: number;
  maxAttempts: number;
  /** Keyed hash of the otp_token the request carried; '' for none. */
  bindingHash: string;
  failureWindowMs: number;
  maxFailuresPerWindow: number;
}

/**
 * Storage of code hashes and send limits. Each method is atomic on its own: the rules that must hold under
 * concurrency (one success per code, the attempt counts, the send limits) are enforced inside the store.
 */
export interface OtpStore {
  /** Checks the send limits of the class and, if they allow, replaces any earlier code with this one. */
  issue(input: IssueInput): Promise<IssueResult>;
  /**
   * Consumes the code if it matches; otherwise counts a wrong try, on the code and in the address's failure
   * window for this purpose (one window for bound tries, one for the rest).
   */
  verifyAndConsume(input: VerifyInput): Promise<VerifyResult>;
  /** Withdraws a code that was never delivered, and lifts the cooldown it started. */
  withdraw(email: string, purpose: OtpPurpose, codeHash: string, sendClass: SendClass): Promise<void>;
  /** True while a code (live or killed by wrong tries) exists for this address and purpose. */
  hasCode(email: string, purpose: OtpPurpose, now: number): Promise<boolean>;
  ping(): Promise<void>;
}
