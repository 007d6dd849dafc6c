import { Webhook } from "standardwebhooks";
import type { AttemptOutcome } from "./deliveries";

export interface WebhookMessage {
  url: string;
  /** `whsec_<base64>`. */
  secret: string;
  messageId: string;
  payload: string;
}

/**
 * One attempt: signs the body as Standard Webhooks specifies (`webhook-id`, `webhook-timestamp` of this attempt,
 * `webhook-signature`) and POSTs it. A 2xx answer is a success; anything else, a redirect included (it is not
 * followed: the operator gave this URL), a timeout after `timeoutMs` or an abort through `signal` is not.
 * The answer's body is never read.
 */
export async function sendWebhook(
  message: WebhookMessage,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<AttemptOutcome & { ok: boolean }> {
  const timestamp = new Date();
  const headers = {
    "content-type": "application/json",
    "user-agent": "otp-auth-webhooks",
    "webhook-id": message.messageId,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": new Webhook(message.secret).sign(message.messageId, timestamp, message.payload),
  };
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(message.url, {
      method: "POST",
      headers,
      body: message.payload,
      redirect: "manual",
      signal: AbortSignal.any([timeout, signal]),
    });
    void response.body?.cancel().catch(() => {});
    const ok = response.status >= 200 && response.status < 300;
    return { ok, status: response.status, error: ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    if (timeout.aborted) return { ok: false, status: null, error: `no answer within ${timeoutMs / 1000} s` };
    if (signal.aborted) return { ok: false, status: null, error: "shutting down" };
    const { code, message: text } = error as { code?: string; message?: string };
    return { ok: false, status: null, error: code ? `${code}: ${text ?? ""}` : (text ?? "request failed") };
  }
}
