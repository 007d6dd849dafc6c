import { describe, expect, test } from "bun:test";
import { servedForSuite } from "../support/listening";

/** A Host header Bun cannot make a URL of still gets an answer, with the security headers, not a dropped connection. */

/** Sends raw bytes over TCP and returns what came back within a second. */
async function raw(port: number, request: string): Promise<string> {
  let received = "";
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data(_socket, chunk) {
        received += new TextDecoder().decode(chunk);
      },
    },
  });
  socket.write(request);
  for (let waited = 0; waited < 1000 && !received.includes("\r\n\r\n"); waited += 20) await Bun.sleep(20);
  socket.end();
  return received;
}

describe("malformed Host headers", () => {
  const suite = servedForSuite({ backend: "embedded" });

  for (const host of ["a b", "user@evil", "[::1"]) {
    test(`Host: ${host}`, async () => {
      const port = Number(new URL(suite.server.base).port);
      const answer = await raw(port, `GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 (200|400)/);
      if (answer.startsWith("HTTP/1.1 200")) expect(answer.toLowerCase()).toContain("content-security-policy: default-src 'none'");
    });
  }
});
