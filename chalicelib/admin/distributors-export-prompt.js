// The allotment export on the drawn plan (a performance's stock screen), as in the seed: after seats of a
// distributor's quota changed, the stock change answer's `export_suggested` makes the page ask "Export
// the allotment now?"; yes exports the changed performances to each chosen distributor at once (POST
// …/exports, a few performances) and shows the result. The side card exportStatus() shows each
// interface's last export of the performance (version, time, status, places, pending) and exports it
// again on demand, so that several changes can be made first and exported once.
//
// Called from the stock screen (views-events.js / events-stock.js):
//   const exports = exportStatus(ctx, performanceId);            // exports.node in the plan's side column
//   await offerExport(ctx, answer.export_suggested, exports);    // after a stock change

import { api, seg } from "./api.js";
import { AREA, badge, errorLine, INTERFACES, interfacePath, listIn } from "./distributors-common.js";
import { errorBox, fill, formatTime, h, showError, whileBusy } from "./dom.js";

/** Export performances to an interface now: {version, performances, places, status, errors, at, …}. */
export function exportNow(interfaceId, performanceIds) {
  return api.post(interfacePath(interfaceId, "exports"), { performance_ids: performanceIds });
}

/** "Allotment exported to TicketHub: version 4, sent, 50 places." (+ the first error). */
export function exportText(name, result) {
  const what = result.status === "sent" ? "exported" : "export failed";
  return `Allotment ${what} to ${name}: version ${result.version ?? "–"}, ${result.status}, ${result.places ?? 0} places` +
    `${result.errors?.length ? ` (${errorLine(result.errors[0])})` : ""}.`;
}

/** `export_suggested` [{interface_id, name, performance_id}] grouped by interface. */
export function byInterface(suggested) {
  const groups = new Map();
  for (const s of suggested || []) {
    if (!groups.has(s.interface_id)) groups.set(s.interface_id, { interface_id: s.interface_id, name: s.name || s.interface_id, performance_ids: [] });
    const group = groups.get(s.interface_id);
    if (s.performance_id && !group.performance_ids.includes(s.performance_id)) group.performance_ids.push(s.performance_id);
  }
  return [...groups.values()];
}

let dialog = null;

function exportDialog() {
  if (dialog?.isConnected) return dialog;
  dialog = h("dialog", { id: "distributor-export-dialog", "aria-labelledby": "distributor-export-title", "aria-describedby": "distributor-export-text" },
    h("form", { method: "dialog" },
      h("h2", { id: "distributor-export-title" }, "Export the allotment now?"),
      h("p", { id: "distributor-export-text" }, "You changed seats that external distributors may sell. ",
        "Export their allotment now? You can also make more changes first and export later from the Distributor exports card."),
      h("fieldset", { class: "field checks", id: "distributor-export-choices" }),
      h("div", { class: "buttons" },
        h("button", { value: "no", id: "distributor-export-no" }, "Not now"),
        h("button", { value: "yes", id: "distributor-export-yes", class: "primary" }, "Export now"))));
  document.body.append(dialog);
  return dialog;
}

/** Ask; resolves to the groups the operator chose to export ([] for "not now"). */
function ask(groups) {
  const box = exportDialog();
  fill(box.querySelector("#distributor-export-choices"), h("legend", {}, "Distributors"),
    groups.map((g) => h("label", { class: "check" },
      h("input", { type: "checkbox", name: "interface", value: g.interface_id, checked: true }), " ",
      `${g.name} (${g.performance_ids.length} performance${g.performance_ids.length === 1 ? "" : "s"})`)));
  box.returnValue = "";
  box.showModal();
  box.querySelector("#distributor-export-yes").focus();
  return new Promise((resolve) => {
    box.addEventListener("close", () => {
      if (box.returnValue !== "yes") return resolve([]);
      const chosen = new Set([...box.querySelectorAll("input[name=interface]:checked")].map((i) => i.value));
      resolve(groups.filter((g) => chosen.has(g.interface_id)));
    }, { once: true });
  });
}

/**
 * After a stock change: when its answer suggests exports (and the operator may run them), ask and, on
 * yes, export to each chosen distributor. `status` (an exportStatus()) shows the results; the notice
 * says them too. Resolves to [{interface_id, name, performance_ids, result | error}].
 */
export async function offerExport(ctx, suggested, status = null) {
  const groups = byInterface(suggested);
  if (!groups.length || !ctx.can(AREA, "execute") || ctx.signal?.aborted) return [];
  const chosen = await ask(groups);
  const done = [];
  for (const group of chosen) {
    status?.exporting(group.interface_id);
    try {
      const result = await exportNow(group.interface_id, group.performance_ids);
      done.push({ ...group, result });
      ctx.notify(exportText(group.name, result));
    } catch (error) {
      done.push({ ...group, error });
      ctx.showError(error);
    }
  }
  await status?.refresh(); // "not now" too: the card then says the performance changed since
  return done;
}

/**
 * The plan's "Distributor exports" side card: per active interface, the last export of the performance
 * (version, time, status, places; "changed since" when an export is pending) and "Export now".
 * {node, refresh(), exporting(interfaceId)}; hidden without the distributors:read right or interfaces.
 */
export function exportStatus(ctx, performanceId) {
  const problem = errorBox("distributor-plan-exports-error");
  const list = h("div", { id: "distributor-plan-exports-list", "aria-live": "polite" });
  const node = h("section", { class: "card side-card", id: "distributor-plan-exports", "aria-labelledby": "distributor-plan-exports-title", hidden: true },
    h("h2", { id: "distributor-plan-exports-title" }, "Distributor exports"), problem, list);
  const busy = new Set();
  let shown = [];

  /** Read the last exports again (an export in progress is over by then). */
  async function refresh() {
    busy.clear();
    if (!ctx.can(AREA, "read") || ctx.signal?.aborted) return;
    try {
      const interfaces = (await api.get(INTERFACES)).items.filter((i) => i.status === "active");
      const answers = await Promise.all(interfaces.map((i) => api.get(`${interfacePath(i.id, "exports")}?performance_id=${seg(performanceId)}`)
        .catch(() => null)));
      if (ctx.signal?.aborted) return;
      shown = interfaces.map((item, n) => ({
        item,
        last: listIn(answers[n], "exports").find((e) => e.performance_id === performanceId) || null,
        pending: (answers[n]?.pending_performance_ids || []).includes(performanceId),
      }));
      draw();
    } catch (error) {
      if (!ctx.signal?.aborted) showError(problem, error);
    }
  }

  function draw() {
    node.hidden = !shown.length;
    fill(list, h("ul", { class: "plain" }, shown.map(line)));
  }

  function line({ item, last, pending }) {
    return h("li", { "data-interface": item.id, "data-testid": "last-export" },
      h("strong", {}, item.name), ": ",
      busy.has(item.id) ? h("span", { "data-testid": "exporting" }, "exporting… ") : null,
      last ? [h("span", { "data-testid": "export-version" }, `v${last.version ?? "–"}`), ` · ${formatTime(last.at)} · `, badge(last.status),
        ` · ${last.places} places`] : h("span", { class: "muted" }, "never exported"),
      pending || last?.pending ? [" ", h("span", { class: "badge run", "data-testid": "export-pending" }, "Changed since")] : null,
      last?.errors?.length ? h("p", { class: "hint" }, errorLine(last.errors[0])) : null,
      ctx.can(AREA, "execute") ? h("div", {}, h("button", {
        type: "button", class: "small", "data-action": "export", "aria-label": `Export now: the allotment to ${item.name}`,
        onclick: (event) => whileBusy(event.currentTarget, async () => {
          problem.hidden = true;
          exporting(item.id);
          try {
            ctx.notify(exportText(item.name, await exportNow(item.id, [performanceId])));
          } catch (error) {
            showError(problem, error);
          }
          await refresh();
        }),
      }, "Export now")) : null);
  }

  function exporting(interfaceId) {
    busy.add(interfaceId);
    draw();
  }

  refresh();
  return { node, refresh, exporting };
}
