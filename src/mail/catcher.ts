import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface CaughtMail {
  id: number;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  raw: string;
}

interface MailCatcherOptions {
  /** How many messages to keep; the oldest go first. */
  keep?: number;
  /** Asked for each recipient; false answers 550, as a real server refusing mail. */
  acceptRecipient?: (address: string) => boolean | Promise<boolean>;
}

/**
 * A real SMTP server on 127.0.0.1 that keeps what it receives in memory: the development mail catcher
 * (nodemailer delivers to it over SMTP, like Mailpit in Supabase's local stack) and the tests' inbox.
 */
export async function startMailCatcher({ keep = 200, acceptRecipient = () => true }: MailCatcherOptions = {}) {
  const messages: CaughtMail[] = [];
  let nextId = 1;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    size: 1024 * 1024,
    onRcptTo(address, _session, callback) {
      Promise.resolve(acceptRecipient(address.address)).then((accepted) => {
        if (accepted) return callback();
        callback(Object.assign(new Error("Mailbox unavailable"), { responseCode: 550 }));
      }, callback);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const parsed = await simpleParser(raw);
        messages.push({
          id: nextId++,
          receivedAt: new Date().toISOString(),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          subject: parsed.subject ?? "",
          text: parsed.text ?? "",
          html: typeof parsed.html === "string" ? parsed.html : "",
          raw,
        });
        if (messages.length > keep) messages.splice(0, messages.length - keep);
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;

  return {
    port,
    /** Oldest first. */
    messages,
    clear: () => void messages.splice(0, messages.length),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type MailCatcher = Awaited<ReturnType<typeof startMailCatcher>>;
