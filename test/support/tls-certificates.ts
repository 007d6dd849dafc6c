import { join } from "node:path";

export interface TestCertificates {
  /** The test CA's certificate (PEM), to trust. */
  ca: string;
  /** A server certificate for 127.0.0.1 and localhost signed by that CA, and its key (PEM files). */
  cert: string;
  key: string;
}

async function openssl(folder: string, ...args: string[]) {
  const proc = Bun.spawn(["openssl", ...args], { cwd: folder, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stderr, exitCode] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  if (exitCode !== 0) throw new Error(`openssl ${args[0]} failed: ${stderr}`);
}

/** A throwaway CA and a server certificate it signed, made with the `openssl` command in `folder`. */
export async function createTestCertificates(folder: string): Promise<TestCertificates> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(folder, "req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=otp-auth test CA");
  await openssl(folder, "req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
  await Bun.write(join(folder, "san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await openssl(
    folder,
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "2",
    "-extfile",
    "san.cnf",
  );
  return { ca: join(folder, "ca.pem"), cert: join(folder, "server.pem"), key: join(folder, "server.key") };
}
