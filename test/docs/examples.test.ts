import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

// A code block right under `<!-- example: <path> -->` shows a file of the repository that a test runs
// (examples/typed-client.ts in docs/integrating.md): it must be that file, character for character, so the
// documentation cannot drift from the code that is tested.

const ROOT = resolve(import.meta.dir, "../..");

interface Example {
  where: string;
  path: string;
  block: string | null;
}

/** Each marker of `markdown` with the fenced block on the line after it (null when there is none). */
function examplesIn(markdown: string, where: string): Example[] {
  const lines = markdown.split("\n");
  return lines.flatMap((line, index) => {
    const path = /^<!-- example: (\S+) -->$/.exec(line)?.[1];
    if (!path) return [];
    const fence = /^(`{3,})\w*$/.exec(lines[index + 1] ?? "")?.[1];
    const end = fence ? lines.indexOf(fence, index + 2) : -1;
    return [{ where: `${where}:${index + 1}`, path, block: end < 0 ? null : `${lines.slice(index + 2, end).join("\n")}\n` }];
  });
}

/** What is wrong with each example: no block under the marker, no such file, or a block that is not the file. */
function mismatches(examples: Example[]): string[] {
  return examples.flatMap(({ where, path, block }) => {
    const file = join(ROOT, path);
    if (block === null) return [`${where}: no fenced code block right under the marker of ${path}`];
    if (!existsSync(file)) return [`${where}: ${path} does not exist`];
    return block === readFileSync(file, "utf8") ? [] : [`${where}: the block differs from ${path}`];
  });
}

const documentation = () =>
  ["README.md", "CONTRIBUTING.md", ...readdirSync(join(ROOT, "docs")).map((name) => `docs/${name}`)]
    .filter((name) => name.endsWith(".md"))
    .flatMap((name) => examplesIn(readFileSync(join(ROOT, name), "utf8"), name));

describe("code examples in the documentation", () => {
  test("the typed client's example is marked, and every marked block is its file", () => {
    const examples = documentation();
    expect(examples.map(({ path }) => path)).toContain("examples/typed-client.ts");
    expect(mismatches(examples)).toEqual([]);
  });

  test("the check catches a changed block, a missing block and a missing file", () => {
    const file = readFileSync(join(ROOT, "examples/typed-client.ts"), "utf8");
    const doc = (path: string, body: string) => `text\n<!-- example: ${path} -->\n\`\`\`ts\n${body}\`\`\`\nmore\n`;
    expect(mismatches(examplesIn(doc("examples/typed-client.ts", file), "a.md"))).toEqual([]);
    expect(mismatches(examplesIn(doc("examples/typed-client.ts", file.replace("auth.me", "auth.you")), "a.md"))).toEqual([
      "a.md:2: the block differs from examples/typed-client.ts",
    ]);
    expect(mismatches(examplesIn("<!-- example: examples/typed-client.ts -->\n\nprose\n", "b.md"))).toEqual([
      "b.md:1: no fenced code block right under the marker of examples/typed-client.ts",
    ]);
    expect(mismatches(examplesIn(doc("examples/gone.ts", file), "c.md"))).toEqual(["c.md:2: examples/gone.ts does not exist"]);
  });
});
