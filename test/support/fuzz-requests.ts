import {
  BAD_JSON,
  CONTENT_TYPES,
  canary,
  deepJson,
  hugeString,
  ODD_EMAILS,
  ODD_FORWARDED_FOR,
  ODD_QUERY,
  ODD_SEGMENTS,
  ODD_STRINGS,
  WRONG_TYPES,
} from "./hostile-values";
import type { ApiRoute, JsonSchema, Parameter } from "./openapi-routes";
import type { SeededRandom } from "./seeded-random";

/** What the fuzzer may use that is valid, so that part of its requests get past authentication. */
export interface FuzzCredentials {
  /** A fresh, valid session's tokens. */
  session(): Promise<{ access: string; refresh: string; sessionId: string }>;
  /** Authorization values that must be refused on Bearer routes. */
  forgedBearer: string[];
  validBasic: string;
  forgedBasic: string[];
  metricsToken: string;
  /** Addresses with accounts, so that some requests reach the handlers' account logic. */
  knownEmails: string[];
  /** User ids the admin routes may change or delete. */
  targetUserIds: number[];
  redirectUris: string[];
}

export interface FuzzCase {
  route: ApiRoute;
  /** What was done to the request, to reproduce or explain a failure. */
  description: string;
  request: Request;
  /** Exact strings that must never come back (codes); canaries are found by pattern. */
  secrets: string[];
}

const SECRET_NAME = /password|code|token|secret|state/i;
const BODY_LIMIT = 16_384;

export function createFuzzer(random: SeededRandom, credentials: FuzzCredentials) {
  // Filled while one request is built; building is synchronous but for the session lookup, which runs first.
  let notes: string[] = [];
  let secrets: string[] = [];
  const note = (text: string) => notes.push(text);

  /** A value the schema accepts (as far as the fuzzer can tell from the field's name and schema). */
  function validValue(name: string, schema: JsonSchema): unknown {
    if (schema.enum) return random.pick(schema.enum);
    if (schema.const !== undefined) return schema.const;
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    // A nested object (a passkey's answer): its required fields, each valid in its turn.
    if (type === "object") {
      const required = Object.entries(schema.properties ?? {}).filter(([field]) => schema.required?.includes(field));
      return Object.fromEntries(required.map(([field, property]) => [field, validValue(field, property)]));
    }
    // base64url (a credential id, clientDataJSON): nothing but its alphabet.
    if (schema.pattern === "^[A-Za-z0-9_-]*$")
      return random.chars(8 + random.int(24), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
    if (type === "boolean") return random.chance(0.5);
    if (type === "array" && schema.items?.enum) return [random.pick(schema.items.enum)];
    // A webhook endpoint's own signing secret: whsec_ and the base64 of 24 bytes.
    if (name === "secret") return `whsec_${Buffer.from(random.chars(24)).toString("base64")}`;
    if (type === "integer" || type === "number") {
      if (name === "id" || name === "user_id") return random.pick(credentials.targetUserIds);
      return 1 + random.int(Math.min(schema.maximum ?? 100, 100));
    }
    if (name.includes("email"))
      return random.chance(0.4)
        ? random.pick(credentials.knownEmails)
        : `${canary(random, "P")}-${random.chars(4)}@example.com`.toLowerCase();
    if (name === "code") {
      // Never a digit run that an error text could hold by chance ("16384", "2147483647", "9007199254740991").
      const code = `09${random.chars(6, "0123456789")}`;
      secrets.push(code);
      return code;
    }
    if (schema.format === "uuid") return crypto.randomUUID();
    if (schema.format === "date-time") return new Date(Date.UTC(2026, 0, 1 + random.int(300))).toISOString();
    if (name === "redirect_uri")
      return random.chance(0.7) ? random.pick(credentials.redirectUris) : `http://127.0.0.1:1/${canary(random, "P")}`;
    if (name === "error") return random.pick(["access_denied", "server_error", "temporarily_unavailable"]);
    // A webhook endpoint's URL; nothing listens on port 1, so its deliveries fail and are retried quietly.
    if (name === "url") return `http://127.0.0.1:1/${canary(random, "P")}`;
    if (name === "cursor") return String(random.int(1000));
    const min = Math.max(schema.minLength ?? 1, 10);
    const max = Math.min(schema.maxLength ?? 64, 64);
    const mark = canary(random, SECRET_NAME.test(name) ? "S" : "P");
    return mark + random.chars(Math.max(0, min - mark.length + random.int(Math.max(1, max - min))));
  }

  /** A value the schema should refuse, or one that is merely odd. */
  function hostileValue(name: string, schema: JsonSchema): unknown {
    const secret = SECRET_NAME.test(name);
    const mark = canary(random, secret ? "S" : "P");
    switch (random.int(7)) {
      case 0:
        return random.pick(WRONG_TYPES);
      case 1:
        return name.includes("email") ? random.pick(ODD_EMAILS) : random.pick(ODD_STRINGS) + mark;
      case 2:
        return mark + random.pick(ODD_STRINGS) + mark;
      case 3:
        return mark + hugeString(random, random.pick([(schema.maxLength ?? 64) + 1, 2000, 12_000]));
      case 4:
        return JSON.parse(deepJson(random.pick([50, 500, 2000]), random.chance(0.5) ? "array" : "object"));
      case 5:
        return [validValue(name, schema)];
      default:
        return random.pick(ODD_STRINGS);
    }
  }

  /** The JSON body: valid, then a few fields broken, dropped or added; or a different JSON value altogether. */
  function bodyObject(schema: JsonSchema): unknown {
    const properties = schema.properties ?? {};
    const body: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(properties)) {
      if (schema.required?.includes(name) || random.chance(0.6)) body[name] = validValue(name, property);
    }
    const mutations = random.pick([0, 0, 1, 1, 1, 2, 3]);
    for (let i = 0; i < mutations; i++) {
      const names = Object.keys(properties);
      const name = names.length > 0 ? random.pick(names) : "x";
      const kind = random.int(5);
      if (kind <= 2 && names.length > 0) {
        body[name] = hostileValue(name, properties[name] ?? {});
        note(`${name}: hostile`);
      } else if (kind === 3) {
        delete body[name];
        note(`${name}: missing`);
      } else {
        body[random.pick(["is_admin", "role", "constructor", "prototype", "id", "is_verified", canary(random, "P")])] =
          random.pick(WRONG_TYPES);
        note("extra field");
      }
    }
    if (random.chance(0.05)) {
      note("not an object");
      return random.pick([[], [body], "text", 42, null, true, 0]);
    }
    return body;
  }

  /** The request body and its headers: usually JSON of the route's shape, sometimes something else entirely. */
  function body(route: ApiRoute): { body?: RequestInit["body"]; headers: Record<string, string> } {
    const json = { "content-type": "application/json" };
    const roll = random.next();
    if (roll < 0.62) return { body: JSON.stringify(bodyObject(route.body ?? {})), headers: json };
    if (roll < 0.7) {
      note("bad JSON");
      return { body: random.pick(BAD_JSON), headers: json };
    }
    if (roll < 0.76) {
      const text = deepJson(random.pick([1000, 4000, 8000]), random.chance(0.5) ? "array" : "object");
      note(`deep JSON, ${text.length} bytes`);
      return { body: text, headers: json };
    }
    if (roll < 0.82) {
      const text = JSON.stringify({
        email: "a@example.com",
        password: `${canary(random, "S")}${hugeString(random, BODY_LIMIT + 100 + random.int(50_000))}`,
      });
      const declared = random.chance(0.7);
      note(`over the size limit, content-length ${declared ? "sent" : "absent"}`);
      return { body: text, headers: declared ? { ...json, "content-length": String(text.length) } : json };
    }
    if (roll < 0.9) {
      const type = random.pick(CONTENT_TYPES);
      note(`content-type ${JSON.stringify(type)}`);
      const text = random.chance(0.5)
        ? JSON.stringify(bodyObject(route.body ?? {}))
        : `email=a%40example.com&password=${canary(random, "S")}`;
      return { body: text, headers: type === null ? {} : { "content-type": type } };
    }
    if (roll < 0.94) {
      note("multipart form");
      const form = new FormData();
      form.set("email", "a@example.com");
      form.set("password", `${canary(random, "S")}password`);
      return { body: form, headers: {} };
    }
    if (roll < 0.97) {
      note("content-length lies");
      return {
        body: JSON.stringify(bodyObject(route.body ?? {})),
        headers: { ...json, "content-length": random.pick(["abc", "-1", "0", "1", "1e9", "99999999999999999999"]) },
      };
    }
    note("empty body");
    return { body: random.pick(["", undefined]) as string | undefined, headers: random.chance(0.5) ? json : {} };
  }

  function segment(param: Parameter): string {
    if (random.chance(0.6)) return encodeURIComponent(String(validValue(param.name, param.schema)));
    note(`path ${param.name} odd`);
    return random.pick(ODD_SEGMENTS);
  }

  function query(route: ApiRoute): string {
    const parts: string[] = [];
    for (const param of route.queryParams) {
      const roll = random.next();
      if (roll < 0.35) continue;
      const value = roll < 0.75 ? validValue(param.name, param.schema) : hostileValue(param.name, param.schema);
      if (roll >= 0.75) note(`query ${param.name} odd`);
      const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "");
      parts.push(`${param.name}=${safeEncode(text)}`);
    }
    if (random.chance(0.15)) {
      parts.push(random.pick(ODD_QUERY));
      note("odd query");
    }
    return parts.length ? `?${parts.join("&")}` : "";
  }

  /** The Authorization header: valid about half the time on the routes that need one, else forged or absent. */
  function authorization(route: ApiRoute): { value?: string; session?: true; note?: string } {
    const roll = random.next();
    const forged = (list: string[], note: string) => (roll < 0.93 ? { value: random.pick(list), note } : { note: "no authorization" });
    switch (route.auth) {
      case "bearer":
        return roll < 0.5 ? { session: true } : forged(credentials.forgedBearer, "forged bearer");
      case "admin":
        return roll < 0.5 ? { value: credentials.validBasic } : forged(credentials.forgedBasic, "forged basic");
      case "metrics":
        return roll < 0.5 ? { value: `Bearer ${credentials.metricsToken}` } : forged(credentials.forgedBearer, "forged metrics token");
      default:
        return roll < 0.1
          ? { value: random.pick([...credentials.forgedBearer, ...credentials.forgedBasic]), note: "stray authorization" }
          : {};
    }
  }

  /** A request the route accepts, as far as the fuzzer can tell: valid credentials, body and query. */
  function wellFormed(route: ApiRoute): { url: string; init: RequestInit; session: boolean } {
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const param = route.pathParams.find((p) => p.name === name);
      return encodeURIComponent(String(validValue(name, param?.schema ?? {})));
    });
    const query = route.queryParams
      .filter(() => random.chance(0.5))
      .map((param) => `${param.name}=${safeEncode(String(validValue(param.name, param.schema)))}`)
      .join("&");
    const headers: Record<string, string> = {};
    if (route.auth === "admin") headers.authorization = credentials.validBasic;
    if (route.auth === "metrics") headers.authorization = `Bearer ${credentials.metricsToken}`;
    const properties = Object.entries(route.body?.properties ?? {});
    const body = route.body
      ? JSON.stringify(Object.fromEntries(properties.map(([name, schema]) => [name, validValue(name, schema)])))
      : undefined;
    if (body) headers["content-type"] = "application/json";
    return {
      url: `http://localhost${path}${query ? `?${query}` : ""}`,
      init: { method: route.method, headers, body },
      session: route.auth === "bearer",
    };
  }

  /** One malformed (or, about one time in eight, well-formed) request to `route`. */
  async function next(route: ApiRoute): Promise<FuzzCase> {
    // Every random draw happens before the one await, so that a seed gives the same requests however
    // the concurrent requests interleave.
    secrets = [];
    const { url, init, session, description } = random.chance(0.12) ? { ...wellFormed(route), description: "" } : malformed(route);
    const caseSecrets = secrets;
    const headers = init.headers as Record<string, string>;
    if (session) headers.authorization = `Bearer ${(await credentials.session()).access}`;
    return {
      route,
      description: `${init.method} ${url.slice(0, 300)} [${description || "well-formed"}]`,
      request: new Request(url, init),
      secrets: caseSecrets,
    };
  }

  function malformed(route: ApiRoute): { url: string; init: RequestInit; session: boolean; description: string } {
    const auth = authorization(route);
    notes = auth.note ? [auth.note] : [];
    let path = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
      segment(route.pathParams.find((p) => p.name === name) ?? { name, in: "path", schema: {} }),
    );
    let method = route.method;
    if (random.chance(0.04)) {
      method = random.pick(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]);
      note(`method ${method}`);
    }
    if (random.chance(0.04)) {
      path = random.pick([
        `${path}/`,
        `/${path}`,
        path.toUpperCase(),
        `${path}%00`,
        `${path}/..`,
        path.replace("/auth", "/auth/./"),
        `${path};x=1`,
        `${path}/${"x".repeat(2000)}`,
      ]);
      note("path mangled");
    }
    const headers: Record<string, string> = {};
    if (auth.value !== undefined) headers.authorization = auth.value;
    let requestBody: RequestInit["body"];
    if (route.body !== null || random.chance(0.05)) {
      const built = body(route);
      requestBody = built.body;
      Object.assign(headers, built.headers);
    }
    if (random.chance(0.2)) headers["x-forwarded-for"] = random.pick(ODD_FORWARDED_FOR);
    if (random.chance(0.1)) headers["x-request-id"] = random.pick(["a b", "x".repeat(300), "../../", "\u00ff", "<script>", ""]);
    if (random.chance(0.05)) headers["user-agent"] = random.chance(0.5) ? hugeString(random, 10_000) : "\u00ff\u00fe agent";
    if (method === "OPTIONS")
      Object.assign(headers, {
        origin: random.pick(["https://evil.example", "null", "http://127.0.0.1:5500"]),
        "access-control-request-method": random.pick(["POST", "DELETE", "TRACE"]),
      });
    if (method === "GET" || method === "HEAD") requestBody = undefined;
    const url = `http://localhost${path}${query(route)}`;
    return {
      url,
      init: { method, headers, body: requestBody },
      session: auth.session === true,
      description: notes.join("; ") || "malformed",
    };
  }

  return { next };
}

/** encodeURIComponent, but a lone surrogate becomes its (invalid) UTF-8 bytes instead of throwing. */
function safeEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text.replace(/[\ud800-\udfff]/g, "%ED%A0%80").replace(/[^\w%.-]/g, (c) => encodeURIComponent(c));
  }
}
