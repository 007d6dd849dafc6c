import { createServer } from "node:net";

const canListen = (port: number, host: string) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });

/** A port near `busy` that is free right now (the next few first, as the original launcher offered), else any. */
export async function suggestFreePort(busy: number, host: string): Promise<number> {
  for (let port = busy + 1; port <= Math.min(busy + 20, 65535); port++) {
    if (await canListen(port, host)) return port;
  }
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
