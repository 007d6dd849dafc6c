import type { MailOutcome } from "../lib/metrics";
import type { Mailer } from "./mailer";

/** The same mailer, counting each send as `sent` (the SMTP server accepted it) or `failed`. */
export function countingMailer(mailer: Mailer, count: (outcome: MailOutcome) => void): Mailer {
  return {
    async send(to, content) {
      try {
        await mailer.send(to, content);
      } catch (error) {
        count("failed");
        throw error;
      }
      count("sent");
    },
    close: () => mailer.close(),
  };
}
