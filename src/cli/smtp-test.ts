import { loadConfig } from "../config/load";
import { createSmtpMailer, smtpSettingsFrom } from "../mail/mailer";
import { CliError, type CliContext } from "./context";

const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Sends one test mail with the configured SMTP server, as the original launcher's SMTP test did. */
export async function smtpTest({ args, env }: CliContext): Promise<number> {
  const to = args[0];
  if (!to || !ADDRESS.test(to)) throw new CliError("Usage: otp-auth smtp-test <to-address>", 2);
  const config = loadConfig(env);
  if (!config.SMTP_SERVER) {
    throw new CliError(
      "SMTP_SERVER is not set, so there is no SMTP server to test (the development mail catcher would be used). Set SMTP_SERVER, SMTP_PORT, FROM_EMAIL and, if needed, SMTP_USERNAME/SMTP_PASSWORD.",
    );
  }
  const smtp = smtpSettingsFrom(config);
  const mailer = createSmtpMailer(smtp);
  const where = `${smtp.host}:${smtp.port} (${smtp.security}${smtp.username ? `, as ${smtp.username}` : ""})`;
  try {
    await mailer.send(to, {
      subject: "otp-auth SMTP test",
      text: `This is a test mail from otp-auth, sent through ${where}. If you can read it, mail delivery works.`,
      html: `<p>This is a test mail from otp-auth, sent through ${where}.</p><p>If you can read it, mail delivery works.</p>`,
    });
  } catch (error) {
    throw new CliError(`SMTP test failed via ${where}: ${(error as Error).message}`);
  } finally {
    mailer.close();
  }
  console.log(`Test mail to ${to} accepted by ${where}, from ${smtp.from}.`);
  return 0;
}
