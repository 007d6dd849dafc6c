// The SMTP server the benchmarked service mails its codes to: a real one (the `smtp-server` package the mail
// catcher is built on) that keeps only the newest code per address. It reads the code from the Subject
// header ("123456 is your verification code") instead of parsing the whole MIME message, because the
// preparation mails tens of thousands of codes and parsing would cost more than the service's own work.
import { SMTPServer } from "smtp-server";

const SUBJECT_CODE = /^Subject: (\d+) is your verification code\r?$/m;

export interface MailSink {
  port: number;
  codes: Map<string, string>;
  /** Resolves once `count` distinct addresses have a code, or rejects after `timeoutMs`. */
  waitForCodes(count: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startMailSink(): Promise<MailSink> {
  const codes = new Map<string, string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    // No reverse DNS lookup of 127.0.0.1 per connection: the service opens one connection per mail.
    disableReverseLookup: true,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const head = Buffer.concat(chunks).toString("utf8", 0, 4096);
        const code = SUBJECT_CODE.exec(head)?.[1];
        if (code) for (const to of session.envelope.rcptTo) codes.set(to.address.toLowerCase(), code);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    codes,
    async waitForCodes(count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (codes.size < count) {
        if (Date.now() > deadline) throw new Error(`only ${codes.size} of ${count} codes arrived`);
        await Bun.sleep(20);
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
