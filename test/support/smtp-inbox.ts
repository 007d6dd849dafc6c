import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  raw: string;
}

/** A real SMTP server on loopback that keeps what it receives, and can be told to refuse mail. */
export async function startSmtpInbox() {
  const messages: ReceivedMail[] = [];
  const state = { refuse: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (state.refuse) {
        const error = Object.assign(new Error("Mailbox unavailable"), { responseCode: 550 });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const parsed: ParsedMail = await simpleParser(raw);
        messages.push({
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          subject: parsed.subject ?? "",
          text: parsed.text ?? "",
          html: typeof parsed.html === "string" ? parsed.html : "",
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;

  const mailTo = (address: string) => messages.filter((m) => m.to.includes(address.toLowerCase()));

  return {
    port,
    messages,
    mailTo,
    /** Makes the server refuse (550) or accept recipients. */
    refuseMail(refuse: boolean) {
      state.refuse = refuse;
    },
    /** The code in the newest mail to `address`, read out of its text part. */
    latestCode(address: string): string {
      const mail = mailTo(address).at(-1);
      if (!mail) throw new Error(`no mail received for ${address}`);
      const match = /verification code is: (\d+)/.exec(mail.text);
      if (!match) throw new Error(`no code in the mail to ${address}`);
      return match[1]!;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpInbox = Awaited<ReturnType<typeof startSmtpInbox>>;
