import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { preparedStatement } from "../db/prepared";
import { webhookDeliveries, webhookEndpoints } from "../db/schema";
import { WEBHOOK_EVENTS, type WebhookEventType } from "./events";

/** One event for `write`: whom it is about, and the session of a session event. */
export interface OutboxEvent {
  type: WebhookEventType;
  userId: number;
  email: string;
  sessionId?: string;
}

/** Where a statement's events come from: a FROM item (with its WHERE), and SQL for the user and the session. */
export interface EventSource {
  from: SQL;
  userId: SQL;
  email: SQL;
  sessionId?: SQL;
}

// The time of the change (the transaction's), in UTC ISO 8601 whatever the session's TimeZone.
const TIMESTAMP = sql`to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const MESSAGE_ID = sql`'msg_' || replace(gen_random_uuid()::text, '-', '')`;

const payloadOf = (type: SQL, userId: SQL, email: SQL, sessionId?: SQL) => {
  const data = sessionId
    ? sql`json_build_object('id', ${userId}, 'email', ${email}, 'session_id', ${sessionId})`
    : sql`json_build_object('id', ${userId}, 'email', ${email})`;
  return sql`json_build_object('type', ${type}, 'timestamp', ${TIMESTAMP}, 'data', ${data})::text`;
};

/** The endpoints subscribed to `type`: WEBHOOK_URL's (a null endpoint_id) when `configured`, and the stored ones. */
const targetsOf = (type: SQL, configured: SQL) => sql`
  select null::uuid as endpoint_id where ${configured}
  union all
  select id from ${webhookEndpoints} where events is null or ${type} = any(events)`;

// Events given as arrays, for `write`: the event rows are materialized so each gets one message id, shared by
// every endpoint it goes to.
const WRITE_EVENTS = sql`
  with events as materialized (
    select ev.type, ${MESSAGE_ID} as message_id,
      ${payloadOf(sql`ev.type`, sql`ev.user_id`, sql`ev.email`, sql`ev.session_id`)} as payload_with_session,
      ${payloadOf(sql`ev.type`, sql`ev.user_id`, sql`ev.email`)} as payload, ev.session_id
    from unnest(${sql.placeholder("types")}::text[], ${sql.placeholder("userIds")}::int[], ${sql.placeholder("emails")}::text[],
      ${sql.placeholder("sessionIds")}::text[]) as ev(type, user_id, email, session_id)
  )
  insert into ${webhookDeliveries} (message_id, endpoint_id, event_type, payload)
  select e.message_id, t.endpoint_id, e.type, case when e.session_id is null then e.payload else e.payload_with_session end
  from events e cross join lateral (${targetsOf(sql`e.type`, sql`e.type = any(${sql.placeholder("configured")}::text[])`)}) t`;

export type WebhookOutbox = ReturnType<typeof createWebhookOutbox>;

/**
 * Writes webhook events into the outbox table together with the change that caused them. Which events anyone
 * subscribes to is known here (WEBHOOK_EVENTS, and the stored endpoints as last read), so that with no
 * subscriber a repository runs exactly the statement it ran before webhooks existed: no write, no extra work.
 * The stored endpoints are read again every few seconds by the worker, so an endpoint added on another
 * instance receives this instance's events from then on; the statements themselves always pick the endpoints
 * from the table, so a deleted one never gets new rows.
 */
export function createWebhookOutbox({ configured }: { configured: readonly WebhookEventType[] }) {
  let subscribed = new Set<WebhookEventType>(configured);
  let onWritten = () => {};
  const configuredSql = (type: WebhookEventType) => sql.raw(configured.includes(type) ? "true" : "false");
  const literal = (type: WebhookEventType) => sql.raw(`'${type}'`);

  return {
    /** True when some endpoint may want one of these events: only then do repositories write any. */
    wants: (...types: WebhookEventType[]) => types.some((type) => subscribed.has(type)),

    /** What the stored endpoints subscribe to now (each a list of events, or null for every event). */
    setStoredSubscriptions(endpoints: { events: string[] | null }[]) {
      const next = new Set<WebhookEventType>(configured);
      for (const { events } of endpoints) {
        for (const type of events ?? WEBHOOK_EVENTS) next.add(type as WebhookEventType);
      }
      subscribed = next;
    },

    /**
     * Common table expressions, to append to a statement's WITH list, that write one `type` event per row of
     * `source` for every endpoint subscribed to it. `name` must be unique in the statement.
     */
    ctes(name: string, type: WebhookEventType, { from, userId, email, sessionId }: EventSource): SQL {
      const events = sql.raw(`${name}_events`);
      return sql`, ${events} as materialized (
        select ${MESSAGE_ID} as message_id, ${payloadOf(literal(type), userId, email, sessionId)} as payload from ${from}
      ), ${sql.raw(name)} as (
        insert into ${webhookDeliveries} (message_id, endpoint_id, event_type, payload)
        select e.message_id, t.endpoint_id, ${literal(type)}, e.payload
        from ${events} e cross join (${targetsOf(literal(type), configuredSql(type))}) t
      )`;
    },

    /** Writes events inside the caller's transaction (`tx`), for changes made by more than one statement. */
    async write(tx: Database, events: OutboxEvent[]): Promise<void> {
      const wanted = events.filter((event) => subscribed.has(event.type));
      if (wanted.length === 0) return;
      await preparedStatement(
        tx,
        "webhook_events_write",
        WRITE_EVENTS,
      )({
        types: wanted.map((event) => event.type),
        userIds: wanted.map((event) => event.userId),
        emails: wanted.map((event) => event.email),
        sessionIds: wanted.map((event) => event.sessionId ?? null),
        configured: [...configured],
      });
    },

    /** To be called once the change that wrote events has committed: the worker sends them at once. */
    written: () => onWritten(),

    onWritten(listener: () => void) {
      onWritten = listener;
    },
  };
}
