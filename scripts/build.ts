// The one compile script: `bun run build` → dist/otp-auth, a single executable for this OS and architecture.
// Embedded: the bundled code, the page and Swagger UI assets (imported `with { type: "file" }`), PGlite's
// wasm and data files (likewise), and the SQL migrations (drizzle/, through --asset).
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const outfile = process.argv[2] ?? join(root, "dist/otp-auth");

const build = Bun.spawnSync(
  [
    process.execPath,
    "build",
    "--compile",
    // The binary reads its settings from the environment (and .env); a bunfig.toml in its working
    // directory must not change how it runs.
    "--no-compile-autoload-bunfig",
    "--asset",
    "./drizzle",
    // Precompiled bytecode: the binary starts without parsing its ~900 bundled modules (measured: `--version`
    // in 20 ms instead of 180 ms). No minifying: Elysia reads handler source to see which parts of the request
    // they use, and minified handlers lost their headers (measured: /auth/me answered 500).
    "--bytecode",
    "--format=esm",
    "--outfile",
    outfile,
    "./src/index.ts",
  ],
  { cwd: root, stdout: "inherit", stderr: "inherit" },
);

if (build.exitCode !== 0) process.exit(build.exitCode ?? 1);
const size = Bun.file(outfile).size;
console.log(`built ${outfile} (${(size / 1024 / 1024).toFixed(1)} MiB)`);
