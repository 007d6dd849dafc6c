import { readFileSync, rmSync, writeFileSync } from "node:fs";

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Two processes opening one PGlite folder would corrupt it: the first takes this pid file, a second is
 * refused while the first lives. A file left by a crash (its process gone, or our own pid again, as
 * after a container restart where the server is pid 1 each time) is taken over.
 */
export function lockDataDir(path: string): () => void {
  try {
    writeFileSync(path, String(process.pid), { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const holder = Number(readFileSync(path, "utf8"));
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
      throw new Error(
        `the embedded database in ${path.replace(/\/[^/]+$/, "")} is in use by another process (pid ${holder}); stop it, or set another DATA_DIR`,
      );
    }
    writeFileSync(path, String(process.pid));
  }
  return () => rmSync(path, { force: true });
}
