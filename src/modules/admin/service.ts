import { appError } from "../../errors";
import { ACCOUNT_ERRORS } from "../../errors/account";
import { ADMIN_ERRORS } from "../../errors/admin";
import { isUniqueViolation } from "../../db/errors";
import type { AuditLog } from "../../audit/log";
import type { AuditFilter, AuditRepository } from "../../audit/repository";
import type { AuditEvent } from "../../db/schema";
import type { ClientInfo } from "../../lib/client-info";
import { toPage } from "../../lib/pagination";
import type { PasswordHasher } from "../auth/password";
import { uncachedProfiles, type Profiles } from "../auth/profile-cache";
import { toUserView } from "../auth/user-view";
import type { MfaService } from "../mfa/service";
import type { SessionService } from "../sessions/service";
import type { AdminActor } from "./access";
import type {
  AuditFilters,
  AuditListQuery,
  AuditView,
  CreateUserBody,
  ListUsersQuery,
  UpdateUserBody,
  UserRowView,
  UserView,
} from "./model";
import type { AdminUserRepository, UserChanges } from "./repository";
import type { UserDirectory, UserRow } from "./user-directory";

export type AdminService = ReturnType<typeof createAdminService>;

/** Which fields an update sets, for the audit log; a password shows as `password`, never its value. */
const changedFields = (body: UpdateUserBody) =>
  Object.entries(body)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => (typeof value === "boolean" || name === "role" ? `${name}=${value}` : name))
    .join(",");

/** Who acted, for the detail of an admin action's audit entry: an admin's user id, or `basic`. */
export const by = (actor: AdminActor) => `by=${actor.adminId ?? "basic"}`;

export const toUserRowView = (row: UserRow): UserRowView => ({
  ...toUserView(row.user),
  mfa_enabled: row.mfaEnabled,
  last_sign_in_at: row.lastSignInAt,
});

/** The audit repository's filter from the admin API's query (the same filters list and export). */
export const auditFilterOf = ({ user_id, event, email, outcome, ip, since, until }: AuditFilters): AuditFilter => ({
  userId: user_id,
  event,
  email,
  outcome,
  ip,
  since: since === undefined ? undefined : new Date(since),
  until: until === undefined ? undefined : new Date(until),
});

export const toAuditView = (entry: AuditEvent): AuditView => ({
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
  directory,
  auditEvents,
  passwords,
  sessions,
  audit,
  profiles = uncachedProfiles,
  mfa,
  adminEmail,
}: {
  users: AdminUserRepository;
  directory: UserDirectory;
  auditEvents: AuditRepository;
  passwords: PasswordHasher;
  sessions: SessionService;
  audit: AuditLog;
  /** Told of every change to a user, so no instance keeps answering /auth/me with the old profile. */
  profiles?: Pick<Profiles, "forget">;
  mfa: Pick<MfaService, "turnOffByAdmin">;
  /** Lower-cased ADMIN_EMAIL: that account's admin role cannot be taken back. */
  adminEmail: string | null;
}) {
  return {
    async listUsers({ limit, cursor, q, status, provider }: ListUsersQuery) {
      const afterId = cursor === undefined ? undefined : Number(cursor);
      const rows = await directory.list({ limit, afterId, search: q, status, provider });
      const page = toPage(
        rows.map((row) => ({ ...row, id: row.user.id })),
        limit,
      );
      return { users: page.items.map(toUserRowView), next_cursor: page.nextCursor };
    },

    /** The audit trail, newest first, with what this instance has not written yet included. */
    async listAuditEvents({ limit, cursor, ...filters }: AuditListQuery) {
      await audit.flush();
      const rows = await auditEvents.list({
        ...auditFilterOf(filters),
        limit,
        beforeId: cursor === undefined ? undefined : Number(cursor),
      });
      const page = toPage(rows, limit);
      return { events: page.items.map(toAuditView), next_cursor: page.nextCursor };
    },

    createUser: (body: CreateUserBody, client: ClientInfo, actor: AdminActor = { adminId: null }): Promise<UserView> =>
      audit.track("admin_user_create", { email: body.email, client, detail: by(actor) }, async (subject) => {
        const passwordHash = body.password === undefined ? null : await passwords.hash(body.password);
        const user = await guardEmail(() =>
          users.create({ email: body.email, passwordHash, isActive: body.is_active, isVerified: body.is_verified }),
        );
        subject.userId = user.id;
        return toUserView(user);
      }),

    /** Disabling a user or setting a new password ends every session of theirs at once. */
    updateUser: (id: number, body: UpdateUserBody, client: ClientInfo, actor: AdminActor): Promise<UserView> =>
      audit.track("admin_user_update", { userId: id, client, detail: `${changedFields(body)} ${by(actor)}` }, async (subject) => {
        const changes: UserChanges = { email: body.email, isActive: body.is_active, isVerified: body.is_verified, role: body.role };
        if (body.role === "user" && adminEmail !== null) {
          const current = await directory.find(id);
          // The admin guard counts that address as an admin whatever the column says; refusing keeps the two agreeing.
          if (current?.user.email === adminEmail) throw appError(ADMIN_ERRORS.roleFixed);
        }
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
    deleteUser: (id: number, client: ClientInfo, actor: AdminActor): Promise<void> =>
      audit.track("admin_user_delete", { userId: id, client, detail: by(actor) }, async () => {
        await sessions.revokeAllSessions(id, "admin_delete");
        if (!(await users.delete(id))) throw appError(ACCOUNT_ERRORS.userNotFound);
        await profiles.forget(id);
      }),

    /** Turns the user's second factor off (a lost phone and no recovery code); the user is mailed. */
    turnOffMfa: (id: number, client: ClientInfo, actor: AdminActor): Promise<void> =>
      audit.track("admin_mfa_disable", { userId: id, client, detail: by(actor) }, async (subject) => {
        subject.email = await mfa.turnOffByAdmin(id, client);
      }),
  };
}
