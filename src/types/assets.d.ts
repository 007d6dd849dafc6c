// Files imported `with { type: "file" }` resolve to a path (inside the compiled binary, a /$bunfs path).
declare module "swagger-ui-dist/swagger-ui.css" {
  const path: string;
  export default path;
}
declare module "swagger-ui-dist/swagger-ui-bundle.js" {
  const path: string;
  export default path;
}
declare module "@electric-sql/pglite/pglite.wasm" {
  const path: string;
  export default path;
}
declare module "@electric-sql/pglite/initdb.wasm" {
  const path: string;
  export default path;
}
declare module "@electric-sql/pglite/pglite.data" {
  const path: string;
  export default path;
}
// The web page's files (src/modules/ui), imported `with { type: "file" }`: paths, not modules or HTML bundles.
declare module "../../../public/*" {
  const path: string;
  export default path;
}
