import { isLoopback } from "../lib/loopback";

export const LOOPBACK = "127.0.0.1";

/** The interface `serve` listens on: loopback while the development mail catcher runs (it shows every code it catches), else HOST. */
export const listenHost = ({ HOST, backends }: { HOST: string; backends: { mail: "smtp" | "catcher" } }) =>
  backends.mail === "catcher" ? LOOPBACK : HOST;

/** True when the server can be reached from another machine. */
export const listensBeyondLoopback = (config: Parameters<typeof listenHost>[0]) => !isLoopback(listenHost(config));
