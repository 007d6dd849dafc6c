import { join } from "node:path";
import type { Page } from "playwright-core";
import { saveScreens } from "./browser";

/** Where the console's screenshots go (gitignored): every screen at phone and desktop width. */
export const ADMIN_ARTIFACTS_DIR = join(import.meta.dir, "../../test-artifacts/admin");
const AXE_SOURCE = join(import.meta.dir, "../../node_modules/axe-core/axe.min.js");

/** Every screen of the console at phone and desktop width, once its charts have redrawn at the new width. */
export const saveAdminScreens = (page: Page, name: string) => saveScreens(page, name, { dir: ADMIN_ARTIFACTS_DIR, settleMs: 50 });

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's WCAG 2.x A/AA findings on the page as it is now: `rule (impact): target` lines, none expected. Its
 * source is evaluated through the DevTools protocol, which the page's CSP does not restrict.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate("typeof window.axe !== 'undefined'"))) await page.evaluate(await Bun.file(AXE_SOURCE).text());
  const violations = (await page.evaluate(
    "window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }).then((r) => r.violations)",
  )) as AxeViolation[];
  return violations.flatMap((v) => v.nodes.map((node) => `${v.id} (${v.impact}): ${node.target.join(" ")} — ${v.help}`));
}
