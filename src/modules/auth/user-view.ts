import type { User } from "../../db/schema";
import type { ProfileResponse } from "./model";

/** A user as every route answers it (the original's shape). */
export const toUserView = (user: User): ProfileResponse => ({
  id: user.id,
  email: user.email,
  is_active: user.isActive,
  is_verified: user.isVerified,
  created_at: user.createdAt.toISOString(),
  auth_provider: user.authProvider,
  role: user.role,
});
