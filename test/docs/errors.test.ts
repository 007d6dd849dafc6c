import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

// The errors table of docs/api.md lists every error the service answers: each (status, code) of the catalogues
// in src/errors/ has a row, and each row names only codes a catalogue defines, at that status.

const ROOT = resolve(import.meta.dir, "../..");
const CATALOGUES = join(ROOT, "src/errors");

interface Found {
  status: number;
  code: string;
  detail?: string;
  where: string;
}

/** Every entry (and template) exported by the catalogue files, wherever it is defined. */
async function catalogueEntries(): Promise<Found[]> {
  const found: Found[] = [];
  const files = readdirSync(CATALOGUES)
    .filter((name) => name.endsWith(".ts") && name !== "index.ts")
    .sort();
  for (const file of files) {
    const exports = (await import(join(CATALOGUES, file))) as Record<string, unknown>;
    for (const [name, catalogue] of Object.entries(exports)) {
      if (catalogue === null || typeof catalogue !== "object") continue;
      for (const [key, entry] of Object.entries(catalogue)) {
        const { status, code, detail } = (entry ?? {}) as Partial<Found>;
        if (typeof status !== "number" || typeof code !== "string") continue;
        found.push({ status, code, detail: typeof detail === "string" ? detail : undefined, where: `src/errors/${file} ${name}.${key}` });
      }
    }
  }
  return found;
}

/** The `(status, code)` pairs of the table under "## Errors": one row may name several codes. */
function documentedErrors(): { status: number; code: string }[] {
  const markdown = readFileSync(join(ROOT, "docs/api.md"), "utf8");
  const section = markdown.split(/^## /m).find((part) => part.startsWith("Errors\n"));
  if (!section) throw new Error('docs/api.md has no "## Errors" section');
  const rows: { status: number; code: string }[] = [];
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    if (!/^\d{3}$/.test(cells[1] ?? "")) continue;
    for (const match of (cells[2] ?? "").matchAll(/`([a-z0-9_]+)`/g)) rows.push({ status: Number(cells[1]), code: match[1]! });
  }
  return rows;
}

const key = ({ status, code }: { status: number; code: string }) => `${status} ${code}`;

describe("the errors table of docs/api.md", () => {
  test("lists every error of the catalogues at its status", async () => {
    const documented = new Set(documentedErrors().map(key));
    const missing = (await catalogueEntries())
      .filter((entry) => !documented.has(key(entry)))
      .map((entry) => `${key(entry)} (${entry.where})`);
    expect(missing).toEqual([]);
  });

  test("names no code that a catalogue does not define at that status", async () => {
    const defined = new Set((await catalogueEntries()).map(key));
    const unknown = documentedErrors()
      .filter((row) => !defined.has(key(row)))
      .map(key);
    expect(unknown).toEqual([]);
  });

  test("each code has one text, wherever it is answered", async () => {
    const texts = new Map<string, Set<string>>();
    for (const { code, detail } of await catalogueEntries()) {
      if (detail !== undefined) texts.set(code, (texts.get(code) ?? new Set()).add(detail));
    }
    expect([...texts].filter(([, details]) => details.size > 1).map(([code]) => code)).toEqual([]);
  });
});
