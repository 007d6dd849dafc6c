import type { User } from "../../db/schema";
import { AppError } from "../../errors";
import { isUniqueViolation } from "../../db/errors";
import type { PasswordHasher } from "../auth/password";
import { AUTH_MESSAGES } from "../auth/messages";
import type { SessionService } from "../sessions/service";
import type { CreateUserBody, UpdateUserBody, UserView } from "./model";
import type { AdminUserRepository, UserChanges } from "./repository";

export type AdminService = ReturnType<typeof createAdminService>;

export const toUserView = (user: User): UserView => ({
  id: user.id,
  email: user.email,
  is_active: user.isActive,
  is_verified: user.isVerified,
  created_at: user.createdAt.toISOString(),
  auth_provider: user.authProvider,
});

const userNotFound = () => new AppError(404, AUTH_MESSAGES.userNotFound, "user_not_found");
const emailTaken = () => new AppError(409, AUTH_MESSAGES.emailTaken, "email_taken");

/** Turns a unique violation on the email into 409 instead of a 500. */
async function guardEmail<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

export function createAdminService({ users, passwords, sessions }: {
  users: AdminUserRepository;
  passwords: PasswordHasher;
  sessions: SessionService;
}) {
  return {
    async listUsers({ limit, cursor, q }: { limit: number; cursor?: string; q?: string }) {
      const rows = await users.list({ limit, afterId: cursor === undefined ? undefined : Number(cursor), search: q });
      const page = rows.slice(0, limit);
      return { users: page.map(toUserView), next_cursor: rows.length > limit ? String(page.at(-1)!.id) : null };
    },

    async createUser(body: CreateUserBody): Promise<UserView> {
      const passwordHash = body.password === undefined ? null : await passwords.hash(body.password);
      const user = await guardEmail(() =>
        users.create({ email: body.email, passwordHash, isActive: body.is_active, isVerified: body.is_verified }));
      return toUserView(user);
    },

    /** Disabling a user or setting a new password ends every session of theirs at once. */
    async updateUser(id: number, body: UpdateUserBody): Promise<UserView> {
      const changes: UserChanges = { email: body.email, isActive: body.is_active, isVerified: body.is_verified };
      if (body.password !== undefined) changes.passwordHash = await passwords.hash(body.password);
      const user = await guardEmail(() => users.update(id, changes));
      if (!user) throw userNotFound();
      if (body.is_active === false || body.password !== undefined) await sessions.revokeAllSessions(id);
      return toUserView(user);
    },

    /** Deletes the user with their sessions and OAuth links; their access tokens stop working at once. */
    async deleteUser(id: number): Promise<void> {
      await sessions.revokeAllSessions(id);
      if (!(await users.delete(id))) throw userNotFound();
    },
  };
}
