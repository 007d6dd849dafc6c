/** Every event a webhook endpoint can subscribe to. */
export const WEBHOOK_EVENTS = [
  "user.created",
  "user.verified",
  "user.signed_in",
  "user.password_changed",
  "user.disabled",
  "user.deleted",
  "session.revoked",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export const isWebhookEventType = (value: string): value is WebhookEventType => (WEBHOOK_EVENTS as readonly string[]).includes(value);
