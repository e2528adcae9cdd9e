// Advantages screen: the list (#/advantages) with put in operation / close / delete, and the
// step-by-step set-up of one advantage (#/advantages/new, #/advantages/<id>, advantages-wizard.js).

import { api, seg } from "./api.js";
import { nameOf, refCache, subPath } from "./crud.js";
import { errorBox, fill, h } from "./dom.js";
import { listIn, pathOf, stateActions, stateBadge, STATE_LABELS, TARGET_LABELS } from "./advantages-common.js";
import { wizardScreen } from "./advantages-wizard.js";
import { sorted, sortHeader } from "./sorting.js";

const ID = "advantages";
const BASE = "/backoffice/advantages";
const COLUMNS = [
  ["public_name", "Name"],
  ["season", "Season"],
  ["target_type", "Target"],
  ["events", "Events"],
  ["state_label", "State"],
  ["quota_text", "Quota"],
];

export default {
  id: ID,
  title: "Advantages",
  area: "advantages",
  async render(root, ctx) {
    const [which] = subPath();
    if (which) return wizardScreen(root, ctx, which === "new" ? null : which);
    return listScreen(root, ctx);
  },
};

/** "12 taken / 100" when the API says how many tickets took it, else the quota itself. */
function quotaText(item) {
  const taken = item.quota_taken;
  const quota = item.quota ?? null;
  if (taken === undefined || taken === null) return quota === null ? "No quota" : `${quota}`;
  return quota === null ? `${taken} taken (no quota)` : `${taken} taken / ${quota}`;
}

async function listScreen(root, ctx) {
  const cache = refCache();
  const problem = errorBox("advantages-error");
  const list = h("div", { id: "advantages-list", class: "scroll" }, h("p", { class: "muted" }, "Loading…"));
  const state = { rows: [], sort: { column: "public_name", descending: false } };

  async function load() {
    problem.hidden = true;
    const [answer, seasons] = await Promise.all([api.get(BASE), cache.byId("seasons").catch(() => new Map())]);
    if (ctx.signal.aborted) return;
    state.rows = listIn(answer, "advantages").map((item) => ({
      ...item,
      season: nameOf(seasons.get(item.season_id)) || item.season_id,
      target_type: TARGET_LABELS[item.target?.type] || item.target?.type,
      events: item.event_ids?.length ?? 0,
      state_label: STATE_LABELS[item.state] || item.state,
      quota_text: quotaText(item),
    }));
    draw();
  }

  function draw() {
    if (!state.rows.length) return fill(list, h("p", { "data-testid": "empty" }, "No advantages yet."));
    const head = h("tr", {}, COLUMNS.map(([key, text]) => sortHeader(key, text, state.sort, (sort) => {
      state.sort = sort;
      draw();
      list.querySelector(`th[data-sort="${key}"] button`)?.focus();
    })), h("th", { scope: "col" }, "Actions"));
    const rows = sorted(state.rows, state.sort).map((item) => h("tr", { "data-id": item.advantage_id, "data-state": item.state },
      COLUMNS.map(([key]) => h("td", { "data-col": key, class: key === "events" ? "num" : null },
        key === "state_label" ? stateBadge(item.state) : String(item[key] ?? ""))),
      h("td", { class: "actions" },
        h("a", {
          class: "button small", href: `#/${ID}/${seg(item.advantage_id)}`, "data-action": "edit",
          "aria-label": `${item.state === "closed" ? "View" : "Set up"} advantage ${item.public_name}`,
        }, item.state === "closed" ? "View" : "Set up"),
        item.target?.type === "single_use_codes" ? h("a", {
          class: "button small", href: `#/single-use-codes?advantage=${seg(item.advantage_id)}`, "data-action": "codes",
          "aria-label": `Codes of advantage ${item.public_name}`,
        }, "Codes") : null,
        stateActions(ctx, item, {
          path: pathOf(BASE, item.advantage_id), noun: "advantage", name: item.public_name, problem,
          onDone: () => load().catch((error) => ctx.showError(error)),
        }))));
    fill(list, h("table", { id: "advantages-table", "data-testid": "advantages-table" },
      h("caption", { class: "sr-only" }, "Advantages"), h("thead", {}, head), h("tbody", {}, rows)));
  }

  fill(root,
    h("p", { class: "muted" }, "An advantage is a better price on given events for a target: everyone, a target list, " +
      "an indicator level, a partner's access code or single-use codes."),
    problem,
    ctx.can("advantages", "create") ? h("div", { class: "buttons" },
      h("button", { type: "button", class: "primary", id: "advantages-new", onclick: () => ctx.navigate(`${ID}/new`) },
        "New advantage")) : null,
    h("section", { class: "card", "aria-label": "Advantages list" }, list));
  await load();
}
