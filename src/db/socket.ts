import net from "node:net";

/** The part of postgres.js's options that its `socket` factory receives and we use. */
export interface PostgresSocketOptions {
  host: string[];
  port: number[];
  path?: string | false;
  connect_timeout: number;
}

const connectionError = (message: string, code: string) => Object.assign(new Error(message), { code });

/**
 * Opens the socket for postgres.js (its documented `socket` option). postgres.js retries forever, with
 * no timeout, when the peer accepts the connection and closes it before answering the startup message,
 * which is what a TCP proxy (docker-proxy, HAProxy) does while PostgreSQL behind it is down: every query
 * waiting for a connection would hang until the database returns. Turning that close into an error makes
 * the waiting query fail at once, like a refused connection, so the request answers 503.
 * Only the first host of the URL is used.
 */
export function openPostgresSocket(options: PostgresSocketOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = options.path
      ? net.connect({ path: options.path })
      : net.connect({ host: options.host[0]!, port: options.port[0]! });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(connectionError("connecting to PostgreSQL timed out", "CONNECT_TIMEOUT"));
    }, options.connect_timeout * 1000);
    // Stays attached (a no-op once settled) so an early error is never unhandled.
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.once("end", () => {
        if (socket.bytesRead === 0) {
          socket.destroy(connectionError("PostgreSQL closed the connection before answering", "ECONNRESET"));
        }
      });
      resolve(socket);
    });
  });
}
