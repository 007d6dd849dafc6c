import { rmSync } from "node:fs";
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { embeddedDatabaseDir } from "../../src/config/load";
import { openEmbeddedDatabase } from "../../src/db/pglite";

let template: Promise<string> | undefined;

/**
 * Gives `dataDir` an embedded database that is initialised and migrated, by copying one made once per
 * test run: PGlite's initdb takes seconds, a copy milliseconds. The copy is opened by the product's own
 * code, which runs the migrations again (finding nothing to do).
 */
export async function seedEmbeddedDatabase(dataDir: string): Promise<void> {
  template ??= (async () => {
    const parent = await mkdtemp(join(tmpdir(), "otp-auth-pglite-template-"));
    process.once("exit", () => rmSync(parent, { recursive: true, force: true }));
    const folder = join(parent, "postgres");
    await (await openEmbeddedDatabase(folder)).close();
    return folder;
  })();
  await cp(await template, embeddedDatabaseDir(dataDir), { recursive: true });
}
