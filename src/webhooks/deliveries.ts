import { and, desc, eq, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { preparedStatement } from "../db/prepared";
import { queryRows } from "../db/rows";
import { webhookDeliveries, webhookEndpoints, type WebhookDelivery } from "../db/schema";

/** A delivery a worker claimed: what to send, where, and the attempt number that fences its result. */
export interface ClaimedDelivery {
  id: number;
  messageId: string;
  endpointId: string | null;
  payload: string;
  attempts: number;
  /** The stored endpoint's URL and sealed secret; null for WEBHOOK_URL's (or a deleted endpoint's). */
  url: string | null;
  sealedSecret: string | null;
}

export interface AttemptOutcome {
  /** The answer's HTTP status; null when none came (timeout, refused connection). */
  status: number | null;
  error: string | null;
}

export type DeliveryStatus = WebhookDelivery["status"];

const p = (name: string) => sql.placeholder(name);

// Due rows are locked with SKIP LOCKED, so instances claiming at once take different rows, and leased until
// `locked_until`: a sender that dies leaves its row to whoever claims it after the lease. Each claim counts an
// attempt; that count fences the result, so a sender whose lease was taken over cannot overwrite the new one.
const CLAIM = sql`
  with due as (
    select id from ${webhookDeliveries}
    where status = 'pending' and next_attempt_at <= now() and (locked_until is null or locked_until <= now())
    order by next_attempt_at limit ${p("limit")}::int
    for update skip locked
  ), claimed as (
    update ${webhookDeliveries} d set locked_until = now() + make_interval(secs => ${p("leaseSeconds")}::int), attempts = d.attempts + 1
    from due where d.id = due.id
    returning d.id, d.message_id, d.endpoint_id, d.payload, d.attempts
  )
  select c.id, c.message_id, c.endpoint_id, c.payload, c.attempts, e.url, e.secret
  from claimed c left join ${webhookEndpoints} e on e.id = c.endpoint_id`;

const FENCE = sql`id = ${p("id")}::bigint and attempts = ${p("attempts")}::int and status = 'pending'`;

const SUCCEED = sql`
  update ${webhookDeliveries} set status = 'delivered', delivered_at = now(), locked_until = null,
    last_status = ${p("status")}::int, last_error = null
  where ${FENCE}`;

// Past the retry window the delivery is given up: marked failed instead of scheduled again.
const FAIL = sql`
  update ${webhookDeliveries} set
    status = case when now() + make_interval(secs => ${p("delay")}::int) > retry_from + make_interval(secs => ${p("window")}::int)
      then 'failed' else 'pending' end,
    next_attempt_at = now() + make_interval(secs => ${p("delay")}::int), locked_until = null,
    last_status = ${p("status")}::int, last_error = ${p("error")}
  where ${FENCE}`;

// A shutdown gives its claims back unspent, for the next claim anywhere.
const RELEASE = sql`update ${webhookDeliveries} set locked_until = null, attempts = attempts - 1 where ${FENCE}`;

// Finished deliveries (their payloads hold addresses) are kept a week for the admin API, then deleted, a
// bounded batch at a time; ids grow with creation, so the oldest rows are found first along the primary key.
const PRUNE = sql`
  delete from ${webhookDeliveries} where id in (
    select id from ${webhookDeliveries} where status <> 'pending' and created_at < now() - interval '7 days' order by id limit 1000
  )`;

export type DeliveryRepository = ReturnType<typeof createDeliveryRepository>;

export function createDeliveryRepository(db: Database) {
  const claim = preparedStatement<{
    id: number | string;
    message_id: string;
    endpoint_id: string | null;
    payload: string;
    attempts: number;
    url: string | null;
    secret: string | null;
  }>(db, "webhook_deliveries_claim", CLAIM);
  const succeed = preparedStatement(db, "webhook_deliveries_succeed", SUCCEED);
  const fail = preparedStatement(db, "webhook_deliveries_fail", FAIL);
  const release = preparedStatement(db, "webhook_deliveries_release", RELEASE);

  return {
    /** Takes up to `limit` due deliveries for `leaseSeconds`. */
    async claim(limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
      const rows = await claim({ limit, leaseSeconds });
      return rows.map((row) => ({
        id: Number(row.id),
        messageId: row.message_id,
        endpointId: row.endpoint_id,
        payload: row.payload,
        attempts: row.attempts,
        url: row.url,
        sealedSecret: row.secret,
      }));
    },

    succeeded: ({ id, attempts }: ClaimedDelivery, status: number) => succeed({ id, attempts, status }),

    /** Schedules the next attempt in `delaySeconds`, or gives up past `windowSeconds` from `retry_from`. */
    failed: ({ id, attempts }: ClaimedDelivery, outcome: AttemptOutcome, delaySeconds: number, windowSeconds: number) =>
      fail({
        id,
        attempts,
        status: outcome.status,
        error: outcome.error?.slice(0, 256) ?? null,
        delay: delaySeconds,
        window: windowSeconds,
      }),

    release: ({ id, attempts }: ClaimedDelivery) => release({ id, attempts }),

    prune: () => queryRows(db, PRUNE),

    /** Newest first; one row more than asked says whether another page follows. */
    list: ({ limit, beforeId, status, eventType, endpointId }: ListQuery): Promise<WebhookDelivery[]> =>
      db
        .select()
        .from(webhookDeliveries)
        .where(
          and(
            beforeId === undefined ? undefined : lt(webhookDeliveries.id, beforeId),
            status === undefined ? undefined : eq(webhookDeliveries.status, status),
            eventType === undefined ? undefined : eq(webhookDeliveries.eventType, eventType),
            endpointId === undefined
              ? undefined
              : endpointId === null
                ? isNull(webhookDeliveries.endpointId)
                : eq(webhookDeliveries.endpointId, endpointId),
          ),
        )
        .orderBy(desc(webhookDeliveries.id))
        .limit(limit + 1),

    /**
     * Makes a delivery due now, with a new retry window, unless an attempt is in flight. `retried` is null when
     * there is no such delivery.
     */
    async retry(id: number): Promise<{ retried: WebhookDelivery | null; exists: boolean }> {
      const [retried] = await db
        .update(webhookDeliveries)
        .set({
          status: "pending",
          nextAttemptAt: sql`now()`,
          retryFrom: sql`now()`,
          lockedUntil: null,
          deliveredAt: null,
        })
        .where(
          and(
            eq(webhookDeliveries.id, id),
            sql`not (${webhookDeliveries.status} = 'pending' and coalesce(${webhookDeliveries.lockedUntil} > now(), false))`,
          ),
        )
        .returning();
      if (retried) return { retried, exists: true };
      const [found] = await db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
      return { retried: null, exists: !!found };
    },
  };
}

interface ListQuery {
  limit: number;
  beforeId?: number;
  status?: DeliveryStatus;
  eventType?: string;
  /** null: WEBHOOK_URL's deliveries. */
  endpointId?: string | null;
}
