import type { CaughtMail } from "../../src/mail/catcher";

/**
 * Waits for mails to many addresses at once, cheaply: one timer indexes new messages by recipient, instead
 * of every waiter scanning the whole inbox (which hundreds of concurrent clients would make quadratic).
 */
export function createMailWaiter(messages: CaughtMail[], tickMs = 15) {
  const byAddress = new Map<string, CaughtMail[]>();
  const waiters = new Set<{ address: string; count: number; resolve: (mail: CaughtMail) => void }>();
  let seen = 0;

  function index() {
    for (; seen < messages.length; seen++) {
      const mail = messages[seen]!;
      for (const to of mail.to) {
        const list = byAddress.get(to) ?? [];
        list.push(mail);
        byAddress.set(to, list);
      }
    }
    for (const waiter of waiters) {
      const mails = byAddress.get(waiter.address) ?? [];
      if (mails.length >= waiter.count) {
        waiters.delete(waiter);
        waiter.resolve(mails.at(-1)!);
      }
    }
  }
  const timer = setInterval(index, tickMs);

  const mailsTo = (address: string) => {
    index();
    return byAddress.get(address.toLowerCase()) ?? [];
  };

  return {
    /** How many mails `address` has received so far. */
    count: (address: string) => mailsTo(address).length,
    /** Resolves with the `count`th mail to `address`; rejects after `timeoutMs`. */
    waitFor(address: string, count: number, timeoutMs = 10_000): Promise<CaughtMail> {
      return new Promise((resolve, reject) => {
        const waiter = {
          address: address.toLowerCase(),
          count,
          resolve: (mail: CaughtMail) => {
            clearTimeout(timeout);
            resolve(mail);
          },
        };
        const timeout = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${address}: ${mailsTo(address).length} mails, waited for ${count}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    stop: () => clearInterval(timer),
  };
}

/** The code in a verification mail. */
export function codeIn(mail: CaughtMail): string {
  const match = /verification code is: (\d+)/.exec(mail.text);
  if (!match) throw new Error(`no code in the mail to ${mail.to.join(", ")}`);
  return match[1]!;
}

export type MailWaiter = ReturnType<typeof createMailWaiter>;
