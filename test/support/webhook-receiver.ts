import { Webhook } from "standardwebhooks";
import { generateWebhookSecret } from "../../src/webhooks/secret";

/** One request the receiver accepted as signed by its secret. */
export interface WebhookAttempt {
  /** `webhook-id`. */
  id: string;
  timestamp: number;
  body: string;
  event: { type: string; timestamp: string; data: { id: number; email: string; session_id?: string } };
  /** performance.now() when it arrived, and when it was answered (undefined while in flight). */
  arrivedAt: number;
  answeredAt?: number;
  /** The status it was answered with; 0 when the sender gave up first. */
  status?: number;
}

/** How the receiver answers an attempt; the request's signal aborts when the sender gives up. */
type Responder = (attempt: WebhookAttempt, request: Request) => Response | Promise<Response>;

const ok: Responder = () => new Response(null, { status: 204 });

/** Waits until the sender gives up on this request (its timeout): what a receiver that hangs looks like. */
export const hang: Responder = (_attempt, request) =>
  new Promise((resolve) => request.signal.addEventListener("abort", () => resolve(new Response(null, { status: 504 }))));

/**
 * A webhook receiver on a loopback port that checks every request with the `standardwebhooks` package, as a
 * receiver in production would; unsigned or wrongly signed requests are counted in `rejected` and refused.
 * It keeps every attempt, and notes any attempt of a `webhook-id` that arrived while another was in flight.
 */
export function startWebhookReceiver(secret = generateWebhookSecret()) {
  let verifier = new Webhook(secret);
  const attempts: WebhookAttempt[] = [];
  const inFlight = new Map<string, number>();
  const overlapping: string[] = [];
  let rejected = 0;
  let respond: Responder = ok;

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 60,
    async fetch(request) {
      const body = await request.text();
      const headers = Object.fromEntries(request.headers);
      let event: WebhookAttempt["event"];
      try {
        event = verifier.verify(body, headers) as WebhookAttempt["event"];
      } catch {
        rejected++;
        return new Response("bad signature", { status: 400 });
      }
      const id = headers["webhook-id"]!;
      const attempt: WebhookAttempt = { id, timestamp: Number(headers["webhook-timestamp"]), body, event, arrivedAt: performance.now() };
      attempts.push(attempt);
      if ((inFlight.get(id) ?? 0) > 0) overlapping.push(id);
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      try {
        const response = await respond(attempt, request);
        attempt.status = request.signal.aborted ? 0 : response.status;
        return response;
      } finally {
        attempt.answeredAt = performance.now();
        inFlight.set(id, inFlight.get(id)! - 1);
      }
    },
  });

  const delivered = () => attempts.filter((attempt) => attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300);

  return {
    url: `http://127.0.0.1:${server.port}/hooks`,
    secret,
    attempts,
    /** Ids of attempts that arrived while an earlier attempt of the same id was still being answered. */
    overlapping,
    rejected: () => rejected,
    /** Events answered with a 2xx, once per `webhook-id` (the first such attempt). */
    delivered(): WebhookAttempt[] {
      const seen = new Set<string>();
      return delivered().filter((attempt) => !seen.has(attempt.id) && seen.add(attempt.id));
    },
    /** Every 2xx attempt, duplicates included. */
    deliveredAttempts: delivered,
    /** How the following requests are answered (default: 204). */
    respondWith(responder: Responder = ok) {
      respond = responder;
    },
    /** The delivered events matching `match`, once there are at least `count` of them. */
    async waitFor(match: (attempt: WebhookAttempt) => boolean, count = 1, timeoutMs = 20_000): Promise<WebhookAttempt[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = this.delivered().filter(match);
        if (found.length >= count) return found;
        if (Date.now() > deadline) {
          const seen = this.delivered().map((attempt) => `${attempt.event.type}:${attempt.event.data.email}`);
          throw new Error(`expected ${count} matching webhook(s) within ${timeoutMs} ms; delivered: ${seen.join(", ") || "none"}`);
        }
        await Bun.sleep(20);
      }
    },
    /** Checks the following requests against this secret instead (one the service generated). */
    useSecret(next: string) {
      verifier = new Webhook(next);
    },
    stop: () => server.stop(true),
  };
}

export type WebhookReceiver = ReturnType<typeof startWebhookReceiver>;

/** Events about one address, of one type. */
export const about = (email: string, type: string) => (attempt: WebhookAttempt) =>
  attempt.event.data.email === email && attempt.event.type === type;
