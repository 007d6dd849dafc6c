import nodemailer from "nodemailer";
import type { Config } from "../config/load";
import type { MailContent } from "./templates";

export interface Mailer {
  /** Resolves once the SMTP server accepted the message; rejects otherwise. */
  send(to: string, content: MailContent): Promise<void>;
  close(): void;
}

export function createSmtpMailer(config: Config): Mailer {
  const timeoutMs = config.SMTP_TIMEOUT_SECONDS * 1000;
  const transport = nodemailer.createTransport({
    host: config.SMTP_SERVER,
    port: config.SMTP_PORT,
    secure: config.smtpSecurity === "tls",
    requireTLS: config.smtpSecurity === "starttls",
    ignoreTLS: config.smtpSecurity === "none",
    auth: config.SMTP_USERNAME ? { user: config.SMTP_USERNAME, pass: config.SMTP_PASSWORD ?? "" } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async send(to, content) {
      await transport.sendMail({ from: config.FROM_EMAIL, to, ...content });
    },
    close: () => transport.close(),
  };
}
