import type { RuntimeConfig } from "../config/load";
import type { Database } from "../db/client";
import type { Logger } from "../lib/log";
import { createDeliveryRepository } from "./deliveries";
import { createEndpointRepository } from "./endpoints";
import { createWebhookOutbox } from "./outbox";
import { createSecretBox } from "./secret";
import { webhookSettingsFrom } from "./settings";
import { createWebhookWorker } from "./worker";

/** The webhook parts built together: the outbox repositories write into, the worker that sends, and their stores. */
export function createWebhooks({ db, config, log }: { db: Database; config: RuntimeConfig; log: Logger }) {
  const settings = webhookSettingsFrom(config);
  const outbox = createWebhookOutbox({ configured: settings.configured?.events ?? [] });
  const endpoints = createEndpointRepository(db);
  const deliveries = createDeliveryRepository(db);
  const secrets = createSecretBox(config.SECRET_KEY);
  const worker = createWebhookWorker({ deliveries, endpoints, outbox, secrets, settings, log });
  return { settings, outbox, endpoints, deliveries, secrets, worker };
}

export type Webhooks = ReturnType<typeof createWebhooks>;
