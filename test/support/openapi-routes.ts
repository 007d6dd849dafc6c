/** The parts of a JSON Schema the fuzzer reads. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  default?: unknown;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
}

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema: JsonSchema;
}

export type RouteAuth = "bearer" | "admin" | "metrics" | null;

/** One operation of the OpenAPI document, as the fuzzer drives it. */
export interface ApiRoute {
  method: string;
  /** The template, `/auth/sessions/{id}`. */
  path: string;
  /** `DELETE /auth/sessions/{id}`: for reports. */
  name: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  /** The JSON body's schema, when the operation takes one. */
  body: JsonSchema | null;
  auth: RouteAuth;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: Record<string, unknown>[];
}

const AUTH_SCHEMES: Record<string, RouteAuth> = { bearerAuth: "bearer", adminBasic: "admin", metricsToken: "metrics" };

/** Every operation of an OpenAPI 3 document (`GET /docs/json`), so a new route is covered without listing it here. */
export function routesFromOpenApi(document: { paths: Record<string, Record<string, Operation>> }): ApiRoute[] {
  const routes: ApiRoute[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const parameters = operation.parameters ?? [];
      const scheme = Object.keys(operation.security?.[0] ?? {})[0];
      routes.push({
        method: method.toUpperCase(),
        path,
        name: `${method.toUpperCase()} ${path}`,
        pathParams: parameters.filter((p) => p.in === "path"),
        queryParams: parameters.filter((p) => p.in === "query"),
        body: operation.requestBody?.content?.["application/json"]?.schema ?? null,
        auth: scheme ? (AUTH_SCHEMES[scheme] ?? null) : null,
      });
    }
  }
  return routes;
}
