// Puts users and sessions straight into the benchmark's database (fast, and not measured): users in bulk with
// generate_series and one precomputed argon2id hash, sessions with refresh tokens hashed by the service's own
// keyed hash. Codes are never made here: they come from the API (see prepare.ts).
import type postgres from "postgres";
import { hmacHex, randomToken } from "../src/lib/crypto";

export const emailOf = (group: string, i: number) => `${group}-${i}@bench.test`;

/** Inserts users `group-<from..to-1>@bench.test`; verified ones have just proven their address. */
export async function seedUsers(
  sql: postgres.Sql,
  group: string,
  from: number,
  to: number,
  opts: { verified: boolean; passwordHash: string },
) {
  if (to <= from) return;
  await sql`
    insert into users (email, password_hash, is_active, is_verified, last_otp_verified_at)
    select ${group} || '-' || g || '@bench.test', ${opts.passwordHash}, ${opts.verified}, ${opts.verified},
           case when ${opts.verified} then now() end
    from generate_series(${from}::int, ${to - 1}::int) g`;
}

export async function userIds(sql: postgres.Sql, group: string, count: number): Promise<{ id: number; email: string }[]> {
  return sql<{ id: number; email: string }[]>`
    select id, email from users where email like ${`${group}-%`} order by id limit ${count}`;
}

export interface SeededSession {
  sessionId: string;
  userId: number;
  email: string;
  refreshToken: string;
}

/** One live session per entry of `owners` (users may repeat), each with its own refresh token. */
export async function seedSessions(
  sql: postgres.Sql,
  owners: { id: number; email: string }[],
  refreshKey: string,
): Promise<SeededSession[]> {
  const seeded: SeededSession[] = owners.map((owner) => ({
    sessionId: crypto.randomUUID(),
    userId: owner.id,
    email: owner.email,
    refreshToken: randomToken(32),
  }));
  for (let i = 0; i < seeded.length; i += 10_000) {
    const chunk = seeded.slice(i, i + 10_000);
    await sql`
      insert into sessions (id, user_id, refresh_token_hash, created_at, last_used_at, expires_at, verified_at)
      select id, user_id, hash, now(), now(), now() + interval '30 days', now()
      from unnest(${sql.array(chunk.map((s) => s.sessionId))}::uuid[], ${sql.array(chunk.map((s) => s.userId))}::int[],
                  ${sql.array(chunk.map((s) => hmacHex(refreshKey, s.refreshToken)))}::text[]) as t(id, user_id, hash)`;
  }
  return seeded;
}
