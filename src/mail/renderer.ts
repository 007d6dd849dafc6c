import type { Locale } from "../lib/locale";
import { parseTemplate, renderTemplate, type ParsedTemplate } from "./engine";
import { BUILTIN_TEMPLATES } from "./locales/builtin";
import { MAIL_PARTS, type MailPart, type MailTemplateName, type MailValues } from "./template-specs";

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** What to send, before its language is known: a template and its values. */
export interface MailMessage {
  template: MailTemplateName;
  values: MailValues;
}

/** Overrides by language, name and part, already parsed and checked (see overrides.ts). */
export type MailOverrides = Partial<Record<Locale, Partial<Record<MailTemplateName, Partial<Record<MailPart, ParsedTemplate>>>>>>;

/** The parts of one template in one language, ready to render. */
export type MailTemplates = (locale: Locale, name: MailTemplateName) => Record<MailPart, ParsedTemplate>;

/**
 * The built-in templates with the operator's overrides in their place. A built-in one is parsed on its first
 * use (all of them take tens of milliseconds, which every start would pay); overrides were parsed when checked.
 */
export function compileMailTemplates(overrides: MailOverrides = {}): MailTemplates {
  const cache = new Map<string, Record<MailPart, ParsedTemplate>>();
  return (locale, name) => {
    const key = `${locale}/${name}`;
    let parts = cache.get(key);
    if (!parts) {
      const sources = BUILTIN_TEMPLATES[locale][name];
      parts = {} as Record<MailPart, ParsedTemplate>;
      for (const part of MAIL_PARTS) parts[part] = overrides[locale]?.[name]?.[part] ?? parseTemplate(part, sources[part]);
      cache.set(key, parts);
    }
    return parts;
  };
}

export type MailRenderer = ReturnType<typeof createMailRenderer>;

export function createMailRenderer(templates: MailTemplates) {
  return {
    render({ template, values }: MailMessage, locale: Locale): MailContent {
      const parts = templates(locale, template);
      return {
        // One line: a template file's trailing newline (or any line break) must not reach the header.
        subject: renderTemplate("subject", parts.subject, values).replace(/\s+/g, " ").trim(),
        text: renderTemplate("text", parts.text, values),
        html: renderTemplate("html", parts.html, values),
      };
    },
  };
}
