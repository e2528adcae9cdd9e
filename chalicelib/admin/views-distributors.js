// Distributors screen (#/distributors): the distributor interfaces (external sales), created, edited and
// deleted here, and the runs of all interfaces. One interface (#/distributors/<id>/<tab>) has the seed's
// tabs: General, Mappings (with CSV import and export), On-sale sheet, Schedules, Runs, Exports and
// Reconciliation; each tab is a distributors-*.js module.

import { api } from "./api.js";
import { subPath } from "./crud.js";
import { AREA, badge, INTERFACES, interfaceHref, interfacePath, SCREEN, table } from "./distributors-common.js";
import { ADAPTERS, interfaceChoices, interfaceForm, interfaceSummary } from "./distributors-interface-form.js";
import { exportsPanel } from "./distributors-exports.js";
import { mappingsPanel } from "./distributors-mappings.js";
import { reconciliationPanel } from "./distributors-reconciliation.js";
import { allRunsSection, runsPanel } from "./distributors-runs.js";
import { schedulesPanel } from "./distributors-schedules.js";
import { sheetPanel } from "./distributors-sheet.js";
import { clearErrors, confirmAction, errorBox, fill, h, showError } from "./dom.js";

const TABS = [
  ["general", "General", null],
  ["mappings", "Mappings", mappingsPanel],
  ["sheet", "On-sale sheet", sheetPanel],
  ["schedules", "Schedules", schedulesPanel],
  ["runs", "Runs", runsPanel],
  ["exports", "Exports", exportsPanel],
  ["reconciliation", "Reconciliation", reconciliationPanel],
];

export default {
  id: SCREEN,
  title: "Distributors",
  area: AREA,
  async render(root, ctx) {
    const [interfaceId, tab] = subPath();
    if (interfaceId) await interfaceScreen(root, ctx, interfaceId, tab || "general");
    else await overview(root, ctx);
  },
};

// ---- every interface -----------------------------------------------------------------------------

async function overview(root, ctx) {
  const problem = errorBox("distributors-error");
  const list = h("div", { id: "distributors-list" }, h("p", { class: "muted" }, "Loading…"));
  const editor = h("section", { class: "card editor-card", id: "distributor-editor", hidden: true });
  const runs = h("section", { class: "card", id: "distributor-all-runs", "aria-labelledby": "distributor-all-runs-title" });
  const choices = await interfaceChoices(ctx);
  if (ctx.signal.aborted) return;
  let items = [];

  async function load() {
    clearErrors(problem);
    try {
      items = (await api.get(INTERFACES)).items;
      if (!ctx.signal.aborted) fill(list, interfacesTable(items));
    } catch (error) {
      if (!ctx.signal.aborted) showError(problem, error);
    }
  }

  function interfacesTable(found) {
    const channel = (id) => choices.channels?.find((c) => c.id === id)?.name || id;
    return table("distributors-table", "Distributor interfaces",
      ["Name", "Channel", "Adapter", "Password", "Status", "Actions"],
      found.map((item) => h("tr", { "data-id": item.id, "data-name": item.name },
        h("th", { scope: "row" }, h("a", { href: interfaceHref(item.id), "data-action": "open" }, item.name)),
        h("td", {}, channel(item.channel_id)),
        h("td", {}, ADAPTERS[item.connection.adapter] || item.connection.adapter),
        h("td", { "data-testid": "password-set" }, item.connection.password_set ? "Set" : "Not set"),
        h("td", {}, badge(item.status)),
        h("td", { class: "actions" },
          ctx.can(AREA, "modify") ? h("button", {
            type: "button", class: "small", "data-action": "edit", "aria-label": `Edit interface ${item.name}`,
            onclick: () => edit(item),
          }, "Edit") : null,
          ctx.can(AREA, "delete") ? h("button", {
            type: "button", class: "small danger", "data-action": "delete", "aria-label": `Delete interface ${item.name}`,
            onclick: (event) => remove(item, event.currentTarget),
          }, "Delete") : null))),
      "No distributor interface yet.");
  }

  function edit(item) {
    interfaceForm(ctx, editor, item, choices, {
      onSaved: async (saved) => {
        close();
        await load();
        list.querySelector(`tr[data-id="${CSS.escape(saved.id)}"] a`)?.focus();
      },
      onCancel: close,
    });
  }

  function close() {
    editor.hidden = true;
    fill(editor);
    root.querySelector("#distributor-new")?.focus();
  }

  async function remove(item, button) {
    clearErrors(problem);
    if (!(await confirmAction(`Delete interface ${item.name}, its mappings and its password? This cannot be undone.`))) {
      button.focus();
      return;
    }
    try {
      await api.del(`${interfacePath(item.id)}?version=${item.version}`);
      ctx.notify(`Interface ${item.name} deleted.`);
      await load();
      root.querySelector("#distributor-new, #distributors-table a")?.focus();
    } catch (error) {
      showError(problem, error);
    }
  }

  fill(root,
    h("p", { class: "muted" },
      "A distributor interface ties an external sales channel to a distributor: its allotment (the channel's ",
      "quotas) is exported to it and the tickets it sells are reintegrated as orders of its contact. Open an ",
      "interface for its mappings, schedules, runs, exports and reconciliation."),
    problem,
    h("section", { class: "card", "aria-labelledby": "distributors-title" },
      h("h2", { id: "distributors-title" }, "Interfaces"),
      ctx.can(AREA, "create") ? h("div", { class: "buttons" }, h("button", {
        type: "button", class: "primary", id: "distributor-new", onclick: () => edit(null),
      }, "New interface")) : null,
      list),
    editor,
    runs);
  await load();
  if (!ctx.signal.aborted) await allRunsSection(ctx, runs, items);
}

// ---- one interface -------------------------------------------------------------------------------

async function interfaceScreen(root, ctx, interfaceId, tab) {
  const known = TABS.find(([id]) => id === tab) || TABS[0];
  // The lists the settings name (channels, contacts…) only for the General tab.
  const [item, choices] = await Promise.all([api.get(interfacePath(interfaceId)), known[2] ? null : interfaceChoices(ctx)]);
  if (ctx.signal.aborted) return;
  ctx.setTitle("Distributors", item.name, known[1]);
  const problem = errorBox("distributor-error");
  const body = h("div", { id: "distributor-tab", "data-tab": known[0] });
  const tabs = h("nav", { class: "buttons compact", id: "distributor-tabs", "aria-label": `Interface ${item.name}` },
    h("a", { href: `#/${SCREEN}`, class: "button small", "data-action": "back" }, "All interfaces"),
    TABS.map(([id, text]) => h("a", {
      href: interfaceHref(item.id, id), class: "button small", "data-tab": id, "aria-current": id === known[0] ? "page" : null,
      // the page's stylesheet has no "current" look for link buttons: the primary button's colours
      style: id === known[0] ? "background: var(--accent); border-color: var(--accent); color: var(--accent-ink)" : null,
    }, text)));
  fill(root,
    h("p", { class: "lead", id: "distributor-head" }, h("strong", {}, item.name), " · ", badge(item.status),
      ` · ${ADAPTERS[item.connection.adapter] || item.connection.adapter}`),
    tabs, problem, body);
  const panelCtx = { ...ctx, showError: (error) => showError(problem, error), clearError: () => clearErrors(problem) };
  if (known[2]) {
    await known[2](panelCtx, body, item, choices);
    return;
  }
  general(panelCtx, body, item, choices, () => interfaceScreen(root, ctx, interfaceId, tab).catch(ctx.showError));
}

function general(ctx, body, item, choices, redraw) {
  const editor = h("section", { class: "card editor-card", id: "distributor-editor", hidden: true });
  const problem = errorBox("distributor-general-error");
  fill(body,
    h("section", { class: "card", "aria-labelledby": "distributor-general-title" },
      h("h2", { id: "distributor-general-title" }, "Settings"),
      problem,
      interfaceSummary(item, choices),
      h("div", { class: "buttons" },
        ctx.can(AREA, "modify") ? h("button", {
          type: "button", class: "primary", id: "distributor-edit",
          onclick: () => interfaceForm(ctx, editor, item, choices, {
            onSaved: redraw,
            onCancel: () => { editor.hidden = true; fill(editor); body.querySelector("#distributor-edit")?.focus(); },
          }),
        }, "Edit settings") : null,
        ctx.can(AREA, "delete") ? h("button", {
          type: "button", class: "danger", id: "distributor-delete",
          onclick: async (event) => {
            const button = event.currentTarget;
            if (!(await confirmAction(`Delete interface ${item.name}, its mappings and its password? This cannot be undone.`))) {
              button.focus();
              return;
            }
            try {
              await api.del(`${interfacePath(item.id)}?version=${item.version}`);
              ctx.notify(`Interface ${item.name} deleted.`);
              location.hash = `#/${SCREEN}`;
            } catch (error) {
              showError(problem, error);
            }
          },
        }, "Delete interface") : null)),
    editor);
}
