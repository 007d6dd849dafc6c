import { envSchema } from "../config/schema";
import { isLocale, LOCALES } from "../lib/locale";
import { mailRendererFrom } from "../mail/setup";
import { isMailTemplateName, MAIL_TEMPLATE_NAMES, sampleValuesOf } from "../mail/template-specs";
import { CliError, type CliContext } from "./context";

const USAGE = "Usage: otp-auth mail-preview <template> [--locale en|de|fr|es]";

/**
 * Prints one mail rendered with sample values (subject, text, HTML), from MAIL_TEMPLATES_DIR's files where they
 * replace the built-in ones: the way for an operator to see a change before the service sends it.
 */
export async function mailPreview({ args, env }: CliContext): Promise<number> {
  const [name, ...rest] = args;
  const localeAt = rest.indexOf("--locale");
  const locale = localeAt === -1 ? (env.DEFAULT_LOCALE ?? "en") : rest[localeAt + 1];
  if (!name) throw new CliError(`${USAGE}\nTemplates: ${MAIL_TEMPLATE_NAMES.join(", ")}`, 2);
  if (!isMailTemplateName(name)) {
    throw new CliError(`Unknown template "${name}". Templates: ${MAIL_TEMPLATE_NAMES.join(", ")}`, 2);
  }
  if (!isLocale(locale)) throw new CliError(`Unknown locale "${locale ?? ""}". Locales: ${LOCALES.join(", ")}`, 2);
  const dir = envSchema.shape.MAIL_TEMPLATES_DIR.parse(env.MAIL_TEMPLATES_DIR || undefined);
  const mail = mailRendererFrom({ MAIL_TEMPLATES_DIR: dir }).render({ template: name, values: sampleValuesOf(name) }, locale);
  console.log([`Subject: ${mail.subject}`, "", "--- text ---", mail.text, "", "--- html ---", mail.html].join("\n"));
  return 0;
}
