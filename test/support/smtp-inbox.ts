import { startMailCatcher, type CaughtMail } from "../../src/mail/catcher";

// The first line that ends in the code, whatever the mail's language ("… code is: 123456", "… lautet: 123456").
const codeIn = (mail: CaughtMail): string | null => /^[^\n]*\s(\d{4,10})$/m.exec(mail.text)?.[1] ?? null;

/** Reading helpers over caught messages: the mails to one address and the code in the newest one. */
export function readMail(messages: CaughtMail[]) {
  const mailTo = (address: string) => messages.filter((m) => m.to.includes(address.toLowerCase()));
  return {
    mailTo,
    /** Waits until `address` has received `count` mails in all (for mails sent after the answer). */
    async waitForMail(address: string, count: number, timeoutMs = 5000): Promise<CaughtMail> {
      const deadline = Date.now() + timeoutMs;
      while (mailTo(address).length < count) {
        if (Date.now() > deadline) throw new Error(`${address} has ${mailTo(address).length} mails, expected ${count}`);
        await Bun.sleep(10);
      }
      return mailTo(address).at(-1)!;
    },
    /** The code in the newest mail to `address`, read out of its text part. */
    latestCode(address: string): string {
      const mail = mailTo(address).at(-1);
      if (!mail) throw new Error(`no mail received for ${address}`);
      const code = codeIn(mail);
      if (!code) throw new Error(`no code in the mail to ${address}`);
      return code;
    },
    /** The code in the newest mail to `address` that holds one, for an address that also gets notices. */
    newestCode(address: string): string {
      const code = mailTo(address)
        .map(codeIn)
        .findLast((found) => found !== null);
      if (!code) throw new Error(`no code in any mail to ${address}`);
      return code;
    },
  };
}

/** A real SMTP server on loopback (the product's mail catcher) that keeps what it receives, and can be told to refuse mail. */
export async function startSmtpInbox() {
  const state = { refuse: false, delayMs: 0 };
  const catcher = await startMailCatcher({
    keep: Number.POSITIVE_INFINITY,
    acceptRecipient: async () => {
      if (state.delayMs > 0) await Bun.sleep(state.delayMs);
      return !state.refuse;
    },
  });
  return {
    port: catcher.port,
    messages: catcher.messages,
    ...readMail(catcher.messages),
    /** Makes the server refuse (550) or accept recipients. */
    refuseMail(refuse: boolean) {
      state.refuse = refuse;
    },
    /** Makes the server take this long to accept each recipient (a slow mail provider). */
    delayMail(ms: number) {
      state.delayMs = ms;
    },
    close: catcher.close,
  };
}

export type SmtpInbox = Awaited<ReturnType<typeof startSmtpInbox>>;

/** The settings that make the service send its mail, in clear text, to an inbox on loopback. */
export function smtpEnv(inbox: { port: number }, fromEmail = "no-reply@otp-auth.test"): Record<string, string> {
  return { SMTP_SERVER: "127.0.0.1", SMTP_PORT: String(inbox.port), SMTP_SECURITY: "none", FROM_EMAIL: fromEmail };
}
