/** What a code is for; part of every key, so a code issued for one purpose is useless for another. */
export type OtpPurpose = "register" | "recheck" | "reset";

export type IssueResult =
  | { ok: true }
  | { ok: false; reason: "cooldown" | "hourly_cap"; retryAfterMs: number };

/** `missing` covers never issued, expired and already used; `exhausted` is a code killed by wrong tries. */
export type VerifyResult = "ok" | "invalid" | "missing" | "exhausted";

export interface IssueInput {
  email: string;
  purpose: OtpPurpose;
  codeHash: string;
  now: number;
  ttlMs: number;
  cooldownMs: number;
  maxSendsPerHour: number;
}

export interface VerifyInput {
  email: string;
  purpose: OtpPurpose;
  codeHash: string;
  now: number;
  maxAttempts: number;
}

/**
 * Storage of code hashes and send limits. Each method is atomic on its own: the rules that must hold under
 * concurrency (one success per code, the attempt count, the send limits) are enforced inside the store.
 */
export interface OtpStore {
  /** Checks the address's send limits and, if they allow, replaces any earlier code with this one. */
  issue(input: IssueInput): Promise<IssueResult>;
  /** Consumes the code if it matches; otherwise counts a wrong try. */
  verifyAndConsume(input: VerifyInput): Promise<VerifyResult>;
  /** Withdraws a code that was never delivered, and lifts the cooldown it started. */
  withdraw(email: string, purpose: OtpPurpose, codeHash: string): Promise<void>;
  /** True while a code (live or killed by wrong tries) exists for this address and purpose. */
  hasCode(email: string, purpose: OtpPurpose, now: number): Promise<boolean>;
  ping(): Promise<void>;
}
