import type { AuditLog } from "../../audit/log";
import type { Config } from "../../config/load";
import { appError } from "../../errors";
import { HTTP_ERRORS } from "../../errors/http";
import type { ClientInfo } from "../../lib/client-info";
import { pickLocale, requestNamesLocale, type Locale } from "../../lib/locale";
import type { Logger } from "../../lib/log";
import type { Mailer } from "../../mail/mailer";
import type { MailRenderer } from "../../mail/renderer";
import { verificationCodeMail, type MailMessage } from "../../mail/templates";
import type { IssueOptions, OtpService } from "../../otp/service";
import type { OtpPurpose } from "../../otp/store";

interface CodeDeliverySettings {
  otpTtlSeconds: number;
  /** DEFAULT_LOCALE: the language of a mail when neither the request nor the account names one. */
  defaultLocale: Locale;
  /**
   * Send after answering: the answer then takes as long whether or not a mail goes out, so it does not tell
   * whether an address has an account (HIDE_ACCOUNT_EXISTENCE). A failed mail is logged, not answered 503.
   */
  mailAfterAnswer: boolean;
}

export const codeDeliverySettingsFrom = (config: Config): CodeDeliverySettings => ({
  otpTtlSeconds: config.OTP_EXPIRE_SECONDS,
  mailAfterAnswer: config.HIDE_ACCOUNT_EXISTENCE,
  defaultLocale: config.DEFAULT_LOCALE,
});

/** When a mail leaves: `afterAnswer` overrides the setting (a mail whose outcome the answer never depends on). */
interface MailTiming {
  afterAnswer?: boolean;
}

/** A code issued (the send limits said yes) and not yet mailed: mail it, or take it back. */
interface IssuedCode {
  /** Mails the code; one nobody received is withdrawn and the cooldown of its send class lifted. */
  mail(client?: ClientInfo, timing?: MailTiming): Promise<void>;
  /** Takes the code back (it will not be mailed), lifting the cooldown of its send class. */
  withdraw(): Promise<void>;
}

export type CodeDelivery = ReturnType<typeof createCodeDelivery>;

/**
 * A code's life outside its check: the only place that issues codes (under the send limits of their class),
 * mails them, and withdraws a code nobody received. Also mails the notices, under the same rules of timing.
 */
export function createCodeDelivery({
  otp,
  mailer,
  renderer,
  savedLocale,
  audit,
  log,
  settings,
}: {
  otp: OtpService;
  mailer: Mailer;
  renderer: MailRenderer;
  /** The language saved with the account of an address; asked only when the request names none. */
  savedLocale: (email: string) => Promise<string | null | undefined>;
  audit: AuditLog;
  log: Logger;
  settings: CodeDeliverySettings;
}) {
  /** The request's `locale`, then its Accept-Language, then the account's saved language, then DEFAULT_LOCALE. */
  async function localeFor(email: string, client: ClientInfo | undefined): Promise<Locale> {
    // Without a saved language the mail still goes, in the default one.
    const saved = requestNamesLocale(client) ? null : await savedLocale(email).catch(() => null);
    return pickLocale(client, saved, settings.defaultLocale);
  }

  async function deliver(email: string, message: MailMessage, purpose: string, client: ClientInfo | undefined, undo: () => Promise<void>) {
    try {
      const content = renderer.render(message, await localeFor(email, client));
      await audit.track("code_sent", { email, client, detail: purpose }, () => mailer.send(email, content));
    } catch (error) {
      await undo();
      const smtp = error as { responseCode?: number; code?: string };
      log.warn("mail failed", { purpose, smtp_status: smtp.responseCode, smtp_error: smtp.code });
      throw appError(HTTP_ERRORS.emailUnavailable);
    }
  }

  /** Awaits the mail (503 if it fails), or sends it after the answer. */
  function send({ afterAnswer = settings.mailAfterAnswer }: MailTiming, run: () => Promise<void>): Promise<void> {
    if (!afterAnswer) return run();
    run().catch(() => {
      // Logged and audited by deliver(); nobody is waiting for the answer any more.
    });
    return Promise.resolve();
  }

  /**
   * Issues a code now (429 when the send limits of its class say no) to mail later or withdraw: a caller that
   * must know the limits allow a code before it changes anything (register) issues first and mails after.
   */
  async function issue(email: string, purpose: OtpPurpose, options: IssueOptions = {}): Promise<IssuedCode> {
    const code = await otp.issueOtp(email, purpose, options);
    const withdraw = () => otp.withdrawOtp(email, purpose, code, options.sendClass);
    return {
      mail: (client, timing = {}) =>
        send(timing, () =>
          deliver(email, verificationCodeMail(`code_${purpose}`, code, settings.otpTtlSeconds), purpose, client, withdraw),
        ),
      withdraw,
    };
  }

  return {
    issue,
    /** Issues a code (429 when the send limits say no) and mails it. */
    async issueAndMail(email: string, purpose: OtpPurpose, client?: ClientInfo, options: IssueOptions = {}): Promise<void> {
      await (await issue(email, purpose, options)).mail(client);
    },
    /** Mails a notice (no code) under the same rules of timing. */
    sendNotice: (email: string, message: MailMessage, kind: string, client?: ClientInfo, timing: MailTiming = {}) =>
      send(timing, () => deliver(email, message, kind, client, async () => {})),
  };
}
