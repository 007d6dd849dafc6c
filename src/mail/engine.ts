import { analyzeSync, Liquid, type Template } from "liquidjs";
import type { MailPart, MailValues } from "./template-specs";

// Strict: an unknown placeholder or filter is an error, never an empty string. `templates: {}` keeps
// include/render/layout away from the filesystem (nothing exists to include). No prototype properties.
// Dates (`{{ delete_after | date: '%d.%m.%Y' }}`) are shown in UTC, whatever the server's zone, and say so.
const options = { strictVariables: true, strictFilters: true, ownPropertyOnly: true, templates: {}, timezoneOffset: 0 } as const;
const plain = new Liquid(options);
// HTML parts escape every value (`{{ x | raw }}` is the operator's explicit way out).
const html = new Liquid({ ...options, outputEscape: "escape" });

const engineFor = (part: MailPart) => (part === "html" ? html : plain);

export type ParsedTemplate = Template[];

/** Parses a template's source; throws liquidjs's error (with line and column) when it is malformed. */
export const parseTemplate = (part: MailPart, source: string): ParsedTemplate => engineFor(part).parse(source);

/** The top-level placeholders a template reads, each with the line of its first use. */
export function placeholdersOf(template: ParsedTemplate): Map<string, number> {
  const found = new Map<string, number>();
  for (const [name, uses] of Object.entries(analyzeSync(template, { partials: false }).globals)) {
    found.set(name, uses[0]?.location.row ?? 0);
  }
  return found;
}

export const renderTemplate = (part: MailPart, template: ParsedTemplate, values: MailValues): string =>
  String(engineFor(part).renderSync(template, values));
