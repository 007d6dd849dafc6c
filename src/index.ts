// @simplewebauthn/server's certificate parser (@peculiar/x509) uses tsyringe, which needs the Reflect metadata
// polyfill before its module runs. x509 imports the polyfill itself, but `bun build --compile` hoists the ESM
// tsyringe above that CommonJS import, so the binary failed at start; loaded here first, it is in place.
import "reflect-metadata";
import { runCli } from "./cli";

process.exitCode = await runCli(process.argv.slice(2));
