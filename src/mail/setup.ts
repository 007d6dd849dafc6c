import { ConfigError, type Config } from "../config/load";
import { loadMailOverrides } from "./overrides";
import { compileMailTemplates, createMailRenderer, type MailRenderer } from "./renderer";

/**
 * The mail renderer of this configuration: the built-in templates, with MAIL_TEMPLATES_DIR's files in their
 * place. A bad file is a ConfigError naming it, so the service refuses to start rather than send a broken mail.
 */
export function mailRendererFrom(config: Pick<Config, "MAIL_TEMPLATES_DIR">): MailRenderer {
  const dir = config.MAIL_TEMPLATES_DIR;
  if (!dir) return createMailRenderer(compileMailTemplates());
  const { overrides, problems } = loadMailOverrides(dir);
  if (problems.length > 0) throw new ConfigError(problems.map((problem) => `MAIL_TEMPLATES_DIR: ${problem}`));
  return createMailRenderer(compileMailTemplates(overrides));
}
