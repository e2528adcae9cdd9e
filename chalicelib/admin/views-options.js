// Options screen (#/options, #/options/<option id>, #/options?contact_id=…): search the options, act on
// the selected ones as each one's allowed_actions and the operator's rights allow (refuse, validate many
// at once…), record a contact's request or a direct option, and open one: its request, its confirmation
// (placement, deadline, order, history), the form to place it; print its summary, email it again.
// This file: the search and the list; options-actions.js, options-detail.js and options-forms.js: the rest.

import { api } from "./api.js";
import { deadlineNode, expiresSoon } from "./deadlines.js";
import { clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { buildToolbar, updateToolbar } from "./options-actions.js";
import {
  chooser, contactText, FILTERS, ID, namesOf, orderLink, performanceText, placedOf, requestedOf, stateBadge, STATES,
} from "./options-common.js";
import { showOption } from "./options-detail.js";
import { label } from "./rights.js";

export default {
  id: ID,
  title: "Options",
  area: "options",
  async render(root, ctx) {
    const { optionId, params } = hashRoute();
    const view = {
      ctx,
      names: await namesOf(ctx),
      problem: errorBox("options-error"),
      toolbar: h("div", { class: "buttons toolbar", id: "options-actions", role: "toolbar", "aria-label": "Actions on the selected options" }),
      selection: h("p", { class: "muted", id: "options-selection", "aria-live": "polite" }),
      list: h("div", { id: "options-list", class: "scroll", "data-testid": "options" }),
      editor: h("section", { class: "card editor-card", id: "option-editor", hidden: true }),
      detail: h("section", { class: "card", id: "option-detail", "aria-live": "polite", hidden: true }),
      options: new Map(),
      selected: new Set(),
      query: {},
      shown: null,
    };
    if (ctx.signal.aborted) return;
    view.form = searchForm(view, params);
    buildToolbar(view);
    fill(root,
      h("p", { class: "muted" }, "Options are provisional holds for groups: a contact asks for places, an operator ",
        "places them (the quantities granted), then validates them into a reservation order."),
      view.form, view.problem, view.toolbar, view.selection, view.editor, view.list, view.detail);
    await search(view);
    if (optionId && !ctx.signal.aborted) await showOption(view, optionId, false);
  },
};

/** The option id and query of the hash: #/options/<id>?contact_id=… */
export function hashRoute() {
  const [path, query = ""] = location.hash.split("?");
  const optionId = path.split("/")[2];
  return { optionId: optionId ? decodeURIComponent(optionId) : "", params: new URLSearchParams(query) };
}

// ---- search ---------------------------------------------------------------------------------------

export function searchForm(view, params) {
  const { names } = view;
  const form = h("form", { id: "options-search", role: "search", novalidate: true, "aria-label": "Search options" },
    h("div", { class: "row" },
      field("Contact", chooser("options-contact", "contact_id", names.contacts.values(), contactText(names))),
      field("Option number", h("input", {
        id: "options-number", name: "number", type: "number", min: 1, step: 1, autocomplete: "off",
      })),
      field("State", h("select", { id: "options-state", name: "state" }, h("option", { value: "" }, "— any —"),
        STATES.map((s) => h("option", { value: s }, label(s))))),
      field("Placement", h("select", { id: "options-placement", name: "placement" },
        h("option", { value: "" }, "— any —"),
        h("option", { value: "placed" }, "Placed (places granted)"),
        h("option", { value: "not_placed" }, "Not placed"))),
      field("Taken up", h("select", { id: "options-taken-up", name: "taken_up" },
        h("option", { value: "" }, "— any —"),
        h("option", { value: "with" }, "With (order paid)"),
        h("option", { value: "without" }, "Without")))),
    h("div", { class: "row" },
      field("Season", chooser("options-season", "season_id", names.seasons.values(), (s) => s.name)),
      field("Activity", chooser("options-activity", "activity_id", names.activities.values(), (a) => a.name)),
      field("Event", chooser("options-event", "event_id", names.events.values(), (e) => e.name)),
      field("Performance", chooser("options-performance", "performance_id", names.performances.values(),
        performanceText(names)))),
    h("div", { class: "field", "data-field": "only_expired" }, h("label", { class: "check" },
      h("input", { type: "checkbox", id: "options-only-expired", name: "only_expired" }), " Only expired options"),
      " ", h("label", { class: "check" },
        h("input", { type: "checkbox", id: "options-expiring-soon", name: "expiring_soon" }),
        " Expiring soon (deadline within 24 h)")),
    h("div", { class: "buttons" },
      h("button", { type: "submit", class: "primary", id: "options-search-submit" }, "Search"),
      h("button", {
        type: "button", id: "options-clear",
        onclick: () => {
          form.reset();
          form.requestSubmit();
        },
      }, "Clear")));
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value && form.elements[name]) form.elements[name].value = value;
  }
  if (params.get("only_expired") === "true") form.elements.only_expired.checked = true;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    whileBusy(form.querySelector("#options-search-submit"), () => search(view));
  });
  return form;
}

export async function search(view) {
  const { ctx, form } = view;
  clearErrors(view.problem, form);
  view.query = Object.fromEntries(FILTERS.map((name) => [name, form.elements[name]?.value.trim() ?? ""])
    .filter(([, value]) => value));
  if (form.elements.only_expired.checked) view.query.only_expired = "true";
  const number = form.elements.number.value.trim();
  try {
    const answer = await api.get(`/backoffice/options?${new URLSearchParams(view.query)}`);
    if (ctx.signal.aborted) return;
    const soonOnly = form.elements.expiring_soon.checked; // the API has no such filter: kept here
    const found = answer.options.filter((o) => !soonOnly || expiresSoon(o.deadline)).sort((a, b) => b.number - a.number);
    view.options = new Map(found.map((o) => [o.option_id, o]));
    view.scopeNote = answer.scope_note || null; // options left out: outside the operator's scope
    for (const id of [...view.selected]) if (!view.options.has(id)) view.selected.delete(id);
    renderList(view, number);
    updateToolbar(view);
  } catch (error) {
    if (!ctx.signal.aborted) showError(view.problem, error, form);
  }
}


export function renderList(view, number) {
  const { names } = view;
  const options = [...view.options.values()];
  const note = view.scopeNote ? h("p", { class: "muted", "data-testid": "scope-note" }, view.scopeNote) : null;
  if (!options.length) {
    return fill(view.list, note, h("p", { "data-testid": "no-options" },
      Object.keys(view.query).length || number || view.form.elements.expiring_soon.checked
        ? "No option matches this search." : "No options yet."));
  }
  const all = h("input", {
    type: "checkbox", id: "options-select-all", "aria-label": "Select every option listed",
    checked: options.every((o) => view.selected.has(o.option_id)),
    onchange: (event) => {
      for (const o of options) {
        if (event.currentTarget.checked) view.selected.add(o.option_id);
        else view.selected.delete(o.option_id);
      }
      for (const box of view.list.querySelectorAll("input.pick")) box.checked = event.currentTarget.checked;
      updateToolbar(view);
    },
  });
  const head = h("tr", {}, h("th", { scope: "col" }, all),
    ["No.", "Contact", "Event · performance", "State", "Requested", "Placed", "Deadline", "Order"]
      .map((t) => h("th", { scope: "col", class: t === "Requested" || t === "Placed" ? "num" : null }, t)));
  const rows = options.map((option) => h("tr", {
    "data-option": option.option_id, "data-number": option.number, "data-state": option.state,
    class: view.shown === option.option_id ? "current" : null,
  },
    h("td", {}, h("input", {
      type: "checkbox", class: "pick", "aria-label": `Select option ${option.number}`,
      checked: view.selected.has(option.option_id),
      onchange: (event) => {
        if (event.currentTarget.checked) view.selected.add(option.option_id);
        else view.selected.delete(option.option_id);
        all.checked = options.every((o) => view.selected.has(o.option_id));
        updateToolbar(view);
      },
    })),
    h("td", {}, h("button", {
      type: "button", class: "small", "data-action": "open", "aria-label": `Open option No. ${option.number}`,
      onclick: (event) => whileBusy(event.currentTarget, () => showOption(view, option.option_id)),
    }, `No. ${option.number}`)),
    h("td", {}, names.contact(option.contact_id),
      option.company_id ? h("div", { class: "muted" }, names.company(option.company_id)) : null),
    h("td", {}, names.performance(option.placed_performance_id || option.performance_id)),
    h("td", {}, stateBadge(option)),
    h("td", { class: "num", "data-col": "requested" }, String(requestedOf(option))),
    h("td", { class: "num", "data-col": "placed" }, option.placed.length ? String(placedOf(option)) : "–"),
    h("td", { "data-col": "deadline" },
      deadlineNode(option.deadline, Date.now(), names.zone(option.placed_performance_id || option.performance_id))),
    h("td", {}, option.order_id ? orderLink(option.order_id) : "–")));
  fill(view.list, note, h("table", { id: "options-table", "data-testid": "options-table" },
    h("caption", { class: "sr-only" }, "Options, newest first"), h("thead", {}, head), h("tbody", {}, rows)));
}
