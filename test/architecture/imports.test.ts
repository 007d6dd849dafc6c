import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

// Imports run one way (docs/architecture.md#import-direction): each file imports only its own layer and the
// layers below it, and the feature modules import each other without a cycle.

const SRC = resolve(import.meta.dir, "../../src");

/** The layers from the top, matched against a path relative to src/. */
const LAYERS: { name: string; match: RegExp }[] = [
  // The entry points: the command line, and the types-only `otp-auth/client` (package.json "exports").
  { name: "cli, client.ts", match: /^(cli\/|index\.ts$|client\.ts$)/ },
  { name: "app.ts", match: /^app\.ts$/ },
  { name: "deps.ts", match: /^deps\.ts$/ },
  { name: "modules", match: /^modules\// },
  { name: "http", match: /^http\// },
  // otp, ratelimit, mail, cache, audit, config, tokens, and any new infrastructure folder.
  { name: "infrastructure", match: /^(?!(db|lib|errors|types)\/)/ },
  { name: "db, lib, errors", match: /^(db|lib|errors|types)\// },
];

const rankOf = (file: string) => LAYERS.findIndex(({ match }) => match.test(file));
const layerOf = (file: string) => LAYERS[rankOf(file)]!.name;
const featureOf = (file: string) => /^modules\/([^/]+)\//.exec(file)?.[1];

interface Import {
  from: string;
  to: string;
}

const STATIC = /^\s*(?:import|export)\s+(?:type\s+)?(?:[\w$*{},\s]*?\s+from\s+)?["'](\.{1,2}(?:\/[^"']*)?)["']/gm;
const DYNAMIC = /\bimport\(\s*["'](\.{1,2}(?:\/[^"']*)?)["']\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The file an import names, as the bundler resolves it: itself, with `.ts`, or its folder's `index.ts`. */
function resolveImport(importer: string, specifier: string): string | null {
  const base = resolve(dirname(importer), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Every relative import in src/ (static, re-exports and `import()`), as paths relative to src/. */
function importGraph(root = SRC): { imports: Import[]; unresolved: string[] } {
  const imports: Import[] = [];
  const unresolved: string[] = [];
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, "utf8");
    const from = relative(root, file);
    for (const [, specifier] of [...text.matchAll(STATIC), ...text.matchAll(DYNAMIC)]) {
      const target = resolveImport(file, specifier!);
      if (!target) unresolved.push(`${from}: "${specifier}"`);
      // Files outside src/ (the page, the migrations) are assets, not layers.
      else if (!relative(root, target).startsWith("..")) imports.push({ from, to: relative(root, target) });
    }
  }
  return { imports, unresolved };
}

/** Imports that run up: into a higher layer, or from infrastructure into a feature module. */
const upwardImports = (imports: Import[]) =>
  imports
    .filter(({ from, to }) => rankOf(to) < rankOf(from))
    .map(({ from, to }) => `${from} (${layerOf(from)}) imports ${to} (${layerOf(to)})`);

/** Cycles between feature modules, each with the imports that make it up. */
function featureCycles(imports: Import[]): string[] {
  const edges = new Map<string, Map<string, string>>();
  for (const { from, to } of imports) {
    const [a, b] = [featureOf(from), featureOf(to)];
    if (!a || !b || a === b) continue;
    if (!edges.has(a)) edges.set(a, new Map());
    if (!edges.get(a)!.has(b)) edges.get(a)!.set(b, `${from} imports ${to}`);
  }
  const cycles = new Set<string>();
  const visit = (path: string[]) => {
    for (const next of edges.get(path.at(-1)!)?.keys() ?? []) {
      const start = path.indexOf(next);
      if (start < 0) visit([...path, next]);
      // Reported once, from the alphabetically first feature of the cycle.
      else if (path[start]! === [...path.slice(start)].sort()[0]) {
        const loop = [...path.slice(start), next];
        cycles.add(
          loop
            .slice(1)
            .map((b, i) => edges.get(loop[i]!)!.get(b)!)
            .join("; "),
        );
      }
    }
  };
  for (const feature of [...edges.keys()].sort()) visit([feature]);
  return [...cycles];
}

describe("import direction", () => {
  const { imports, unresolved } = importGraph();

  test("every relative import resolves to a file", () => {
    expect(imports.length).toBeGreaterThan(100);
    expect(unresolved).toEqual([]);
  });

  test("no file imports a layer above its own (infrastructure never imports a feature module)", () => {
    expect(upwardImports(imports)).toEqual([]);
  });

  test("the feature modules import each other without a cycle", () => {
    expect(featureCycles(imports)).toEqual([]);
  });

  test("the checks catch an upward import and a cycle", () => {
    const bad: Import[] = [
      { from: "http/request-context.ts", to: "modules/auth/guard.ts" },
      { from: "audit/log.ts", to: "modules/sessions/repository.ts" },
      { from: "modules/auth/service.ts", to: "modules/sessions/service.ts" },
      { from: "modules/sessions/service.ts", to: "modules/auth/messages.ts" },
      { from: "modules/admin/service.ts", to: "modules/auth/user-view.ts" },
    ];
    expect(upwardImports(bad)).toEqual([
      "http/request-context.ts (http) imports modules/auth/guard.ts (modules)",
      "audit/log.ts (infrastructure) imports modules/sessions/repository.ts (modules)",
    ]);
    expect(featureCycles(bad)).toEqual([
      "modules/auth/service.ts imports modules/sessions/service.ts; modules/sessions/service.ts imports modules/auth/messages.ts",
    ]);
  });
});
