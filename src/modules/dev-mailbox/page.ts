import { createHash } from "node:crypto";
import type { CaughtMail } from "../../mail/catcher";

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#7a2e0e;color:#fff;padding:14px 24px}
header h1{margin:0;font-size:18px}
header p{margin:4px 0 0;font-size:13px;opacity:.9}
header a{color:#fff}
main{max-width:820px;margin:24px auto;padding:0 16px}
article{background:#fff;border:1px solid #dde1e8;border-radius:10px;padding:16px 20px;margin-bottom:14px}
h2{font-size:16px;margin:0 0 6px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 10px;font-size:13px;color:#4a5263}
dt{font-weight:600}dd{margin:0}
pre{white-space:pre-wrap;background:#f3f4f7;border-radius:6px;padding:10px;margin:0;font-size:14px}
a{color:#1b5fd1}.empty{color:#4a5263}`;

/** The page's CSP allows exactly this style block and nothing else: no scripts, no remote content. */
export const MAILBOX_CSP = `default-src 'none'; style-src 'sha256-${createHash("sha256").update(STYLE).digest("base64")}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

function renderMail(mail: CaughtMail): string {
  return `<article>
<h2>${escapeHtml(mail.subject || "(no subject)")}</h2>
<dl><dt>To</dt><dd>${escapeHtml(mail.to.join(", "))}</dd><dt>From</dt><dd>${escapeHtml(mail.from)}</dd>
<dt>Received</dt><dd><time datetime="${mail.receivedAt}">${mail.receivedAt.replace("T", " ").slice(0, 19)} UTC</time></dd></dl>
<pre>${escapeHtml(mail.text)}</pre>
</article>`;
}

/** The inbox of the development mail catcher, newest first; mail text only (never the mail's own HTML). */
export function renderMailbox(messages: readonly CaughtMail[]): string {
  const list =
    messages.length === 0
      ? `<p class="empty">No mail yet. Register on <a href="/">the page</a> and the code appears here.</p>`
      : [...messages].reverse().map(renderMail).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Mailbox (development) · otp-auth</title><style>${STYLE}</style></head>
<body><header><h1>Development mailbox</h1>
<p>Mails caught by otp-auth's built-in mail catcher: nothing was sent. Never used in production. <a href="/dev/mailbox">Refresh</a> · <a href="/dev/mailbox.json">JSON</a></p></header>
<main>${list}</main></body></html>`;
}
