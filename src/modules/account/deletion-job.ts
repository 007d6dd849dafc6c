import type { AuditLog } from "../../audit/log";
import { isDatabaseUnavailable } from "../../db/errors";
import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/log";
import type { AccountRepository } from "./repository";

const BATCH = 50;
const WARN_EVERY_MS = 60_000;

export type AccountDeletionJob = ReturnType<typeof createAccountDeletionJob>;

/**
 * Deletes the accounts whose grace period is over. Every instance runs it on a timer; the state is in the
 * database (users.deletion_due_at), so a restart loses nothing, and deleteDue's SKIP LOCKED lets instances
 * running at once share the work instead of repeating it.
 */
export function createAccountDeletionJob({
  accounts,
  revokeSessions,
  forgetProfile,
  audit,
  clock,
  log,
  intervalMs = 60_000,
}: {
  accounts: AccountRepository;
  /** Marks sessions revoked for every instance, so the deleted person's access tokens stop at once. */
  revokeSessions: (sessionIds: string[]) => Promise<void>;
  /** Drops the cached profile (/auth/me) of a deleted account. */
  forgetProfile: (userId: number) => Promise<void>;
  audit: AuditLog;
  clock: Clock;
  log: Logger;
  intervalMs?: number;
}) {
  let timer: Timer | undefined;
  let running: Promise<number> | null = null;
  let warnedAt = 0;

  async function deleteAllDue(): Promise<number> {
    // Rows still buffered would otherwise reach the table after the scrub, email and all.
    await audit.flush();
    let total = 0;
    for (;;) {
      const deleted = await accounts.deleteDue(new Date(clock.now()), BATCH);
      for (const account of deleted) {
        await revokeSessions(account.sessionIds);
        await forgetProfile(account.id);
        audit.record({ event: "account_deleted", outcome: "success", userId: account.id, detail: "grace_period_over" });
      }
      total += deleted.length;
      if (deleted.length < BATCH) return total;
    }
  }

  /** One pass; a pass already under way is joined rather than doubled. Resolves with the accounts deleted. */
  function runOnce(): Promise<number> {
    running ??= deleteAllDue().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    runOnce,
    start() {
      timer ??= setInterval(() => {
        runOnce().catch((error) => {
          if (Date.now() - warnedAt < WARN_EVERY_MS) return;
          warnedAt = Date.now();
          log.warn("account deletion job failed; retried on the next run", {
            reason: isDatabaseUnavailable(error) ? "postgresql unavailable" : (error as Error).message,
          });
        });
      }, intervalMs);
      timer.unref?.();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
  };
}
