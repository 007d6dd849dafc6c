// uPlot's browser files, embedded for the admin console (src/modules/admin-ui) `with { type: "file" }`: paths.
declare module "uplot/dist/uPlot.esm.js" {
  const path: string;
  export default path;
}
declare module "uplot/dist/uPlot.min.css" {
  const path: string;
  export default path;
}
