import { Elysia } from "elysia";
import { z } from "zod";
import { appError } from "../../errors";
import { HTTP_ERRORS } from "../../errors/http";
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

const mailboxResponse = z.object({ messages: z.array(caughtMail) });

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?$/i;

/**
 * True when a Host header names a loopback address at `port` (no port: 80). `port` is undefined for a request
 * handled in-process, which came through no socket.
 */
function isLoopbackHost(host: string, port: number | undefined): boolean {
  const match = LOOPBACK_HOST.exec(host);
  return match !== null && (port === undefined || Number(match[2] ?? 80) === port);
}

/** Only mounted while the development mail catcher is active (no SMTP_SERVER, never in production). */
export const devMailboxRoutes = (catcher: MailCatcher) =>
  new Elysia({ prefix: "/dev", tags: ["development"] })
    // DNS rebinding: a site whose name an attacker points at 127.0.0.1 reaches this loopback server from a
    // browser as its own origin, so it could read every code; its requests carry that name in Host.
    .onBeforeHandle(({ request, server }) => {
      if (isLoopbackHost(request.headers.get("host") ?? new URL(request.url).host, server?.port)) return;
      throw appError(HTTP_ERRORS.misdirectedRequest);
    })
    .get(
      "/mailbox.json",
      () => ({
        messages: [...catcher.messages].reverse().map((mail) => ({
          id: mail.id,
          received_at: mail.receivedAt,
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
        })),
      }),
      {
        response: { 200: mailboxResponse },
        // Development only, so never part of the API document.
        detail: { hide: true, summary: "Mails caught by the development mail catcher, newest first" },
      },
    )
    .get(
      "/mailbox",
      () =>
        new Response(renderMailbox(catcher.messages), {
          headers: {
            "content-type": "text/html; charset=utf-8",
            "content-security-policy": MAILBOX_CSP,
            "cache-control": "no-store",
            "x-content-type-options": "nosniff",
          },
        }),
      { detail: { hide: true } },
    );
