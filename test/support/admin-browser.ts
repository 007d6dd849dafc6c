import { join } from "node:path";
import type { Page } from "playwright-core";
import { saveScreens } from "./browser";

/** Where the console's screenshots go (gitignored): every screen at phone and desktop width. */
export const ADMIN_ARTIFACTS_DIR = join(import.meta.dir, "../../test-artifacts/admin");

/** Every screen of the console at phone and desktop width, once its charts have redrawn at the new width. */
export const saveAdminScreens = (page: Page, name: string) => saveScreens(page, name, { dir: ADMIN_ARTIFACTS_DIR, settleMs: 50 });

export { accessibilityProblems } from "./accessibility";
