import { join } from "node:path";
import type { Page } from "playwright-core";

const AXE_SOURCE = join(import.meta.dir, "../../node_modules/axe-core/axe.min.js");

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
