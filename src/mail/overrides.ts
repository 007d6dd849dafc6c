import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isLocale, LOCALES } from "../lib/locale";
import { parseTemplate, placeholdersOf, renderTemplate, type ParsedTemplate } from "./engine";
import type { MailOverrides } from "./renderer";
import { isMailTemplateName, MAIL_TEMPLATE_NAMES, MAIL_TEMPLATES, sampleValuesOf, type MailPart } from "./template-specs";

const FILE_NAME = /^([a-z_]+)\.(subject|text|html)\.liquid$/;
const MAX_FILE_BYTES = 256 * 1024;

/**
 * Reads MAIL_TEMPLATES_DIR: `<locale>/<template>.<subject|text|html>.liquid`, each file replacing one part of
 * one built-in template. Every file is parsed, its placeholders checked against the template's (an unknown one,
 * or a missing required one, is a problem naming the file, the placeholder and its line) and rendered once with
 * sample values, so a template that would fail on a real mail stops the start instead.
 */
export function loadMailOverrides(dir: string): { overrides: MailOverrides; problems: string[] } {
  const overrides: MailOverrides = {};
  const problems: string[] = [];
  let locales: string[];
  try {
    locales = readdirSync(dir).filter((name) => !name.startsWith("."));
  } catch {
    return { overrides, problems: [`${dir}: is not a readable directory`] };
  }
  for (const locale of locales) {
    if (!isLocale(locale) || !statSync(join(dir, locale)).isDirectory()) {
      problems.push(`${locale}: not a language folder (expected one of ${LOCALES.join(", ")})`);
      continue;
    }
    for (const file of readdirSync(join(dir, locale)).filter((name) => !name.startsWith("."))) {
      const where = `${locale}/${file}`;
      const match = FILE_NAME.exec(file);
      if (!match || !isMailTemplateName(match[1]!)) {
        problems.push(
          `${where}: unknown file (expected <template>.<subject|text|html>.liquid, templates: ${MAIL_TEMPLATE_NAMES.join(", ")})`,
        );
        continue;
      }
      const [name, part] = [match[1], match[2] as MailPart] as const;
      const path = join(dir, locale, file);
      if (statSync(path).size > MAX_FILE_BYTES) {
        problems.push(`${where}: larger than ${MAX_FILE_BYTES / 1024} KiB`);
        continue;
      }
      const checked = checkTemplate(where, name, part, readFileSync(path, "utf8"));
      if (typeof checked === "string") problems.push(checked);
      else ((overrides[locale] ??= {})[name] ??= {})[part] = checked;
    }
  }
  return { overrides, problems };
}

/** The parsed template, or the problem with it. */
function checkTemplate(where: string, name: keyof typeof MAIL_TEMPLATES, part: MailPart, source: string): ParsedTemplate | string {
  let template: ParsedTemplate;
  try {
    template = parseTemplate(part, source);
  } catch (error) {
    return `${where}: malformed template: ${firstLine(error)}`;
  }
  const spec = MAIL_TEMPLATES[name];
  const allowed: readonly string[] = spec.variables;
  const used = placeholdersOf(template);
  for (const [placeholder, line] of used) {
    if (!allowed.includes(placeholder)) {
      return `${where}: unknown placeholder {{ ${placeholder} }} on line ${line} (${name} has ${allowed.length ? allowed.join(", ") : "none"})`;
    }
  }
  // A code must reach the person: its body parts must show it (a subject may leave it out).
  if (part !== "subject") {
    const missing = spec.required.find((placeholder) => !used.has(placeholder));
    if (missing) return `${where}: missing placeholder {{ ${missing} }} (${name} must show it)`;
  }
  try {
    renderTemplate(part, template, sampleValuesOf(name));
  } catch (error) {
    return `${where}: does not render: ${firstLine(error)}`;
  }
  return template;
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
