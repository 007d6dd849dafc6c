/** One dependency `/ready` asks about (PostgreSQL, Redis): `check` resolves while it answers. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 1500;

async function passesInTime(check: () => Promise<void>): Promise<boolean> {
  let timer: Timer | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS)));
  try {
    return await Promise.race([
      check().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

type ReadinessStatus = "ok" | "unavailable";

/** Runs every check at once, each given CHECK_TIMEOUT_MS; `down` names the ones that failed or were too slow. */
export async function checkReadiness(checks: ReadinessCheck[]): Promise<{ report: Record<string, ReadinessStatus>; down: string[] }> {
  const results = await Promise.all(checks.map(({ check }) => passesInTime(check)));
  const report = Object.fromEntries(checks.map(({ name }, i) => [name, results[i] ? "ok" : "unavailable"] as const));
  const down = checks.filter((_, i) => !results[i]).map(({ name }) => name);
  return { report, down };
}
