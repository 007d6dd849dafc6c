import type { WebhookDelivery } from "../../db/schema";
import { appError } from "../../errors";
import { ADMIN_ERRORS } from "../../errors/admin";
import { toPage } from "../../lib/pagination";
import { redactUrl } from "../../lib/redact-url";
import type { DeliveryRepository } from "../../webhooks/deliveries";
import type { EndpointRepository, StoredEndpoint } from "../../webhooks/endpoints";
import type { WebhookEventType } from "../../webhooks/events";
import type { WebhookOutbox } from "../../webhooks/outbox";
import { generateWebhookSecret, type SecretBox } from "../../webhooks/secret";
import type { WebhookSettings } from "../../webhooks/settings";
import type { CreateEndpointBody, DeliveryListQuery, DeliveryView, EndpointView } from "./model";

const toEndpointView = (endpoint: StoredEndpoint): EndpointView => ({
  id: endpoint.id,
  url: endpoint.url,
  events: endpoint.events as WebhookEventType[] | null,
  created_at: endpoint.createdAt.toISOString(),
});

const toDeliveryView = (delivery: WebhookDelivery): DeliveryView => ({
  id: delivery.id,
  webhook_id: delivery.messageId,
  endpoint_id: delivery.endpointId,
  event: delivery.eventType as WebhookEventType,
  status: delivery.status,
  attempts: delivery.attempts,
  next_attempt_at: delivery.status === "pending" ? delivery.nextAttemptAt.toISOString() : null,
  last_status: delivery.lastStatus,
  last_error: delivery.lastError,
  created_at: delivery.createdAt.toISOString(),
  delivered_at: delivery.deliveredAt?.toISOString() ?? null,
});

export type WebhookAdminService = ReturnType<typeof createWebhookAdminService>;

/** The admin API of webhooks: endpoints (their secrets shown once), deliveries and their retries. */
export function createWebhookAdminService({
  endpoints,
  deliveries,
  outbox,
  secrets,
  configured,
}: {
  endpoints: EndpointRepository;
  deliveries: DeliveryRepository;
  outbox: WebhookOutbox;
  secrets: SecretBox;
  configured: WebhookSettings["configured"];
}) {
  // This instance writes events for the new subscriptions at once; the others within the worker's refresh.
  const refreshSubscriptions = async () => outbox.setStoredSubscriptions(await endpoints.subscriptions());

  return {
    async createEndpoint(body: CreateEndpointBody) {
      const id = crypto.randomUUID();
      const secret = body.secret ?? generateWebhookSecret();
      const endpoint = await endpoints.create({ id, url: body.url, events: body.events ?? null, sealedSecret: secrets.seal(secret, id) });
      await refreshSubscriptions();
      return { ...toEndpointView(endpoint), secret };
    },

    async listEndpoints() {
      return {
        endpoints: (await endpoints.list()).map(toEndpointView),
        configured: configured ? { url: redactUrl(configured.url), events: [...configured.events] } : null,
      };
    },

    /** Deletes an endpoint with its deliveries, pending ones included. */
    async deleteEndpoint(id: string): Promise<void> {
      if (!(await endpoints.delete(id))) throw appError(ADMIN_ERRORS.webhookEndpointNotFound);
      await refreshSubscriptions();
    },

    async listDeliveries({ limit, cursor, status, event, endpoint_id }: DeliveryListQuery) {
      const rows = await deliveries.list({
        limit,
        beforeId: cursor === undefined ? undefined : Number(cursor),
        status,
        eventType: event,
        endpointId: endpoint_id === "configured" ? null : endpoint_id,
      });
      const page = toPage(rows, limit);
      return { deliveries: page.items.map(toDeliveryView), next_cursor: page.nextCursor };
    },

    /** Sends a delivery again now, whatever its state, with a new retry window; refused while an attempt is in flight. */
    async retryDelivery(id: number): Promise<DeliveryView> {
      const { retried, exists } = await deliveries.retry(id);
      if (!retried) throw appError(exists ? ADMIN_ERRORS.webhookDeliveryInFlight : ADMIN_ERRORS.webhookDeliveryNotFound);
      outbox.written();
      return toDeliveryView(retried);
    },
  };
}
