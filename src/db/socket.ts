import net from "node:net";

/** The part of postgres.js's options that its `socket` factory receives and we use. */
export interface PostgresSocketOptions {
  host: string[];
  port: number[];
  path?: string | false;
}

const connectionError = (message: string, code: string) => Object.assign(new Error(message), { code });

/**
 * Opens the socket for postgres.js (its documented `socket` option), and hands it over at once, still
 * connecting: a refused or timed-out connection then reaches postgres.js as the socket's `error` and
 * `close`, which fail the waiting query and free the pool slot (its own connect_timeout applies). A
 * factory that rejects instead leaves the slot stuck "connecting" for good: after as many refusals as
 * the pool has connections, every query hung, even once PostgreSQL was back.
 *
 * postgres.js also retries forever, with no timeout, when the peer accepts the connection and closes it
 * before answering the startup message, which is what a TCP proxy (docker-proxy, HAProxy) does while
 * PostgreSQL behind it is down; that close is turned into an error too, so the waiting query fails at once.
 * Only the first host of the URL is used.
 */
export function openPostgresSocket(options: PostgresSocketOptions): net.Socket {
  const socket = options.path ? net.connect({ path: options.path }) : net.connect({ host: options.host[0]!, port: options.port[0]! });
  socket.once("connect", () => {
    socket.once("end", () => {
      if (socket.bytesRead === 0) {
        socket.destroy(connectionError("PostgreSQL closed the connection before answering", "ECONNRESET"));
      }
    });
  });
  return socket;
}
