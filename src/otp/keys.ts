import type { OtpPurpose } from "./store";

// The address in braces is a Redis Cluster hash tag: both keys of one address land in one slot,
// which a multi-key Lua script requires.
export const codeKey = (email: string, purpose: OtpPurpose) => `otp:{${email}}:code:${purpose}`;
export const sendsKey = (email: string) => `otp:{${email}}:sends`;
