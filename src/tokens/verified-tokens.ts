/**
 * Tokens this process has already verified, so a repeated bearer token skips the signature check (about
 * 100 µs for EdDSA on Bun). Bounded: when full, the oldest entry goes. The caller checks expiry and the key on
 * every hit, so an entry never outlives its token or its key.
 */
export function createVerifiedTokenCache<T>(maxEntries: number) {
  const entries = new Map<string, T>();
  return {
    get: (token: string) => entries.get(token),
    set(token: string, value: T) {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(token, value);
    },
    delete: (token: string) => void entries.delete(token),
    get size() {
      return entries.size;
    },
  };
}
