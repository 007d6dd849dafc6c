import { z } from "zod";
import { WEBHOOK_EVENTS } from "../../webhooks/events";
import { isWebhookSecret } from "../../webhooks/secret";
import { pageCursor, pageLimit } from "../admin/model";

const eventList = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1)
  .max(WEBHOOK_EVENTS.length)
  .refine((events) => new Set(events).size === events.length, "must not repeat an event");

export const createEndpointBody = z.object({
  url: z
    .string()
    .max(2048)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters (NUL above all) are what this refuses
    .regex(/^[^\s\u0000-\u001f\u007f]+$/, "must not contain spaces or control characters")
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), "must be an http:// or https:// URL")
    .meta({ example: "https://app.example.com/webhooks/otp-auth", description: "Where events are POSTed; any http(s) URL." }),
  events: eventList.optional().meta({ description: "The events it receives; omitted: every event, those added later included." }),
  secret: z
    .string()
    .max(128)
    .refine(isWebhookSecret, "must be whsec_ followed by the base64 of 24 to 64 random bytes")
    .optional()
    .meta({ description: "A signing secret of your own (`whsec_<base64>`); omitted: one is generated." }),
});

export const endpointView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)).nullable().meta({ description: "null: every event." }),
  created_at: z.string().meta({ format: "date-time" }),
});

export const createdEndpointResponse = endpointView.extend({
  secret: z
    .string()
    .meta({ description: "The signing secret (`whsec_<base64>`). Shown this once: it is stored encrypted and never returned again." }),
});

export const endpointListResponse = z.object({
  endpoints: z.array(endpointView),
  configured: z
    .object({ url: z.string().meta({ description: "WEBHOOK_URL, its password hidden." }), events: z.array(z.enum(WEBHOOK_EVENTS)) })
    .nullable()
    .meta({ description: "The endpoint of WEBHOOK_URL (its deliveries have `endpoint_id: null`); null when unset." }),
});

export const endpointParams = z.object({ id: z.uuid() });

const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;

export const deliveryListQuery = z.object({
  limit: pageLimit,
  cursor: pageCursor,
  status: z.enum(DELIVERY_STATUSES).optional().meta({ description: "Only deliveries in this state." }),
  event: z.enum(WEBHOOK_EVENTS).optional().meta({ description: "Only this kind of event." }),
  endpoint_id: z
    .union([z.uuid(), z.literal("configured")])
    .optional()
    .meta({ description: "Only this endpoint's deliveries; `configured` for WEBHOOK_URL's." }),
});

const deliveryView = z.object({
  id: z.number().int(),
  webhook_id: z.string().meta({ description: "The `webhook-id` header: the same on every attempt." }),
  endpoint_id: z.string().nullable().meta({ description: "null: the endpoint of WEBHOOK_URL." }),
  event: z.enum(WEBHOOK_EVENTS),
  status: z
    .enum(DELIVERY_STATUSES)
    .meta({ description: "`pending` until an attempt succeeds (`delivered`) or the retries run out (`failed`)." }),
  attempts: z.number().int(),
  next_attempt_at: z.string().nullable().meta({ format: "date-time", description: "When a pending delivery is tried next." }),
  last_status: z.number().int().nullable().meta({ description: "The HTTP status of the last attempt; null when it got no answer." }),
  last_error: z.string().nullable(),
  created_at: z.string().meta({ format: "date-time" }),
  delivered_at: z.string().nullable().meta({ format: "date-time" }),
});

export const deliveryListResponse = z.object({
  deliveries: z.array(deliveryView),
  next_cursor: z.string().nullable().meta({ description: "Pass as `cursor` for older deliveries; null on the last page." }),
});

export const deliveryParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export { deliveryView };
export type CreateEndpointBody = z.infer<typeof createEndpointBody>;
export type EndpointView = z.infer<typeof endpointView>;
export type DeliveryListQuery = z.infer<typeof deliveryListQuery>;
export type DeliveryView = z.infer<typeof deliveryView>;
