// An interface's Exports tab: the last allotment export of each performance (version, time, status,
// places, the version the distributor took, the first error), with "export again" per performance and
// "export now" of every performance of the interface's quotas.

import { api } from "./api.js";
import { nameOf } from "./crud.js";
import { AREA, badge, errorLine, FUNCTIONS, interfacePath, listIn, num, table } from "./distributors-common.js";
import { followRun, performanceChoices, startRun } from "./distributors-runs.js";
import { clearErrors, errorBox, fill, formatTime, h, showError, whileBusy } from "./dom.js";

export async function exportsPanel(ctx, body, item) {
  const problem = errorBox("distributor-exports-error");
  const result = h("p", { class: "status", id: "distributor-exports-result", role: "status" });
  const list = h("div", { id: "distributor-exports" }, h("p", { class: "muted" }, "Loading…"));
  const performances = new Map();
  const events = new Map();
  const names = performanceChoices(ctx).then((choices) => { // read beside the exports, for their names
    for (const p of choices.performances) performances.set(p.id, p);
    for (const e of choices.events) events.set(e.id, e);
  });
  const canRun = ctx.can(AREA, "execute");

  const performanceName = (id) => {
    const p = performances.get(id);
    if (!p) return id;
    return `${nameOf(events.get(p.event_id)) || p.event_id} · ${p.code} · ${String(p.starts_at).slice(0, 16).replace("T", " ")}`;
  };

  async function load() {
    clearErrors(problem);
    try {
      const [answer] = await Promise.all([api.get(interfacePath(item.id, "exports")), names]);
      const found = listIn(answer, "exports");
      // Performances whose seats changed but that were never exported: a row each, to export.
      const known = new Set(found.map((e) => e.performance_id));
      const never = (answer.pending_performance_ids || []).filter((id) => !known.has(id))
        .map((id) => ({ performance_id: id, version: null, at: "", status: "none", places: null, errors: [], pending: true }));
      if (!ctx.signal.aborted) fill(list, exportsTable([...found, ...never]));
    } catch (error) {
      if (!ctx.signal.aborted) showError(problem, error);
    }
  }

  async function exportNow(button, performanceIds) {
    clearErrors(problem);
    await whileBusy(button, async () => {
      try {
        const run = await startRun(item.id, { function: "allotment_export", ...(performanceIds ? { performance_ids: performanceIds } : {}) });
        result.textContent = `${FUNCTIONS.allotment_export} started (run ${run.run_id}).`;
        const done = await followRun(run.run_id, ctx.signal);
        if (ctx.signal.aborted) return;
        result.textContent = `${FUNCTIONS.allotment_export}: ${done.status}` +
          (done.counts?.places !== undefined ? `, ${done.counts.places} places` : "") +
          (done.first_error ? ` (${errorLine(done.first_error)})` : "") + ".";
        ctx.notify(result.textContent);
        await load();
      } catch (error) {
        if (!ctx.signal.aborted) showError(problem, error);
      }
    });
  }

  function exportsTable(found) {
    const sorted = [...found].sort((a, b) => String(b.at).localeCompare(String(a.at)));
    return table("distributor-exports-table", "Last export per performance",
      ["Performance", { text: "Version", num: true }, "At", "Status", { text: "Places", num: true }, { text: "Taken", num: true }, "First error", "Actions"],
      sorted.map((e) => h("tr", { "data-performance": e.performance_id, "data-status": e.status },
        h("td", {}, performanceName(e.performance_id)),
        num(e.version),
        h("td", { title: e.at }, formatTime(e.at)),
        h("td", {}, badge(e.status), e.pending ? [" ", h("span", { class: "badge run" }, "Changed since")] : null),
        num(e.places),
        num(e.sent_version, { title: "The last version the distributor took" }),
        h("td", {}, e.errors?.length ? errorLine(e.errors[0]) : "–"),
        h("td", { class: "actions" }, canRun ? h("button", {
          type: "button", class: "small", "data-action": "export", "aria-label": `Export again: ${performanceName(e.performance_id)}`,
          onclick: (event) => exportNow(event.currentTarget, [e.performance_id]),
        }, "Export again") : null))),
      "Nothing exported yet.");
  }

  fill(body, h("section", { class: "card", "aria-labelledby": "distributor-exports-title" },
    h("h2", { id: "distributor-exports-title" }, "Allotment exports"),
    h("p", { class: "muted" }, "Each export sends the seats and standing places of the distributor's quotas, blocked seats left out, ",
      "with a new version number. A failed export never stops the reintegration of sales."),
    canRun ? h("div", { class: "buttons" }, h("button", {
      type: "button", class: "primary", id: "distributor-export-all", onclick: (event) => exportNow(event.currentTarget, null),
    }, "Export every performance now")) : null,
    problem, result, list));
  await load();
}
