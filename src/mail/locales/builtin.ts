import type { Locale } from "../../lib/locale";
import type { MailPart, MailTemplateName } from "../template-specs";
import { de } from "./de";
import { en } from "./en";
import { es } from "./es";
import { fr } from "./fr";
import type { CodeTemplate, MailStrings, NoticeTemplate } from "./strings";

export type TemplateSources = Record<MailPart, string>;

// The words are plain text, escaped here for the HTML part; the Liquid in them (`{{ ... }}`, `{% ... %}`) is left
// whole for the engine, which escapes the values it puts there.
const escapeHtml = (value: string) =>
  value
    .split(/(\{\{.*?\}\}|\{%.*?%\})/)
    .map((piece, i) => (i % 2 === 1 ? piece : piece.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)))
    .join("");

const page = (body: string) => `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1a1a1a">
${body}
</body></html>`;

function codeMail(strings: MailStrings["code"], template: CodeTemplate): TemplateSources {
  const reason = strings.reasons[template];
  return {
    subject: strings.subject,
    text: [`${strings.intro} {{ code }}`, "", `${reason} ${strings.expiry}`, strings.ignore].join("\n"),
    html: page(`<p>${escapeHtml(strings.intro)}</p>
<p style="font-size:32px;font-weight:700;letter-spacing:6px;font-family:monospace">{{ code }}</p>
<p>${escapeHtml(`${reason} ${strings.expiry}`)}</p>
<p style="color:#555">${escapeHtml(strings.ignore)}</p>`),
  };
}

function noticeMail({ subject, paragraphs }: { subject: string; paragraphs: string[] }): TemplateSources {
  return {
    subject,
    text: paragraphs.join("\n\n"),
    html: page(paragraphs.map((line) => `<p>${escapeHtml(line)}</p>`).join("\n")),
  };
}

function templatesOf(strings: MailStrings): Record<MailTemplateName, TemplateSources> {
  const codes = Object.keys(strings.code.reasons) as CodeTemplate[];
  const notices = Object.keys(strings.notices) as NoticeTemplate[];
  return Object.fromEntries([
    ...codes.map((name) => [name, codeMail(strings.code, name)]),
    ...notices.map((name) => [name, noticeMail(strings.notices[name])]),
  ]) as Record<MailTemplateName, TemplateSources>;
}

/** The built-in templates (Liquid sources), compiled into the binary as code: no file is read to render them. */
export const BUILTIN_TEMPLATES: Record<Locale, Record<MailTemplateName, TemplateSources>> = {
  en: templatesOf(en),
  de: templatesOf(de),
  fr: templatesOf(fr),
  es: templatesOf(es),
};
