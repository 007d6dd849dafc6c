import { appError } from "../../errors";
import { ACCOUNT_ERRORS } from "../../errors/account";
import { ADMIN_ERRORS } from "../../errors/admin";
import { isUniqueViolation } from "../../db/errors";
import type { AuditLog } from "../../audit/log";
import type { AuditRepository } from "../../audit/repository";
import type { AuditEvent } from "../../db/schema";
import type { ClientInfo } from "../../lib/client-info";
import { toPage } from "../../lib/pagination";
import type { PasswordHasher } from "../auth/password";
import { uncachedProfiles, type Profiles } from "../auth/profile-cache";
import { toUserView } from "../auth/user-view";
import type { MfaService } from "../mfa/service";
import type { SessionService } from "../sessions/service";
import type { AuditListQuery, AuditView, CreateUserBody, UpdateUserBody, UserView } from "./model";
import type { AdminUserRepository, UserChanges } from "./repository";

export type AdminService = ReturnType<typeof createAdminService>;

/** Which fields an update sets, for the audit log; a password shows as `password`, never its value. */
const changedFields = (body: UpdateUserBody) =>
  Object.entries(body)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => (typeof value === "boolean" ? `${name}=${value}` : name))
    .join(",");

const toAuditView = (entry: AuditEvent): AuditView => ({
  id: entry.id,
  created_at: entry.createdAt.toISOString(),
  event: entry.event,
  outcome: entry.outcome,
  user_id: entry.userId,
  email: entry.email,
  ip: entry.ip,
  user_agent: entry.userAgent,
  detail: entry.detail,
});

/** Turns a unique violation on the email into 409 instead of a 500. */
async function guardEmail<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isUniqueViolation(error)) throw appError(ADMIN_ERRORS.emailTaken);
    throw error;
  }
}

export function createAdminService({
  users,
  auditEvents,
  passwords,
  sessions,
  audit,
  profiles = uncachedProfiles,
  mfa,
}: {
  users: AdminUserRepository;
  auditEvents: AuditRepository;
  passwords: PasswordHasher;
  sessions: SessionService;
  audit: AuditLog;
  /** Told of every change to a user, so no instance keeps answering /auth/me with the old profile. */
  profiles?: Pick<Profiles, "forget">;
  mfa: Pick<MfaService, "turnOffByAdmin">;
}) {
  return {
    async listUsers({ limit, cursor, q }: { limit: number; cursor?: string; q?: string }) {
      const page = toPage(await users.list({ limit, afterId: cursor === undefined ? undefined : Number(cursor), search: q }), limit);
      return { users: page.items.map(toUserView), next_cursor: page.nextCursor };
    },

    /** The audit trail, newest first, with what this instance has not written yet included. */
    async listAuditEvents({ limit, cursor, user_id, event, email }: AuditListQuery) {
      await audit.flush();
      const rows = await auditEvents.list({
        limit,
        beforeId: cursor === undefined ? undefined : Number(cursor),
        userId: user_id,
        event,
        email,
      });
      const page = toPage(rows, limit);
      return { events: page.items.map(toAuditView), next_cursor: page.nextCursor };
    },

    createUser: (body: CreateUserBody, client: ClientInfo): Promise<UserView> =>
      audit.track("admin_user_create", { email: body.email, client }, async (subject) => {
        const passwordHash = body.password === undefined ? null : await passwords.hash(body.password);
        const user = await guardEmail(() =>
          users.create({ email: body.email, passwordHash, isActive: body.is_active, isVerified: body.is_verified }),
        );
        subject.userId = user.id;
        return toUserView(user);
      }),

    /** Disabling a user or setting a new password ends every session of theirs at once. */
    updateUser: (id: number, body: UpdateUserBody, client: ClientInfo): Promise<UserView> =>
      audit.track("admin_user_update", { userId: id, client, detail: changedFields(body) }, async (subject) => {
        const changes: UserChanges = { email: body.email, isActive: body.is_active, isVerified: body.is_verified };
        if (body.password !== undefined) changes.passwordHash = await passwords.hash(body.password);
        const user = await guardEmail(() => users.update(id, changes));
        if (!user) throw appError(ACCOUNT_ERRORS.userNotFound);
        subject.email = user.email;
        await profiles.forget(id);
        if (body.is_active === false) await sessions.revokeAllSessions(id, "admin_disable");
        else if (body.password !== undefined) await sessions.revokeAllSessions(id, "admin_password");
        return toUserView(user);
      }),

    /** Deletes the user with their sessions and OAuth links; their access tokens stop working at once. */
    deleteUser: (id: number, client: ClientInfo): Promise<void> =>
      audit.track("admin_user_delete", { userId: id, client }, async () => {
        await sessions.revokeAllSessions(id, "admin_delete");
        if (!(await users.delete(id))) throw appError(ACCOUNT_ERRORS.userNotFound);
        await profiles.forget(id);
      }),

    /** Turns the user's second factor off (a lost phone and no recovery code); the user is mailed. */
    turnOffMfa: (id: number, client: ClientInfo): Promise<void> =>
      audit.track("admin_mfa_disable", { userId: id, client }, async (subject) => {
        subject.email = await mfa.turnOffByAdmin(id, client);
      }),
  };
}
