import { Elysia } from "elysia";
import { clientConfigResponse } from "./model";
import { describeClientConfig, type ClientConfigSettings } from "./service";

/** `GET /auth/config`: public settings the web page (or any client) draws its forms from. */
export const clientConfigRoutes = (settings: ClientConfigSettings) => {
  // Settings are fixed for the life of the process, so the answer is built once.
  const body = describeClientConfig(settings);
  return new Elysia({ prefix: "/auth", tags: ["auth"] }).get(
    "/config",
    ({ set }) => {
      set.headers["cache-control"] = "no-cache";
      return body;
    },
    {
      response: { 200: clientConfigResponse },
      detail: { summary: "Public client settings: code length and timings, password rules, OAuth providers, dev mailbox" },
    },
  );
};
