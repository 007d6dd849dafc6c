import type { Socket, TCPSocketListener } from "bun";

/**
 * A loopback TCP proxy in front of a real server. `cut()` drops every open connection and, from then on,
 * closes each new one at once, as a proxy in front of a stopped server does; `stall()` accepts new
 * connections and never answers on them, as a hung server does; `restore()` lets traffic through again.
 */
export async function startTcpProxy(targetHost: string, targetPort: number) {
  type Pair = { upstream?: Socket<unknown>; pending: Uint8Array[] };
  const clients = new Set<Socket<Pair>>();
  let open = true;
  let stalled = false;

  const listener: TCPSocketListener<Pair> = Bun.listen<Pair>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      async open(client) {
        if (!open) return void client.end();
        client.data = { pending: [] };
        clients.add(client);
        if (stalled) return;
        try {
          client.data.upstream = await Bun.connect({
            hostname: targetHost,
            port: targetPort,
            socket: {
              data: (_upstream, chunk) => void client.write(chunk),
              close: () => void client.end(),
              error: () => void client.end(),
            },
          });
          for (const chunk of client.data.pending) client.data.upstream.write(chunk);
          client.data.pending = [];
        } catch {
          client.end();
        }
      },
      data(client, chunk) {
        if (stalled && !client.data.upstream) return;
        if (client.data.upstream) client.data.upstream.write(chunk);
        else client.data.pending.push(new Uint8Array(chunk));
      },
      close(client) {
        clients.delete(client);
        client.data?.upstream?.end();
      },
    },
  });

  return {
    port: listener.port,
    cut() {
      open = false;
      for (const client of clients) {
        client.data.upstream?.terminate();
        client.terminate();
      }
      clients.clear();
    },
    stall() {
      stalled = true;
    },
    restore() {
      open = true;
      stalled = false;
    },
    close() {
      this.cut();
      listener.stop(true);
    },
  };
}
