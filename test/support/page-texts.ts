import { readdirSync } from "node:fs";
import { join } from "node:path";

const PUBLIC = join(import.meta.dir, "../../public");
/** Files of the page that are not its own words: vendored libraries and the dictionaries themselves. */
const NOT_OURS = (file: string) => ["qr.js", "webauthn.js"].includes(file) || file.startsWith("locale-");

const unquote = (literal: string) => JSON.parse(`"${literal}"`) as string;

/**
 * Every English text the page translates: the markup's `data-t` elements (trimmed, as the page looks them up)
 * and `data-t-label` labels, and the scripts' `t("...")` and `words("...")` literals.
 */
export async function pageTexts(): Promise<Set<string>> {
  const texts = new Set<string>();
  const html = await Bun.file(join(PUBLIC, "index.html")).text();
  for (const match of html.matchAll(/<(\w+)\b[^>]*\sdata-t>([^<]+)<\/\1>/g)) texts.add(match[2]!.trim());
  for (const match of html.matchAll(/aria-label="([^"]+)" data-t-label/g)) texts.add(match[1]!);
  for (const match of html.matchAll(/data-title="([^"]+)"/g)) texts.add(match[1]!);
  for (const file of readdirSync(join(PUBLIC, "assets")).filter((name) => name.endsWith(".js") && !NOT_OURS(name))) {
    const source = await Bun.file(join(PUBLIC, "assets", file)).text();
    for (const match of source.matchAll(/\b(?:t|words)\(\s*"((?:[^"\\]|\\.)*)"/g)) texts.add(unquote(match[1]!));
  }
  return texts;
}

/** The strings of the scripts that look like words for people but are not marked for translation. */
export async function unmarkedTexts(): Promise<string[]> {
  const found: string[] = [];
  for (const file of readdirSync(join(PUBLIC, "assets")).filter((name) => name.endsWith(".js") && !NOT_OURS(name))) {
    const source = await Bun.file(join(PUBLIC, "assets", file)).text();
    for (const line of source.split("\n")) {
      if (/^\s*(\/\/|\*|\/\*|import )/.test(line)) continue;
      const code = line.replace(/\b(?:t|words)\(\s*"(?:[^"\\]|\\.)*"/g, "");
      for (const match of code.matchAll(/"((?:[^"\\]|\\.)*)"|`([^`]*)`/g)) {
        const text = match[1] ?? match[2]!;
        // A sentence or a label: a capital letter, then a word and a space or an end mark.
        if (/^[A-Z][a-z]+[ .,…]/.test(text) && !/^(Content-Type|Bearer|Accept|Mac OS X)/.test(text)) found.push(`${file}: ${text}`);
      }
    }
  }
  return found;
}
