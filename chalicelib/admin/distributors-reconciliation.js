// An interface's Reconciliation tab: per performance and quota, our allocated / sold / returned places
// beside the counts the distributor reported, their differences (highlighted) and the proposed fix with
// a button doing it: export again (an allotment export run), reintegrate (a sales reintegration run), a
// mapping (the Mappings tab). Also: read the distributor's counts now, release the unsold allotment due.

import { api } from "./api.js";
import { listAll, nameOf } from "./crud.js";
import { AREA, FUNCTIONS, interfaceHref, interfacePath, listIn, num, table } from "./distributors-common.js";
import { startRun } from "./distributors-runs.js";
import { clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";

const FIXES = { export_again: "Export again", reintegrate: "Reintegrate sales", mapping: "Map the performance", none: "Nothing to do" };

export async function reconciliationPanel(ctx, body, item) {
  const problem = errorBox("distributor-reconciliation-error");
  const result = h("p", { class: "status", id: "distributor-reconciliation-result", role: "status" });
  const list = h("div", { id: "distributor-reconciliation" }, h("p", { class: "muted" }, "Loading…"));
  const quotas = new Map();
  // Its choices: the performances of the whole table, as first read.
  const performance = h("select", { id: "distributor-reconciliation-performance", name: "performance_id" },
    h("option", { value: "" }, "— every performance —"));
  const offered = new Set();
  const offer = (rows) => {
    for (const row of rows) {
      if (!row.performance_id || offered.has(row.performance_id)) continue;
      offered.add(row.performance_id);
      performance.append(h("option", { value: row.performance_id },
        `${row.code || row.performance_id} · ${String(row.starts_at_local || row.starts_at || "").slice(0, 16).replace("T", " ")}`));
    }
  };
  const canRun = ctx.can(AREA, "execute");

  async function load() {
    clearErrors(problem);
    const query = performance.value ? `?performance_id=${encodeURIComponent(performance.value)}` : "";
    try {
      const [answer] = await Promise.all([api.get(`${interfacePath(item.id, "reconciliation")}${query}`), names]);
      if (ctx.signal.aborted) return;
      const rows = listIn(answer, "rows");
      if (!query) offer(rows);
      fill(list, rowsTable(rows));
    } catch (error) {
      if (!ctx.signal.aborted) showError(problem, error);
    }
  }

  async function run(button, fn, performanceIds) {
    clearErrors(problem);
    await whileBusy(button, async () => {
      try {
        const started = await startRun(item.id, { function: fn, ...(performanceIds ? { performance_ids: performanceIds } : {}) });
        result.textContent = `${FUNCTIONS[fn]} started: run ${started.run_id} (${started.status}). Follow it on the Runs tab.`;
        ctx.notify(result.textContent);
      } catch (error) {
        showError(problem, error);
      }
    });
  }

  function fixButton(row) {
    if (row.fix === "mapping") {
      return h("a", { href: interfaceHref(item.id, "mappings"), class: "button small", "data-action": "fix", "data-fix": row.fix }, FIXES.mapping);
    }
    if (row.fix === "none" || !canRun) return null;
    const fn = row.fix === "export_again" ? "allotment_export" : "sales_reintegration";
    return h("button", {
      type: "button", class: "small primary", "data-action": "fix", "data-fix": row.fix,
      "aria-label": `${FIXES[row.fix]}: ${row.code || row.distributor_performance_id}`,
      onclick: (event) => run(event.currentTarget, fn, row.fix === "export_again" && row.performance_id ? [row.performance_id] : null),
    }, FIXES[row.fix]);
  }

  function diff(value, props = {}) {
    if (value === null || value === undefined) return num(null, props);
    const text = value > 0 ? `+${value}` : String(value);
    return h("td", { class: value ? "num field-error" : "num", ...props, "data-differs": value ? "true" : "false" },
      value ? h("strong", {}, text) : text);
  }

  function rowsTable(rows) {
    let previous = null;
    const trs = rows.map((row) => {
      const first = row.performance_id === null || row.performance_id !== previous;
      previous = row.performance_id;
      const c = row.compared;
      const t = row.theirs;
      const d = row.differences;
      const ours = row.ours;
      const last = row.last_export;
      return h("tr", {
        "data-performance": row.performance_id ?? "", "data-quota": row.quota_id ?? "", "data-fix": row.fix,
        class: row.fix !== "none" ? "differs" : null,
      },
      h("td", {}, row.performance_id
        ? [h("strong", {}, row.code || row.performance_id), ` ${String(row.starts_at_local || row.starts_at || "").slice(0, 16).replace("T", " ")}`]
        : ["Unknown to us: ", h("code", {}, row.distributor_performance_id)]),
      h("td", {}, row.quota_id ? quotas.get(row.quota_id) || row.quota_id : "–"),
      num(ours?.allocated, { "data-col": "ours-allocated" }),
      num(ours?.sold ?? (first ? c?.sold : null), { "data-col": "ours-sold" }),
      num(ours?.returned ?? (first ? c?.returned : null), { "data-col": "ours-returned" }),
      num(first ? t?.allocated : null, { "data-col": "theirs-allocated" }),
      num(first ? t?.sold : null, { "data-col": "theirs-sold" }),
      diff(first ? d?.allocated : null, { "data-col": "diff-allocated" }),
      diff(first ? d?.sold : null, { "data-col": "diff-sold" }),
      h("td", { "data-col": "last-export" }, first && last ? `v${last.version ?? "–"} · ${last.status ?? ""} · ${last.places ?? 0} places` : first ? "Never" : ""),
      h("td", { "data-col": "fix" }, first ? [h("span", { "data-testid": "reason" }, row.reason), " ", fixButton(row)] : ""));
    });
    return table("distributor-reconciliation-table", "Our counts and the distributor's, per performance and quota",
      ["Performance", "Quota", { text: "Ours allocated", num: true }, { text: "Ours sold", num: true }, { text: "Returned", num: true },
        { text: "Theirs allocated", num: true }, { text: "Theirs sold", num: true }, { text: "Δ allocated", num: true },
        { text: "Δ sold", num: true }, "Last export", "Proposed fix"],
      trs, "No performance of this interface's quotas yet.");
  }

  const readCounts = canRun ? h("button", {
    type: "button", id: "distributor-read-counts", onclick: async (event) => { await run(event.currentTarget, "counts", null); },
  }, "Read the distributor's counts now") : null;
  const release = ctx.can(AREA, "modify") && item.release_days_before !== null && item.release_days_before !== undefined
    ? h("button", { type: "button", id: "distributor-release", onclick: (event) => releaseDue(event.currentTarget) }, "Release the unsold allotment due now")
    : null;

  async function releaseDue(button) {
    clearErrors(problem);
    await whileBusy(button, async () => {
      try {
        const done = await api.post(interfacePath(item.id, "releases"));
        result.textContent = `${done.performances.length} performance(s) released: ${done.seats} seats, ${done.places} places` +
          (done.export ? `; export ${done.export.status}.` : ".");
        ctx.notify(result.textContent);
        await load();
      } catch (error) {
        showError(problem, error);
      }
    });
  }

  const names = ctx.can("catalog", "read") // the quotas' names, read beside the table
    ? listAll("quotas").then((found) => { for (const q of found) quotas.set(q.id, nameOf(q)); }, () => {})
    : Promise.resolve();
  performance.addEventListener("change", load);
  fill(body, h("section", { class: "card", "aria-labelledby": "distributor-reconciliation-title" },
    h("h2", { id: "distributor-reconciliation-title" }, "Reconciliation"),
    h("p", { class: "muted" }, "Differences are the distributor's counts minus ours; a difference is shown in bold with its fix. ",
      "The distributor's counts are those its last counts run read."),
    h("form", { id: "distributor-reconciliation-filters", role: "search", "aria-label": "Which performance", onsubmit: (e) => e.preventDefault() },
      h("div", { class: "row" }, field("Performance", performance))),
    h("div", { class: "buttons" }, readCounts, release,
      h("button", { type: "button", id: "distributor-reconciliation-refresh", onclick: (e) => whileBusy(e.currentTarget, load) }, "Refresh")),
    problem, result, list));
  await load();
}
