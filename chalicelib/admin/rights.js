// Operator rights on the page: the known areas and actions, checks, and the area x action table.

import { h } from "./dom.js";

// Filled from GET /backoffice/rights at the start of a session (setCatalogue); areas met in data are added.
export let ACTIONS = [];
export let AREAS = [];

/** Take the areas and actions the API knows ({areas, actions}). */
export function setCatalogue(catalogue) {
  AREAS = [...catalogue.areas];
  ACTIONS = [...catalogue.actions];
}

/** True when `rights` ({area: [actions]}) grants `action` in `area`. */
export function can(rights, area, action) {
  return Boolean(rights && Array.isArray(rights[area]) && rights[area].includes(action));
}

/** The known areas followed by any other area the given rights mention. */
export function areasOf(...rightsList) {
  const extra = new Set();
  for (const rights of rightsList) for (const area of Object.keys(rights || {})) extra.add(area);
  return [...AREAS, ...[...extra].filter((area) => !AREAS.includes(area)).sort()];
}

/** "season_tickets" -> "Season tickets". */
export function label(name) {
  const text = String(name).replaceAll("_", " ").replaceAll("-", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "Catalog: read, modify · Orders: read", "All rights" or "No rights". */
export function summary(rights) {
  if (AREAS.every((area) => ACTIONS.every((action) => can(rights, area, action)))) return "All rights";
  const parts = areasOf(rights)
    .filter((area) => rights[area]?.length)
    .map((area) => `${label(area)}: ${rights[area].join(", ")}`);
  return parts.length ? parts.join(" · ") : "No rights";
}

/**
 * A read-only table, one row per area and one column per action, each cell ✓ or –.
 * With `cell(area, action)` the cells hold what it returns instead (the role editor's checkboxes).
 */
export function rightsTable(rights, { id, areas = areasOf(rights), cell } = {}) {
  const head = h("tr", {}, h("th", { scope: "col" }, "Area"),
    ACTIONS.map((action) => h("th", { scope: "col" }, label(action))));
  const rows = areas.map((area) =>
    h("tr", { "data-area": area }, h("th", { scope: "row" }, label(area)),
      ACTIONS.map((action) => h("td", { class: "mark", "data-action": action },
        cell ? cell(area, action) : mark(can(rights, area, action))))));
  return h("table", { class: "grid", id, "data-testid": id }, h("thead", {}, head), h("tbody", {}, rows));
}

function mark(granted) {
  return h("span", { class: granted ? "yes" : "no", "data-granted": String(granted) },
    h("span", { "aria-hidden": "true" }, granted ? "✓" : "–"),
    h("span", { class: "sr-only" }, granted ? "granted" : "not granted"));
}
