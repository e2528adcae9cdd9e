// Season tickets screen (#/season-tickets): the season-ticket products by season and status, with their
// editor (#/season-tickets/new, #/season-tickets/<id>, season-tickets-form.js) and each product's
// subscriptions (#/season-tickets/<id>/subscriptions, season-tickets-subscriptions.js); a product that
// renews last season's has its renewal (#/season-tickets/<id>/renewal, season-tickets-renewal.js).

import { api, seg } from "./api.js";
import { nameOf, refCache, subPath } from "./crud.js";
import { confirmAction, errorBox, field, fill, h, showError } from "./dom.js";
import { BASE, editorScreen, STATUSES } from "./season-tickets-form.js";
import { renewalScreen } from "./season-tickets-renewal.js";
import { subscriptionsScreen } from "./season-tickets-subscriptions.js";
import { sorted, sortHeader } from "./sorting.js";

const ID = "season-tickets";
const AREA = "season_tickets";
const STATUS_BADGE = { draft: "run", on_sale: "ok", closed: "off" };
const COLUMNS = [
  ["code", "Code"], ["name", "Name"], ["season", "Season"], ["status", "Status"], ["lines_text", "Lines"],
  ["range", "Min–max lines"], ["change", "Category change"],
];

export default {
  id: ID,
  title: "Season tickets",
  area: AREA,
  async render(root, ctx) {
    const [which, part] = subPath();
    if (which && part === "subscriptions") return subscriptionsScreen(root, ctx, which);
    if (which && part === "renewal") return renewalScreen(root, ctx, which);
    if (which) return editorScreen(root, ctx, which === "new" ? null : which);
    return listScreen(root, ctx);
  },
};

export function statusBadge(status) {
  const text = Object.fromEntries(STATUSES)[status] || status;
  return h("span", { class: `badge ${STATUS_BADGE[status] || "off"}`, "data-testid": "status", "data-status": status }, text);
}

/** "Yes (1 line: no)": the product's setting and the lines that override it. */
function changeText(item) {
  const overrides = item.lines.filter((line) => line.category_change !== "inherit");
  const base = item.allow_category_change ? "Yes" : "No";
  if (!overrides.length) return base;
  const names = overrides.map((line) => `${line.name}: ${line.category_change}`).join(", ");
  return `${base} (${names})`;
}

async function listScreen(root, ctx) {
  const cache = refCache();
  const problem = errorBox("season-tickets-error");
  const list = h("div", { id: "season-tickets-list", class: "scroll" }, h("p", { class: "muted" }, "Loading…"));
  const state = { rows: [], sort: { column: "code", descending: false } };
  const seasons = await cache.list("seasons");
  if (ctx.signal.aborted) return;
  const seasonNames = new Map(seasons.map((s) => [s.id, nameOf(s)]));
  const season = h("select", { id: "season-tickets-season", name: "season_id" },
    h("option", { value: "" }, "All seasons"), seasons.map((s) => h("option", { value: s.id }, nameOf(s))));
  const status = h("select", { id: "season-tickets-status", name: "status" },
    h("option", { value: "" }, "Any status"), STATUSES.map(([value, text]) => h("option", { value }, text)));
  const filters = h("form", { id: "season-tickets-filters", role: "search", class: "row", "aria-label": "Season ticket filters" },
    field("Season", season), field("Status", status));
  filters.addEventListener("change", () => load().catch((error) => showError(problem, error)));
  filters.addEventListener("submit", (event) => event.preventDefault());

  let loads = 0; // a filter changed twice quickly: only the last answer is drawn, never a stale one
  async function load() {
    const mine = ++loads;
    problem.hidden = true;
    const query = new URLSearchParams({ limit: "200" });
    if (season.value) query.set("season_id", season.value);
    if (status.value) query.set("status", status.value);
    const page = await api.get(`${BASE}?${query}`);
    if (ctx.signal.aborted || mine !== loads) return;
    state.rows = page.items.map((item) => ({
      ...item,
      season: seasonNames.get(item.season_id) || item.season_id,
      lines_text: item.lines.map((line) => `${line.name}${line.choice === "mandatory" ? " (mandatory)" : ""}`).join(", "),
      range: `${item.min_lines}–${item.max_lines}`,
      change: changeText(item),
    }));
    draw();
  }

  function draw() {
    if (!state.rows.length) return fill(list, h("p", { "data-testid": "empty" }, "No season tickets here yet."));
    const head = h("tr", {}, COLUMNS.map(([key, text]) => sortHeader(key, text, state.sort, (sort) => {
      state.sort = sort;
      draw();
      list.querySelector(`th[data-sort="${key}"] button`)?.focus();
    })), h("th", { scope: "col" }, "Actions"));
    const rows = sorted(state.rows, state.sort).map((item) => h("tr", { "data-id": item.id, "data-code": item.code },
      COLUMNS.map(([key]) => h("td", { "data-col": key }, key === "status" ? statusBadge(item.status) : String(item[key] ?? ""))),
      h("td", { class: "actions" },
        h("a", { class: "button small", href: `#/${ID}/${seg(item.id)}`, "data-action": "edit", "aria-label": `Edit season ticket ${item.name}` },
          ctx.can(AREA, "modify") ? "Edit" : "View"),
        h("a", {
          class: "button small", href: `#/${ID}/${seg(item.id)}/subscriptions`, "data-action": "subscriptions",
          "aria-label": `Subscriptions of ${item.name}`,
        }, "Subscriptions"),
        item.renews_id ? h("a", {
          class: "button small", href: `#/${ID}/${seg(item.id)}/renewal`, "data-action": "renew",
          "aria-label": `Renewal of ${item.name}`,
        }, ctx.can(AREA, "execute") ? "Renew" : "Renewal") : null,
        ctx.can(AREA, "delete") ? h("button", {
          type: "button", class: "small danger", "data-action": "delete", "aria-label": `Delete season ticket ${item.name}`,
          onclick: (event) => remove(item, event.currentTarget),
        }, "Delete") : null)));
    fill(list, h("table", { id: "season-tickets-table", "data-testid": "season-tickets-table" },
      h("caption", { class: "sr-only" }, "Season tickets"), h("thead", {}, head), h("tbody", {}, rows)));
  }

  async function remove(item, button) {
    if (!(await confirmAction(`Delete season ticket ${item.name}? This cannot be undone.`))) return button.focus();
    try {
      await api.del(`${BASE}/${seg(item.id)}?version=${item.version}`);
      ctx.notify(`Season ticket ${item.name} deleted.`);
      await load();
      root.querySelector("#season-tickets-new, #season-tickets-season")?.focus();
    } catch (error) {
      showError(problem, error);
    }
  }

  fill(root,
    h("p", { class: "muted" }, "A season ticket is a package of performances bought together, its price computed from " +
      "its lines: the buyer takes one performance in each line they choose, between the minimum and maximum."),
    problem,
    ctx.can(AREA, "create") ? h("div", { class: "buttons" },
      h("button", { type: "button", class: "primary", id: "season-tickets-new", onclick: () => ctx.navigate(`${ID}/new`) },
        "New season ticket")) : null,
    filters,
    h("section", { class: "card", "aria-label": "Season tickets list" }, list));
  await load();
}
