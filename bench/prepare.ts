// Gets codes the way a person does: POST /auth/resend-otp for seeded unverified users, then reads each code
// from the mail the service sent to the benchmark's SMTP server. Not measured.
import type { MailSink } from "./mail-sink";

/**
 * Asks for a code for every address and returns `{email, code}` bodies. Each request waits on several SMTP
 * round trips between two processes, so many run at once: 128 prepared codes about 1.7 times faster than 32
 * here (and 64 or 256 no faster than 128).
 */
export async function requestCodes(
  url: string,
  emails: string[],
  sink: MailSink,
  concurrency = 128,
): Promise<{ email: string; code: string }[]> {
  let next = 0;
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < emails.length) {
        const email = emails[next++]!;
        const res = await fetch(`${url}/auth/resend-otp`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email }),
        });
        if (res.status !== 200) failures.push(`${email}: ${res.status} ${await res.text()}`);
        else await res.arrayBuffer();
      }
    }),
  );
  if (failures.length > 0) throw new Error(`resend-otp failed for ${failures.length} addresses, first: ${failures[0]}`);
  await sink.waitForCodes(emails.length, 60_000);
  return emails.map((email) => ({ email, code: sink.codes.get(email)! }));
}

/** Writes one line per item (JSON bodies or bearer tokens) for the wrk script. */
export async function writeLines(path: string, items: string[]): Promise<string> {
  await Bun.write(path, `${items.join("\n")}\n`);
  return path;
}
