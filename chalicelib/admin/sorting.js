// Sortable lists: a default order (a date, else a code, else a name) and a header button per column.

import { h } from "./dom.js";

// A list is in time order when it has a date, else by code, else by name; a header click sorts by it.
const SORT_FIRST = ["starts_at", "starts_on", "code", "name"];

export function defaultSort(columns) {
  const column = SORT_FIRST.find((name) => columns.includes(name));
  return column ? { column, descending: false } : null;
}

function sortValue(item, column) {
  const value = column.includes(".") ? column.split(".").reduce((v, part) => v?.[part], item) : item[column];
  return value === null || value === undefined ? "" : value;
}

export function sorted(items, sort) {
  if (!sort) return items;
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  const order = sort.descending ? -1 : 1;
  return [...items].sort((a, b) => {
    const x = sortValue(a, sort.column);
    const y = sortValue(b, sort.column);
    return order * (typeof x === "number" && typeof y === "number" ? x - y : collator.compare(String(x), String(y)));
  });
}

export function sortHeader(name, text, sort, onSort) {
  const current = sort?.column === name;
  const direction = current ? (sort.descending ? "descending" : "ascending") : null;
  return h("th", { scope: "col", "data-sort": name, "aria-sort": direction },
    h("button", {
      type: "button", class: "sort",
      onclick: () => onSort({ column: name, descending: current ? !sort.descending : false }),
    }, text, h("span", { "aria-hidden": "true" }, current ? (sort.descending ? " ▼" : " ▲") : "")));
}
