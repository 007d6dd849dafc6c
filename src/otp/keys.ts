import type { OtpPurpose, SendClass } from "./store";

// The address in braces is a Redis Cluster hash tag: every key of one address lands in one slot,
// which a multi-key Lua script requires.
export const codeKey = (email: string, purpose: OtpPurpose) => `otp:{${email}}:code:${purpose}`;
export const sendsKey = (email: string, sendClass: SendClass = "open") =>
  sendClass === "open" ? `otp:{${email}}:sends` : `otp:{${email}}:sends:${sendClass}`;
/** Wrong tries of one purpose over the failure window: `bound` ones (see VerifyInput) apart from the rest. */
export const failuresKey = (email: string, purpose: OtpPurpose, bound: boolean) =>
  `otp:{${email}}:fails:${purpose}:${bound ? "bound" : "open"}`;
