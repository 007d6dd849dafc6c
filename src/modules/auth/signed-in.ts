import type { User } from "../../db/schema";
import { appError } from "../../errors";
import { ACCOUNT_ERRORS } from "../../errors/account";
import { PASSWORD_ERRORS } from "../../errors/passwords";
import type { PasswordHasher } from "./password";
import type { UserRepository } from "./users";

/** The account a valid access token names; one deleted since the token was issued makes the token invalid. */
export async function signedInUser(users: Pick<UserRepository, "findById">, userId: number): Promise<User> {
  const user = await users.findById(userId);
  if (!user) throw appError(ACCOUNT_ERRORS.invalidToken);
  return user;
}

/** The signed-in person's current password, given again: refused when the account has none, or when it is wrong. */
export async function checkCurrentPassword(passwords: PasswordHasher, user: Pick<User, "passwordHash">, password: string): Promise<void> {
  if (!user.passwordHash) throw appError(ACCOUNT_ERRORS.passwordNotSet);
  if (!(await passwords.verify(password, user.passwordHash))) throw appError(PASSWORD_ERRORS.wrongCurrent);
}
