import type { Config } from "../../config/load";

interface PasswordSettings {
  memoryKib: number;
  timeCost: number;
}

export const passwordSettingsFrom = (config: Config): PasswordSettings => ({
  memoryKib: config.PASSWORD_MEMORY_KIB,
  timeCost: config.PASSWORD_TIME_COST,
});

export type PasswordHasher = ReturnType<typeof createPasswordHasher>;

/** argon2id through Bun.password, which hashes on a worker thread so the event loop stays free. */
export function createPasswordHasher({ memoryKib, timeCost }: PasswordSettings) {
  const options = { algorithm: "argon2id", memoryCost: memoryKib, timeCost } as const;
  let decoy: Promise<string> | undefined;
  return {
    hash: (password: string) => Bun.password.hash(password, options),
    // Parameters are read from the stored hash, so changing the cost later keeps old hashes valid.
    verify: (password: string, hash: string) => Bun.password.verify(password, hash),
    /** Does the work of a real verification, so an unknown address answers as slowly as a wrong password. */
    async verifyDecoy(password: string): Promise<false> {
      decoy ??= Bun.password.hash(crypto.randomUUID(), options);
      await Bun.password.verify(password, await decoy);
      return false;
    },
  };
}
