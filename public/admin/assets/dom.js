// Small DOM helpers. Every value from the server goes in as text (textContent), never as markup.

export const $ = (id) => document.getElementById(id);

/** An element with properties (`class`, `href`, `on<event>`, any other attribute) and children (nodes or text). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat())
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  return node;
}

export const clear = (node) => node.replaceChildren();

/** A time for people: local date and time, or an em dash. */
export function when(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  return date.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export const yesNo = (value) => (value ? "Yes" : "No");

/** Rows of cells into a tbody; an empty list shows `empty` across every column. */
export function fillRows(tbody, rows, columns, empty) {
  clear(tbody);
  if (rows.length === 0) tbody.append(el("tr", {}, el("td", { colspan: columns, class: "empty" }, empty)));
  for (const cells of rows)
    tbody.append(
      el(
        "tr",
        {},
        cells.map((cell) => (cell instanceof Node && cell.tagName === "TD" ? cell : el("td", {}, cell))),
      ),
    );
}

/** Facts as a definition list. */
export function fillFacts(dl, facts) {
  clear(dl);
  for (const [term, value] of facts) dl.append(el("div", {}, el("dt", {}, term), el("dd", {}, value)));
}
