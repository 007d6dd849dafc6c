import type { AuditLog } from "../../audit/log";
import { appError } from "../../errors";
import { HTTP_ERRORS } from "../../errors/http";
import type { ClientInfo } from "../../lib/client-info";
import type { Logger } from "../../lib/log";
import type { Mailer } from "../../mail/mailer";
import { verificationCodeMail, type MailContent } from "../../mail/templates";
import type { IssueOptions, OtpService } from "../../otp/service";
import type { OtpPurpose, SendClass } from "../../otp/store";

const MAIL_REASON: Record<OtpPurpose, string> = {
  register: "Enter it to confirm your email address.",
  recheck: "Enter it to finish signing in.",
  reset: "Enter it to choose a new password.",
};

export interface CodeDeliverySettings {
  otpTtlSeconds: number;
  /**
   * Send after answering: the answer then takes as long whether or not a mail goes out, so it does not tell
   * whether an address has an account (HIDE_ACCOUNT_EXISTENCE). A failed mail is logged, not answered 503.
   */
  mailAfterAnswer: boolean;
}

export type CodeDelivery = ReturnType<typeof createCodeDelivery>;

/** Mails codes (and notices), withdrawing a code nobody received. */
export function createCodeDelivery({
  otp,
  mailer,
  audit,
  log,
  settings,
}: {
  otp: OtpService;
  mailer: Mailer;
  audit: AuditLog;
  log: Logger;
  settings: CodeDeliverySettings;
}) {
  async function deliver(email: string, content: MailContent, purpose: string, client: ClientInfo | undefined, undo: () => Promise<void>) {
    try {
      await audit.track("code_sent", { email, client, detail: purpose }, () => mailer.send(email, content));
    } catch (error) {
      await undo();
      const smtp = error as { responseCode?: number; code?: string };
      log.warn("mail failed", { purpose, smtp_status: smtp.responseCode, smtp_error: smtp.code });
      throw appError(HTTP_ERRORS.emailUnavailable);
    }
  }

  /** Awaits the mail (503 if it fails), or with `later` sends it after the answer. */
  function send(later: boolean, run: () => Promise<void>): Promise<void> {
    if (!later) return run();
    run().catch(() => {
      // Logged and audited by deliver(); nobody is waiting for the answer any more.
    });
    return Promise.resolve();
  }

  /** Mails a code already issued; a code nobody received is withdrawn and the cooldown of its class lifted. */
  const mailCode = (
    email: string,
    purpose: OtpPurpose,
    code: string,
    client?: ClientInfo,
    later = settings.mailAfterAnswer,
    sendClass: SendClass = "open",
  ) =>
    send(later, () =>
      deliver(email, verificationCodeMail(code, settings.otpTtlSeconds, MAIL_REASON[purpose]), purpose, client, () =>
        otp.withdrawOtp(email, purpose, code, sendClass),
      ),
    );

  return {
    mailCode,
    /** Issues a code (429 when the send limits say no) and mails it. */
    async sendNewCode(email: string, purpose: OtpPurpose, client?: ClientInfo, options: IssueOptions = {}): Promise<void> {
      await mailCode(email, purpose, await otp.issueOtp(email, purpose, options), client, settings.mailAfterAnswer, options.sendClass);
    },
    /** Mails a notice (no code) under the same rules of timing. */
    sendNotice: (email: string, content: MailContent, kind: string, client?: ClientInfo, later = settings.mailAfterAnswer) =>
      send(later, () => deliver(email, content, kind, client, async () => {})),
  };
}
