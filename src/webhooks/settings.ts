import type { RuntimeConfig } from "../config/load";
import { WEBHOOK_EVENTS, type WebhookEventType } from "./events";

export interface WebhookSettings {
  /** The endpoint of WEBHOOK_URL, if set. */
  configured: { url: string; secret: string; events: readonly WebhookEventType[] } | null;
  timeoutMs: number;
  /** How long after an event (or an administrator's retry) attempts go on before the delivery is marked failed. */
  retryWindowSeconds: number;
  /** The first retry's delay; each further one doubles, up to an hour. */
  retryBaseSeconds: number;
}

export const webhookSettingsFrom = (config: RuntimeConfig): WebhookSettings => ({
  configured:
    config.WEBHOOK_URL && config.WEBHOOK_SECRET
      ? { url: config.WEBHOOK_URL, secret: config.WEBHOOK_SECRET, events: config.WEBHOOK_EVENTS ?? WEBHOOK_EVENTS }
      : null,
  timeoutMs: config.WEBHOOK_TIMEOUT_SECONDS * 1000,
  retryWindowSeconds: Math.round(config.WEBHOOK_RETRY_HOURS * 3600),
  retryBaseSeconds: config.WEBHOOK_RETRY_BASE_SECONDS,
});

const MAX_DELAY_SECONDS = 3600;

/**
 * The wait before the attempt after `attempt` failed: exponential from the base, up to an hour, spread ±20 % so
 * the deliveries of one receiver's outage do not all come back at the same second.
 */
export function retryDelaySeconds(attempt: number, baseSeconds: number, random = Math.random): number {
  const exponential = baseSeconds * 2 ** Math.min(attempt - 1, 30);
  return Math.max(1, Math.min(MAX_DELAY_SECONDS, Math.round(exponential * (0.8 + random() * 0.4))));
}
