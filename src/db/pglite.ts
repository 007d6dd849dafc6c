import { PGlite } from "@electric-sql/pglite";
import initdbWasm from "@electric-sql/pglite/initdb.wasm" with { type: "file" };
import pgliteData from "@electric-sql/pglite/pglite.data" with { type: "file" };
import pgliteWasm from "@electric-sql/pglite/pglite.wasm" with { type: "file" };
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { existsSync, mkdirSync } from "node:fs";
import type { DatabaseHandle } from "./client";
import { lockDataDir } from "./data-dir-lock";
import { MIGRATIONS_FOLDER } from "./migrate";
import * as schema from "./schema";

interface EmbeddedDatabase extends DatabaseHandle {
  /** True when this start created the data directory (initdb ran). */
  created: boolean;
}

// Compiled once per process: a module can be instantiated any number of times (several opens, as in tests).
let compiled: Promise<[WebAssembly.Module, WebAssembly.Module]> | undefined;
const compileWasm = () =>
  (compiled ??= Promise.all([
    Bun.file(pgliteWasm)
      .arrayBuffer()
      .then((bytes) => WebAssembly.compile(bytes)),
    Bun.file(initdbWasm)
      .arrayBuffer()
      .then((bytes) => WebAssembly.compile(bytes)),
  ]));

/**
 * PostgreSQL compiled to WebAssembly, keeping its files in `dataDir`, one process at a time.
 * Its wasm and data files are imported as files so that `bun build --compile` embeds them: inside the
 * binary PGlite cannot find them next to itself.
 */
export async function openEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const created = !existsSync(`${dataDir}/PG_VERSION`);
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(`${dataDir}.lock`);
  try {
    const [pgliteWasmModule, initdbWasmModule] = await compileWasm();
    const client = await PGlite.create(dataDir, { pgliteWasmModule, initdbWasmModule, fsBundle: Bun.file(pgliteData) });
    const db = drizzle({ client, schema });
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return {
      db,
      created,
      ping: async () => void (await client.query("select 1")),
      // One in-process database: a pool of one, open until closed.
      stats: () => ({ poolSize: 1, connectionsOpen: client.closed ? 0 : 1 }),
      async close() {
        await client.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
