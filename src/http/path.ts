/**
 * The path of a request's URL, read without `new URL`: Bun passes the URL on as the client's Host header made
 * it ("/health" for `Host: a b`, "http://[::1/health" for `Host: [::1`), and `new URL` throws on those, which
 * would drop the request without an answer.
 */
export function pathOf(url: string): string {
  const scheme = url.indexOf("://");
  const start = scheme < 0 ? url.indexOf("/") : url.indexOf("/", scheme + 3);
  if (start < 0) return "/";
  const query = url.indexOf("?", start);
  return url.slice(start, query < 0 ? undefined : query);
}
