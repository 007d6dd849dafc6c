import { sql } from "drizzle-orm";
import type { AuditEventName } from "../../audit/events";
import type { AuditLog } from "../../audit/log";
import type { Database } from "../../db/client";
import { queryRows } from "../../db/rows";
import { auditEvents } from "../../db/schema";
import { HTTP_ERRORS } from "../../errors/http";
import { MFA_ERRORS } from "../../errors/mfa";
import { OTP_ERRORS } from "../../errors/otp";
import type { Clock } from "../../lib/clock";
import { ACTIVITY_SERIES, type ActivityQuery, type ActivityReport } from "./activity-model";

const SIGN_IN_EVENTS: AuditEventName[] = ["login", "code_sign_in", "oauth_sign_in", "mfa_verify", "passkey_sign_in"];

/** The 429s a service records as a failure's reason; the per-IP budgets refuse before any service, so only /metrics counts those. */
const LIMIT_CODES = [
  HTTP_ERRORS.rateLimited,
  HTTP_ERRORS.loginBlocked,
  OTP_ERRORS.cooldown,
  OTP_ERRORS.hourlyCap,
  OTP_ERRORS.locked,
  OTP_ERRORS.exhausted,
  MFA_ERRORS.locked,
].map((entry) => entry.code);

const list = (values: string[]) =>
  sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  );

const BUCKET_MS = { hour: 3_600_000, day: 86_400_000 };

type Row = { bucket: string } & Record<(typeof ACTIVITY_SERIES)[number], number | string>;

/**
 * Counts per hour or day over audit_events, in one statement that reads the time range through the
 * (created_at, event) index. A failure's detail is its error code, after any `purpose: ` the event added.
 */
export function createActivityReport({ db, audit, clock }: { db: Database; audit: Pick<AuditLog, "flush">; clock: Clock }) {
  return async ({ days, bucket }: ActivityQuery): Promise<ActivityReport> => {
    await audit.flush();
    const step = BUCKET_MS[bucket];
    const end = Math.floor(clock.now() / step) * step + step;
    const start = end - days * 86_400_000;
    const unit = sql.raw(bucket === "hour" ? "'hour'" : "'day'");
    const reasonCode = sql`regexp_replace(coalesce(${auditEvents.detail}, ''), '^.*: ', '')`;
    const rows = await queryRows<Row>(
      db,
      sql`
      select to_char(date_trunc(${unit}, ${auditEvents.createdAt} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as bucket,
        count(*) filter (where ${auditEvents.event} = 'register' and ${auditEvents.outcome} = 'success') as sign_ups,
        count(*) filter (where ${auditEvents.event} in (${list(SIGN_IN_EVENTS)}) and ${auditEvents.outcome} = 'success') as sign_ins,
        count(*) filter (where ${auditEvents.event} in (${list(SIGN_IN_EVENTS)}) and ${auditEvents.outcome} = 'failure') as sign_in_failures,
        count(*) filter (where ${auditEvents.event} = 'code_sent' and ${auditEvents.outcome} = 'success') as codes_sent,
        count(*) filter (where ${auditEvents.outcome} = 'failure' and ${reasonCode} in (${list(LIMIT_CODES)})) as rate_limited
      from ${auditEvents}
      where ${auditEvents.createdAt} >= ${new Date(start).toISOString()} and ${auditEvents.createdAt} < ${new Date(end).toISOString()}
      group by 1`,
    );
    const byBucket = new Map(rows.map((row) => [row.bucket, row]));
    const buckets: string[] = [];
    for (let at = start; at < end; at += step) buckets.push(new Date(at).toISOString().replace(/\.000Z$/, "Z"));
    const series = Object.fromEntries(
      ACTIVITY_SERIES.map((name) => [name, buckets.map((at) => Number(byBucket.get(at)?.[name] ?? 0))]),
    ) as ActivityReport["series"];
    return { days, bucket, buckets, series };
  };
}
