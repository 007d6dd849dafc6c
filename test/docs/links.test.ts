import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

// Every relative link of the documentation must lead somewhere: to a file or folder of the repository, and
// for a `#anchor` into a Markdown file, to one of its headings (slugged the way GitHub renders them).

const ROOT = resolve(import.meta.dir, "../..");

function documentationFiles(): string[] {
  const docs = readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => join(ROOT, "docs", name));
  return [join(ROOT, "README.md"), join(ROOT, "CONTRIBUTING.md"), ...docs.sort()];
}

/**
 * The file's lines with fenced code blocks blanked and inline code spans removed (a `[x](y)` in code is no
 * link); line numbers stay those of the file.
 */
function proseLines(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split("\n")) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === null || marker.startsWith(fence))) fence = fence === null ? marker : null;
    lines.push(fence === null && !marker ? line.replace(/(`+)[^`]*?\1/g, "") : "");
  }
  return lines;
}

/** GitHub's heading ids: the rendered text lower-cased, punctuation dropped, each space a hyphen; repeats get -1, -2... */
function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | null = null;
  for (const line of markdown.split("\n")) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === null || marker.startsWith(fence))) {
      fence = fence === null ? marker : null;
      continue;
    }
    const heading = fence === null ? /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1] : undefined;
    if (heading === undefined) continue;
    const text = heading
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // a link renders as its text
      .replace(/[`*]/g, "")
      .replace(/<[^>]+>/g, "");
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

/** Link targets: inline links and images `[text](target "title")`, and reference definitions `[id]: target`. */
function linkTargets(markdown: string): { line: number; target: string }[] {
  const found: { line: number; target: string }[] = [];
  proseLines(markdown).forEach((text, index) => {
    for (const match of text.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) found.push({ line: index + 1, target: match[1]! });
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(text);
    if (definition) found.push({ line: index + 1, target: definition[1]! });
  });
  return found;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//");

function brokenLinks(file: string): string[] {
  const markdown = readFileSync(file, "utf8");
  const broken: string[] = [];
  for (const { line, target } of linkTargets(markdown)) {
    if (target === "" || isExternal(target)) continue;
    const hash = target.indexOf("#");
    const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
    const anchor = hash < 0 ? null : decodeURIComponent(target.slice(hash + 1));
    const destination = path === "" ? file : resolve(dirname(file), path);
    const where = `${relative(ROOT, file)}:${line}: ${target}`;
    if (!destination.startsWith(ROOT) || !existsSync(destination)) {
      broken.push(`${where} (no such file)`);
      continue;
    }
    if (anchor === null || !destination.endsWith(".md") || statSync(destination).isDirectory()) continue;
    if (!headingSlugs(readFileSync(destination, "utf8")).has(anchor)) broken.push(`${where} (no heading #${anchor})`);
  }
  return broken;
}

describe("documentation links", () => {
  test("the slugs are GitHub's", () => {
    const slugs = headingSlugs(
      "# otp-auth\n## Start-up time and size\n## Client addresses (`TRUST_PROXY`)\n```\n# not a heading\n```\n## Flow\n## Flow\n",
    );
    expect([...slugs]).toEqual(["otp-auth", "start-up-time-and-size", "client-addresses-trust_proxy", "flow", "flow-1"]);
  });

  test("README.md, CONTRIBUTING.md and docs/*.md exist and have links to check", () => {
    const files = documentationFiles();
    for (const file of files) expect(existsSync(file)).toBe(true);
    expect(linkTargets(readFileSync(join(ROOT, "README.md"), "utf8")).length).toBeGreaterThan(10);
  });

  test("every relative link leads to an existing file, and every #anchor to a heading of it", () => {
    expect(documentationFiles().flatMap(brokenLinks)).toEqual([]);
  });

  test("the README names the test command", () => {
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).toContain("bun run test");
  });
});
