/** A TCP port on loopback that nothing listens on right now. */
export function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = listener;
  listener.stop(true);
  return port;
}

/** True when this loopback port can be bound right now. */
export function isPortFree(port: number): boolean {
  try {
    Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } }).stop(true);
    return true;
  } catch {
    return false;
  }
}

/**
 * A free port whose partner `offset` above is free too: a Redis Cluster node also listens on port + 10000 (its
 * cluster bus). Drawn below the kernel's ephemeral range (32768+ on Linux), where outgoing connections would
 * otherwise take ports at random.
 */
export function freePortWithPartner(offset: number): number {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 15_000 + Math.floor(Math.random() * (32_768 - offset - 15_000));
    if (isPortFree(port) && isPortFree(port + offset)) return port;
  }
  throw new Error(`no free pair of loopback ports ${offset} apart`);
}
