import nodemailer from "nodemailer";
import type { Config } from "../config/load";
import type { MailContent } from "./templates";

export interface Mailer {
  /** Resolves once the SMTP server accepted the message; rejects otherwise. */
  send(to: string, content: MailContent): Promise<void>;
  close(): void;
}

interface SmtpSettings {
  host: string;
  port: number;
  security: "starttls" | "tls" | "none";
  username?: string;
  password?: string;
  timeoutSeconds: number;
  from: string;
}

/** The SMTP settings of the configuration; only meaningful when SMTP_SERVER is set. */
export const smtpSettingsFrom = (config: Config): SmtpSettings => ({
  host: config.SMTP_SERVER ?? "127.0.0.1",
  port: config.SMTP_PORT,
  security: config.smtpSecurity,
  username: config.SMTP_USERNAME,
  password: config.SMTP_PASSWORD,
  timeoutSeconds: config.SMTP_TIMEOUT_SECONDS,
  from: config.FROM_EMAIL ?? DEV_FROM_EMAIL,
});

/** The sender of mails caught by the development mail catcher when FROM_EMAIL is unset. */
const DEV_FROM_EMAIL = "otp-auth@localhost";

/** A nodemailer transport with the security mode and timeouts of `smtp`. */
export function createSmtpTransport(smtp: SmtpSettings) {
  const timeoutMs = smtp.timeoutSeconds * 1000;
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === "tls",
    requireTLS: smtp.security === "starttls",
    ignoreTLS: smtp.security === "none",
    auth: smtp.username ? { user: smtp.username, pass: smtp.password ?? "" } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
}

export function createSmtpMailer(smtp: SmtpSettings): Mailer {
  const transport = createSmtpTransport(smtp);
  return {
    async send(to, content) {
      await transport.sendMail({ from: smtp.from, to, ...content });
    },
    close: () => transport.close(),
  };
}
