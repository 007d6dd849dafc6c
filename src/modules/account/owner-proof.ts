import { appError } from "../../errors";
import { LIFECYCLE_ERRORS } from "../../errors/account-lifecycle";
import type { OtpService } from "../../otp/service";
import type { OtpPurpose } from "../../otp/store";
import type { PasswordHasher } from "../auth/password";
import { checkCurrentPassword } from "../auth/signed-in";
import type { OwnerProof } from "./model";

/** Checks a fresh proof of the account's owner: the password, or a code of `purpose` (no other purpose's code works). */
export async function checkOwnerProof(
  { passwords, otp }: { passwords: PasswordHasher; otp: Pick<OtpService, "verifyAndConsumeOtp"> },
  user: { email: string; passwordHash: string | null },
  proof: OwnerProof,
  purpose: OtpPurpose,
): Promise<void> {
  if (proof.password !== undefined) {
    await checkCurrentPassword(passwords, user, proof.password);
  } else if (proof.code !== undefined) {
    await otp.verifyAndConsumeOtp(user.email, purpose, proof.code);
  } else {
    throw appError(LIFECYCLE_ERRORS.proofRequired);
  }
}
