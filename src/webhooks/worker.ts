import { isDatabaseUnavailable } from "../db/errors";
import type { Logger } from "../lib/log";
import type { ClaimedDelivery, DeliveryRepository } from "./deliveries";
import type { EndpointRepository } from "./endpoints";
import { WEBHOOK_EVENTS } from "./events";
import type { WebhookOutbox } from "./outbox";
import type { SecretBox } from "./secret";
import { sendWebhook, type WebhookMessage } from "./sender";
import { retryDelaySeconds, type WebhookSettings } from "./settings";

const POLL_MS = 1000;
/** How often the stored endpoints are read again; also the poll interval while nobody subscribes to anything. */
const REFRESH_MS = 5000;
const PRUNE_MS = 10 * 60_000;
const MAX_IN_FLIGHT = 16;
/** Beyond the attempt's own timeout, how long a claim stays with its sender (writing the result back). */
const LEASE_MARGIN_SECONDS = 5;
const WARN_EVERY_MS = 60_000;

interface WorkerDeps {
  deliveries: DeliveryRepository;
  endpoints: EndpointRepository;
  outbox: WebhookOutbox;
  secrets: SecretBox;
  settings: WebhookSettings;
  log: Logger;
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>;

/**
 * Sends what the outbox holds, in the background: polls for due deliveries every second (every few seconds
 * while nothing is subscribed) and right after this process wrote events, up to MAX_IN_FLIGHT at once.
 * Requests never wait for it.
 */
export function createWebhookWorker({ deliveries, endpoints, outbox, secrets, settings, log }: WorkerDeps) {
  const leaseSeconds = Math.ceil(settings.timeoutMs / 1000) + LEASE_MARGIN_SECONDS;
  const shutdown = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let stopped = true;
  let timer: Timer | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let refreshedAt = 0;
  let prunedAt = 0;
  let warnedAt = 0;

  function warn(message: string, error: unknown) {
    if (Date.now() - warnedAt < WARN_EVERY_MS) return;
    warnedAt = Date.now();
    log.warn(message, { reason: isDatabaseUnavailable(error) ? "postgresql unavailable" : (error as Error).message });
  }

  function target(claim: ClaimedDelivery): WebhookMessage | string {
    if (claim.endpointId === null) {
      if (!settings.configured) return "WEBHOOK_URL is not set on this instance";
      return { url: settings.configured.url, secret: settings.configured.secret, messageId: claim.messageId, payload: claim.payload };
    }
    const secret = claim.sealedSecret ? secrets.open(claim.sealedSecret, claim.endpointId) : null;
    if (!claim.url || !secret) return "the endpoint's secret cannot be decrypted (was SECRET_KEY changed?)";
    return { url: claim.url, secret, messageId: claim.messageId, payload: claim.payload };
  }

  async function deliver(claim: ClaimedDelivery) {
    const message = target(claim);
    const outcome =
      typeof message === "string"
        ? { ok: false, status: null, error: message }
        : await sendWebhook(message, settings.timeoutMs, shutdown.signal);
    const fields = { delivery_id: claim.id, webhook_id: claim.messageId, endpoint_id: claim.endpointId, attempt: claim.attempts };
    if (outcome.ok) {
      await deliveries.succeeded(claim, outcome.status!);
      log.debug("webhook delivered", { ...fields, status: outcome.status });
    } else if (shutdown.signal.aborted) {
      await deliveries.release(claim);
    } else {
      await deliveries.failed(claim, outcome, retryDelaySeconds(claim.attempts, settings.retryBaseSeconds), settings.retryWindowSeconds);
      log.warn("webhook attempt failed", { ...fields, status: outcome.status, error: outcome.error });
    }
  }

  function start(claim: ClaimedDelivery) {
    const sending = deliver(claim)
      .catch((error) => warn("webhook worker: could not record an attempt; it is retried after its lease", error))
      .finally(() => {
        inFlight.delete(sending);
        wake();
      });
    inFlight.add(sending);
  }

  async function tick() {
    const now = Date.now();
    if (now - refreshedAt >= REFRESH_MS) {
      refreshedAt = now;
      outbox.setStoredSubscriptions(await endpoints.subscriptions());
    }
    if (now - prunedAt >= PRUNE_MS) {
      prunedAt = now;
      await deliveries.prune();
    }
    const room = MAX_IN_FLIGHT - inFlight.size;
    if (room <= 0) return;
    const claimed = await deliveries.claim(room, leaseSeconds);
    for (const claim of claimed) start(claim);
    // A full batch: more may be due.
    if (claimed.length === room) again = true;
  }

  /** One tick at a time; a wake during a tick runs another right after it. */
  function run() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = tick()
      .catch((error) => warn("webhook worker: cannot reach the outbox; retrying", error))
      .finally(() => {
        running = null;
        if (stopped) return;
        if (again) {
          again = false;
          run();
        } else {
          timer = setTimeout(run, outbox.wants(...WEBHOOK_EVENTS) ? POLL_MS : REFRESH_MS);
        }
      });
  }

  function wake() {
    if (!stopped) setImmediate(run);
  }

  return {
    start() {
      stopped = false;
      outbox.onWritten(wake);
      run();
    },
    wake,
    /** Stops polling, aborts the attempts in flight (their deliveries are released for the next claim) and waits for them. */
    async stop() {
      stopped = true;
      clearTimeout(timer);
      shutdown.abort();
      await running;
      await Promise.all([...inFlight]);
    },
  };
}
