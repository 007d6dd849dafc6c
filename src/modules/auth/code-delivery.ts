import { AppError } from "../../errors";
import type { Logger } from "../../lib/log";
import type { Mailer } from "../../mail/mailer";
import { verificationCodeMail } from "../../mail/templates";
import type { OtpService } from "../../otp/service";
import type { OtpPurpose } from "../../otp/store";
import { AUTH_MESSAGES } from "./messages";

const MAIL_REASON: Record<OtpPurpose, string> = {
  register: "Enter it to confirm your email address.",
  recheck: "Enter it to finish signing in.",
  reset: "Enter it to choose a new password.",
};

export type CodeDelivery = ReturnType<typeof createCodeDelivery>;

/** Mails codes: a new one through the OTP service's limits, or one already issued. */
export function createCodeDelivery({ otp, mailer, log, otpTtlSeconds }: { otp: OtpService; mailer: Mailer; log: Logger; otpTtlSeconds: number }) {
  async function mailCode(email: string, purpose: OtpPurpose, code: string): Promise<void> {
    try {
      await mailer.send(email, verificationCodeMail(code, otpTtlSeconds, MAIL_REASON[purpose]));
    } catch (error) {
      // Nobody received this code, so it must not stay valid; the cooldown is lifted so a resend works.
      await otp.withdrawOtp(email, purpose, code);
      const smtp = error as { responseCode?: number; code?: string };
      log.warn("verification mail failed", { purpose, smtp_status: smtp.responseCode, smtp_error: smtp.code });
      throw new AppError(503, AUTH_MESSAGES.mailFailed, "email_unavailable");
    }
  }

  return {
    mailCode,
    /** Issues a code (429 when the send limits say no) and mails it; 503 when the mail cannot be sent. */
    async sendNewCode(email: string, purpose: OtpPurpose): Promise<void> {
      await mailCode(email, purpose, await otp.issueOtp(email, purpose));
    },
  };
}
