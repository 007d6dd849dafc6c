import { Elysia } from "elysia";
import { z } from "zod";
import type { MailCatcher } from "../../mail/catcher";
import { MAILBOX_CSP, renderMailbox } from "./page";

const caughtMail = z.object({
  id: z.number().int(),
  received_at: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
});

export const mailboxResponse = z.object({ messages: z.array(caughtMail) });

/** Only mounted while the development mail catcher is active (no SMTP_SERVER, never in production). */
export const devMailboxRoutes = (catcher: MailCatcher) =>
  new Elysia({ prefix: "/dev", tags: ["development"] })
    .get("/mailbox.json", () => ({
      messages: [...catcher.messages].reverse().map((mail) => ({
        id: mail.id,
        received_at: mail.receivedAt,
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      })),
    }), {
      response: { 200: mailboxResponse },
      // Development only, so never part of the API document.
      detail: { hide: true, summary: "Mails caught by the development mail catcher, newest first" },
    })
    .get("/mailbox", () => new Response(renderMailbox(catcher.messages), {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": MAILBOX_CSP,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    }), { detail: { hide: true } });
