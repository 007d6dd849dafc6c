import { Elysia } from "elysia";
import type { RequestContext } from "../../http/request-context";
import { errors, messageResponse } from "../../http/responses";
import { ADMIN_SECURITY } from "../admin/model";
import { adminGuard, type AdminAuth } from "../admin/guard";
import {
  createdEndpointResponse,
  createEndpointBody,
  deliveryListQuery,
  deliveryListResponse,
  deliveryParams,
  deliveryView,
  endpointListResponse,
  endpointParams,
} from "./model";
import type { WebhookAdminService } from "./service";

const basicAuth = ADMIN_SECURITY;

export const webhookRoutes = (webhooks: WebhookAdminService, context: RequestContext, auth: AdminAuth) =>
  new Elysia({ prefix: "/auth/admin/webhooks", tags: ["admin"] })
    .use(context)
    .use(adminGuard(auth))
    .get("/endpoints", () => webhooks.listEndpoints(), {
      admin: true,
      response: { 200: endpointListResponse, ...errors(401, 403, 429, 503) },
      detail: { summary: "List the webhook endpoints (never their secrets)", ...basicAuth },
    })
    .post("/endpoints", async ({ body, status }) => status(201, await webhooks.createEndpoint(body)), {
      admin: true,
      body: createEndpointBody,
      parse: "json",
      response: { 201: createdEndpointResponse, ...errors(401, 403, 422, 429, 503) },
      detail: {
        summary: "Add a webhook endpoint",
        description: "The answer carries the signing secret, given or generated; it is never shown again.",
        ...basicAuth,
      },
    })
    .delete(
      "/endpoints/:id",
      async ({ params }) => {
        await webhooks.deleteEndpoint(params.id);
        return { message: "Webhook endpoint deleted." };
      },
      {
        admin: true,
        params: endpointParams,
        response: { 200: messageResponse, ...errors(401, 403, 404, 422, 429, 503) },
        detail: { summary: "Delete a webhook endpoint with its deliveries", ...basicAuth },
      },
    )
    .get("/deliveries", ({ query }) => webhooks.listDeliveries(query), {
      admin: true,
      query: deliveryListQuery,
      response: { 200: deliveryListResponse, ...errors(401, 403, 422, 429, 503) },
      detail: { summary: "Webhook deliveries and their status, newest first, a page at a time", ...basicAuth },
    })
    .post("/deliveries/:id/retry", async ({ params, status }) => status(202, await webhooks.retryDelivery(params.id)), {
      admin: true,
      params: deliveryParams,
      response: { 202: deliveryView, ...errors(401, 403, 404, 409, 422, 429, 503) },
      detail: {
        summary: "Send a webhook delivery again now",
        description: "Whatever its status, with a new retry window; 409 while an attempt of it is in flight.",
        ...basicAuth,
      },
    });
