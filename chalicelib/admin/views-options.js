// Options screen (#/options, #/options/<option id>, #/options?contact_id=…): search the options, act on
// the selected ones as each one's allowed_actions and the operator's rights allow (refuse, validate many
// at once…), record a contact's request or a direct option, and open one: its request, its confirmation
// (placement, deadline, order, history), the form to place it; print its summary, email it again.

import { ApiError, api, seg, session } from "./api.js";
import { listAll } from "./crud.js";
import {
  checkRequired, clearErrors, confirmAction, errorBox, field, fill, formatTime, h, showError, whileBusy,
} from "./dom.js";
import { label } from "./rights.js";

const ID = "options";
const STATES = [
  "requested", "placed", "refusal_pending", "waiting_list", "validated", "taken_up", "refused", "cancelled", "expired",
];
const FILTERS = [
  "contact_id", "season_id", "activity_id", "event_id", "performance_id", "state", "placement", "taken_up", "number",
];
const MAX_FALLBACKS = 3;
const STATE_BADGE = {
  requested: "run", placed: "run", validated: "ok", taken_up: "ok", refusal_pending: "bad", refused: "bad",
  waiting_list: "off", cancelled: "off", expired: "bad",
};

// The operator's actions on an option: `action` as listed in its allowed_actions, the right it needs
// (in its own option area, or the same action in the whole "options" area), and its route (validate
// takes many options in one call).
const ACTIONS = [
  { action: "refuse", text: "Refuse", area: "option_refusals", right: "modify", path: "refuse", done: "refused (pending)" },
  {
    action: "cancel_refusal", text: "Cancel refusal", area: "option_refusal_cancellations", right: "modify",
    path: "cancel-refusal", done: "refusal cancelled",
  },
  { action: "validate", text: "Validate", area: "option_orders", right: "execute", done: "validated" },
  {
    action: "cancel_validation", text: "Cancel validation", area: "option_order_cancellations", right: "execute",
    path: "cancel-validation", done: "validation cancelled",
    confirm: (which) => [`Cancel the validation of ${which}? Its places leave the reservation order (cancelled if ` +
      "nothing else is in it); the seats stay held.", "Cancel the validation"],
  },
  {
    action: "firm", text: "Make firm", area: "option_firm_placements", right: "execute", path: "firm", done: "made firm",
    confirm: (which) => [`Make ${which} firm? A firm option no longer changes.`, "Make firm"],
  },
  {
    action: "put_on_waiting_list", text: "Put on waiting list", area: "option_waiting_list", right: "modify",
    path: "waiting-list", done: "put on the waiting list",
  },
  {
    action: "back_to_refused", text: "Back to refused", area: "option_waiting_list_returns", right: "modify",
    path: "back-to-refused", done: "sent back to refused",
  },
];

/** Whether the operator may take `spec`'s action: its option area's right, or the "options" area's. */
const mayDo = (ctx, spec) => ctx.can(spec.area, spec.right) || ctx.can("options", spec.right);

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
function hashRoute() {
  const [path, query = ""] = location.hash.split("?");
  const optionId = path.split("/")[2];
  return { optionId: optionId ? decodeURIComponent(optionId) : "", params: new URLSearchParams(query) };
}

// ---- names of what options refer to (empty maps without the rights to read them) --------------------

async function namesOf(ctx) {
  const read = (area, plural) => (ctx.can(area, "read") ? listAll(plural).catch(() => []) : Promise.resolve([]));
  const [contacts, companies, performances, events, seasons, activities, categories, quotas, audiences, channels] =
    await Promise.all([
      read("contacts", "contacts"), read("contacts", "companies"),
      read("catalog", "performances"), read("catalog", "events"), read("catalog", "seasons"),
      read("catalog", "activities"), read("catalog", "seat-categories"), read("catalog", "quotas"),
      read("catalog", "audience-subcategories"), read("catalog", "sales-channels"),
    ]);
  const byId = (items) => new Map(items.map((item) => [item.id, item]));
  const names = {
    contacts: byId([...contacts].sort((a, b) => a.name.localeCompare(b.name))),
    companies: byId(companies),
    performances: byId([...performances].sort((a, b) => String(a.starts_at).localeCompare(String(b.starts_at)))),
    events: byId([...events].sort((a, b) => a.name.localeCompare(b.name))),
    seasons: byId(seasons),
    activities: byId(activities),
    categories: byId([...categories].sort((a, b) => a.rank - b.rank)),
    quotas: byId(quotas),
    audiences: byId(audiences),
    channels: byId(channels),
  };
  const name = (map, id) => map.get(id)?.name || id || "–";
  names.contact = (id) => {
    const contact = names.contacts.get(id);
    return contact ? contact.name : id;
  };
  names.company = (id) => (id ? name(names.companies, id) : "–");
  names.event = (id) => name(names.events, id);
  names.category = (id) => name(names.categories, id);
  names.quota = (id) => (id ? name(names.quotas, id) : "Any quota");
  names.performance = (id) => {
    const p = names.performances.get(id);
    if (!p) return id || "–";
    return `${names.event(p.event_id)} · ${formatTime(p.starts_at).slice(0, 16)}`;
  };
  names.by = (by) => (by?.startsWith("contact:") ? `${names.contact(by.slice(8))} (customer)` : by || "");
  return names;
}

/** A <select> of `items` (id -> text), or a text input for an id when there is nothing to choose from. */
function chooser(id, name, items, text, blank = "— any —", { required = false } = {}) {
  const list = [...items];
  if (!list.length) {
    return h("input", { id, name, maxlength: 64, autocomplete: "off", spellcheck: "false", placeholder: "Id", required });
  }
  return h("select", { id, name, required }, h("option", { value: "" }, blank),
    list.map((item) => h("option", { value: item.id }, text(item))));
}

function contactText(names) {
  return (c) => [c.name, c.company_id ? names.company(c.company_id) : null].filter(Boolean).join(" · ") +
    (c.relay ? " (relay)" : "");
}

function performanceText(names) {
  return (p) => `${names.performance(p.id)} (${p.code})`;
}

// ---- search ---------------------------------------------------------------------------------------

function searchForm(view, params) {
  const { names } = view;
  const form = h("form", { id: "options-search", novalidate: true, "aria-label": "Search options" },
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
      h("input", { type: "checkbox", id: "options-only-expired", name: "only_expired" }), " Only expired options")),
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

async function search(view) {
  const { ctx, form } = view;
  clearErrors(view.problem, form);
  view.query = Object.fromEntries(FILTERS.map((name) => [name, form.elements[name]?.value.trim() ?? ""])
    .filter(([, value]) => value));
  if (form.elements.only_expired.checked) view.query.only_expired = "true";
  const number = form.elements.number.value.trim();
  try {
    const answer = await api.get(`/backoffice/options?${new URLSearchParams(view.query)}`);
    if (ctx.signal.aborted) return;
    const found = answer.options.sort((a, b) => b.number - a.number);
    view.options = new Map(found.map((o) => [o.option_id, o]));
    for (const id of [...view.selected]) if (!view.options.has(id)) view.selected.delete(id);
    renderList(view, number);
    updateToolbar(view);
  } catch (error) {
    if (!ctx.signal.aborted) showError(view.problem, error, form);
  }
}

const sum = (values) => values.reduce((total, n) => total + n, 0);
const requestedOf = (option) => sum(Object.values(option.requested));
const placedOf = (option) => sum(option.placed.map((line) => line.quantity));

function stateBadge(option) {
  return [
    h("span", {
      class: `badge ${STATE_BADGE[option.state] || "off"}`, "data-testid": "state", "data-state": option.state,
    }, label(option.state)),
    option.waiting_and_fits ? [" ", h("span", {
      class: "badge ok fits", "data-testid": "fits", title: "Places are free again for this waiting option",
    }, "Fits now")] : null,
    option.firm ? [" ", h("span", { class: "badge ok", "data-testid": "firm" }, "Firm")] : null,
  ];
}

function orderLink(orderId, id) {
  return h("a", { href: `#/orders/${seg(orderId)}`, id, "data-action": "order", "aria-label": `Order ${orderId}` },
    h("code", {}, orderId));
}

function renderList(view, number) {
  const { names } = view;
  const options = [...view.options.values()];
  if (!options.length) {
    return fill(view.list, h("p", { "data-testid": "no-options" },
      Object.keys(view.query).length || number ? "No option matches this search." : "No option yet."));
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
      type: "button", class: "small", "data-action": "open", "aria-label": `Open option ${option.number}`,
      onclick: (event) => whileBusy(event.currentTarget, () => showOption(view, option.option_id)),
    }, `No. ${option.number}`)),
    h("td", {}, names.contact(option.contact_id),
      option.company_id ? h("div", { class: "muted" }, names.company(option.company_id)) : null),
    h("td", {}, names.performance(option.placed_performance_id || option.performance_id)),
    h("td", {}, stateBadge(option)),
    h("td", { class: "num", "data-col": "requested" }, String(requestedOf(option))),
    h("td", { class: "num", "data-col": "placed" }, option.placed.length ? String(placedOf(option)) : "–"),
    h("td", { title: option.deadline || "" }, option.deadline ? formatTime(option.deadline).slice(0, 16) : "–"),
    h("td", {}, option.order_id ? orderLink(option.order_id) : "–")));
  fill(view.list, h("table", { id: "options-table", "data-testid": "options-table" },
    h("caption", { class: "sr-only" }, "Options, newest first"), h("thead", {}, head), h("tbody", {}, rows)));
}

// ---- actions on the selected options -------------------------------------------------------------------

function buildToolbar(view) {
  const { ctx } = view;
  // whileBusy enables its button again when done: the selection then says whether it should be.
  const busy = (action) => async (event) => {
    await whileBusy(event.currentTarget, action);
    updateToolbar(view);
  };
  const button = (id, text, onclick) =>
    h("button", { type: "button", id: `options-act-${id}`, "data-action": id, onclick }, text);
  const selected = () => [...view.selected].map((id) => view.options.get(id)).filter(Boolean);
  const one = () => selected()[0];
  fill(view.toolbar,
    ACTIONS.filter((spec) => mayDo(ctx, spec)).map((spec) => button(spec.action, spec.text,
      busy(() => runAction(view, spec, selected())))),
    h("span", { class: "toolbar-gap", "aria-hidden": "true" }),
    ctx.can("options", "create") ? [
      button("new", "New request", () => openRequestForm(view)),
      button("direct", "Direct option", () => openDirectForm(view)),
      button("duplicate", "Duplicate", busy(() => duplicate(view, one()))),
    ] : null,
    button("print", "Print summary", busy(() => printSummary(view, one()))),
    ctx.can("options", "execute")
      ? button("email", "Email confirmation again", busy(() => emailAgain(view, one())))
      : null,
    button("report", "Report", () => openReport(view)));
}

function updateToolbar(view) {
  const chosen = [...view.selected].map((id) => view.options.get(id)).filter(Boolean);
  for (const spec of ACTIONS) {
    const node = view.toolbar.querySelector(`[data-action="${spec.action}"]`);
    if (!node || node.getAttribute("aria-busy")) continue;
    const refusing = chosen.filter((o) => !o.allowed_actions.includes(spec.action));
    node.disabled = !chosen.length || refusing.length > 0;
    node.title = !chosen.length ? "Select options first"
      : refusing.length ? `Not possible for option ${refusing.map((o) => o.number).join(", ")}` : "";
  }
  for (const id of ["duplicate", "print", "email"]) {
    const node = view.toolbar.querySelector(`[data-action="${id}"]`);
    if (!node || node.getAttribute("aria-busy")) continue;
    node.disabled = chosen.length !== 1;
    node.title = chosen.length === 1 ? "" : "Select one option";
  }
  view.selection.textContent = !chosen.length ? "No option selected."
    : chosen.length === 1 ? `Option ${chosen[0].number} selected.`
      : `${chosen.length} options selected: ${chosen.map((o) => o.number).join(", ")}.`;
}

const whichText = (options) => (options.length === 1 ? `option ${options[0].number}`
  : `options ${options.map((o) => o.number).join(", ")}`);

/** Run one action on `options` (validate: in one call); refresh the list and the option on show. */
async function runAction(view, spec, options, problem = view.problem) {
  const { ctx } = view;
  if (!options.length) return;
  clearErrors(problem);
  if (spec.confirm) {
    const [text, yes] = spec.confirm(whichText(options));
    if (!(await confirmAction(text, yes))) return;
  }
  const failures = [];
  const done = [];
  const orders = new Set();
  if (spec.action === "validate") {
    try {
      const answer = await api.post("/backoffice/options/validate", { option_ids: options.map((o) => o.option_id) });
      for (const outcome of answer.outcomes) {
        const option = options.find((o) => o.option_id === outcome.option_id);
        if (outcome.ok) {
          done.push(option);
          if (outcome.order_id) orders.add(outcome.order_id);
        } else failures.push({ field: `Option ${option?.number ?? outcome.option_id}`, reason: outcome.error || "refused" });
      }
    } catch (error) {
      showError(problem, error);
      return;
    }
  } else {
    for (const option of options) {
      try {
        await api.post(`/backoffice/options/${seg(option.option_id)}/${spec.path}`);
        done.push(option);
      } catch (error) {
        failures.push({ field: `Option ${option.number}`, reason: error.message });
      }
    }
  }
  if (ctx.signal.aborted) return;
  if (done.length) {
    const order = orders.size ? ` Reservation ${[...orders].join(", ")}.` : "";
    ctx.notify(`${label(whichText(done))} ${spec.done}.${order}`);
  }
  await search(view);
  if (view.shown && !ctx.signal.aborted) await showOption(view, view.shown, false);
  if (failures.length) {
    // The detail was drawn again: its new error box replaces the one the action started from.
    const box = problem.isConnected ? problem : view.detail.querySelector("#option-detail-error") || view.problem;
    showError(box, { message: `Not done for ${failures.length} option(s):`, fields: failures });
    box.scrollIntoView({ block: "nearest" });
  }
}

async function duplicate(view, option) {
  if (!option) return;
  clearErrors(view.problem);
  try {
    const copy = await api.post(`/backoffice/options/${seg(option.option_id)}/duplicate`);
    view.ctx.notify(`Option ${option.number} duplicated as option ${copy.number} (a new request).`);
    await search(view);
    await showOption(view, copy.option_id);
  } catch (error) {
    showError(view.problem, error);
  }
}

// The box office takes the option's order up: the amount due paid here, the tickets issued.
const TAKE_UP = [["cash", "Paid in cash"], ["card_terminal", "Paid by card (terminal)"]];

async function takeUp(view, option, method, problem = view.problem) {
  clearErrors(problem);
  try {
    const order = await api.post(`/backoffice/orders/${seg(option.order_id)}/take-up`, { method });
    view.ctx.notify(`Order ${order.order_id} of option ${option.number} is paid: its tickets are issued.`);
    await search(view);
    await showOption(view, option.option_id, false);
  } catch (error) {
    showError(problem, error);
  }
}

async function emailAgain(view, option, problem = view.problem) {
  if (!option) return;
  clearErrors(problem);
  try {
    const sent = await api.post(`/backoffice/options/${seg(option.option_id)}/confirmation`);
    view.ctx.notify(`Summary of option ${option.number} emailed to ${sent.to} (${sent.status}).`);
  } catch (error) {
    showError(problem, error);
  }
}

const ROOT = new URL("../", import.meta.url);

/** GET a file the API serves (a PDF, a CSV) with the operator's token; resolves to a Blob. */
export async function fetchFile(path, accept) {
  let response;
  try {
    response = await fetch(new URL(path.replace(/^\//, ""), ROOT), {
      headers: { Accept: accept, Authorization: `Bearer ${session.token}` },
    });
  } catch {
    throw new ApiError(0, "network_error", "The server could not be reached. Check the connection and try again.");
  }
  if (response.ok) return response.blob();
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (data && typeof data.message === "string") throw new ApiError(response.status, data.code, data.message, data.details);
  throw new ApiError(response.status, "http_error", `The server answered ${response.status}. Please try again.`);
}

/** Open the option's PDF summary in a new tab (a blob URL: the API needs the bearer token). */
async function printSummary(view, option, problem = view.problem) {
  if (!option) return;
  clearErrors(problem);
  // Opened now, while the click still counts, so that no popup blocker stops it; filled once read.
  const tab = window.open("", "_blank");
  try {
    const blob = await fetchFile(`/backoffice/options/${seg(option.option_id)}/summary.pdf`, "application/pdf");
    const url = URL.createObjectURL(new Blob([blob], { type: "application/pdf" }));
    setTimeout(() => URL.revokeObjectURL(url), 120_000);
    if (tab) tab.location.href = url;
    else {
      const link = h("a", { href: url, target: "_blank", id: "option-pdf-link", download: `option-${option.number}.pdf` },
        `Open the summary of option ${option.number}`);
      fill(problem, h("p", {}, "The browser blocked the new tab: ", link));
      problem.hidden = false;
    }
  } catch (error) {
    tab?.close();
    showError(problem, error);
  }
}

function openReport(view) {
  const keep = ["season_id", "event_id", "performance_id"].filter((name) => view.query[name]);
  const query = new URLSearchParams(keep.map((name) => [name, view.query[name]]));
  location.hash = `#/option-report${keep.length ? `?${query}` : ""}`;
}

// ---- one option ---------------------------------------------------------------------------------------

async function showOption(view, optionId, focus = true) {
  const { ctx } = view;
  clearErrors(view.problem);
  let option;
  try {
    option = await api.get(`/backoffice/options/${seg(optionId)}`);
  } catch (error) {
    if (!ctx.signal.aborted) showError(view.problem, error);
    return;
  }
  if (ctx.signal.aborted) return;
  view.shown = option.option_id;
  if (view.options.has(option.option_id)) {
    view.options.set(option.option_id, option);
    updateToolbar(view);
  }
  for (const row of view.list.querySelectorAll("tr[data-option]")) {
    row.classList.toggle("current", row.dataset.option === option.option_id);
  }
  history.replaceState(null, "", `#/${ID}/${seg(option.option_id)}`);
  renderDetail(view, option);
  view.detail.hidden = false;
  if (focus) {
    view.detail.scrollIntoView({ block: "start" });
    view.detail.querySelector("#option-close").focus({ preventScroll: true });
  }
}

function pairs(id, entries) {
  return h("dl", { class: "pairs", id }, entries.filter(Boolean).map(([k, v, key]) =>
    [h("dt", {}, k), h("dd", { "data-key": key || null }, v === null || v === undefined || v === "" ? "–" : v)]));
}

const SEATS_SHOWN = 12;

function seatsText(line) {
  if (line.area) return `Standing: ${line.area}`;
  if (!line.seat_ids.length) return line.holds_stock ? "–" : "Not held yet (taken when validated)";
  const more = line.seat_ids.length - SEATS_SHOWN;
  return line.seat_ids.slice(0, SEATS_SHOWN).join(", ") + (more > 0 ? ` and ${more} more` : "");
}

function renderDetail(view, option) {
  const { ctx, names } = view;
  const performance = names.performances.get(option.performance_id);
  const event = names.events.get(option.event_id);
  const contact = names.contacts.get(option.contact_id);
  const problem = errorBox("option-detail-error");
  const request = h("section", { class: "pane", id: "option-request", "aria-labelledby": "option-request-title" },
    h("h3", { id: "option-request-title" }, "Request"),
    pairs("option-request-pairs", [
      ["State", stateBadge(option), "state"],
      ["Contact", [names.contact(option.contact_id), contact?.email ? h("div", { class: "muted" }, contact.email) : null], "contact"],
      ["Company", names.company(option.company_id), "company"],
      event ? ["Season", names.seasons.get(event.season_id)?.name || event.season_id, "season"] : null,
      event ? ["Activity", names.activities.get(event.activity_id)?.name || event.activity_id, "activity"] : null,
      ["Event", names.event(option.event_id), "event"],
      ["Performance", [names.performance(option.performance_id), performance ? ` (${performance.code})` : ""], "performance"],
      ["Fallback dates", option.fallback_performance_ids.length
        ? h("ol", { class: "plain", id: "option-fallbacks" }, option.fallback_performance_ids.map((id) =>
          h("li", { "data-performance": id }, names.performance(id))))
        : "None", "fallbacks"],
      ["Places asked", Object.keys(option.requested).length
        ? h("ul", { class: "plain", id: "option-requested" }, Object.entries(option.requested).map(([category, n]) =>
          h("li", { "data-category": category }, `${names.category(category)}: ${n}`)))
        : "None (a direct option)", "requested"],
      ["Next category up accepted", option.accept_upgrade ? "Yes" : "No", "accept_upgrade"],
      ["Remark", option.remark, "remark"],
      ["Asked on", formatTime(option.created_at).slice(0, 16), "created_at"],
      ["By", names.by(option.created_by), "created_by"],
      ["Sales channel", option.channel_id ? names.channels.get(option.channel_id)?.name || option.channel_id : "Back office", "channel"],
      ["Editable until", option.editable_until ? formatTime(option.editable_until).slice(0, 16) : "", "editable_until"],
    ]));
  const placedLines = option.placed.length ? h("div", { class: "scroll" }, h("table", { id: "option-placed-lines", "data-testid": "option-placed-lines" },
    h("caption", { class: "sr-only" }, "Places granted"),
    h("thead", {}, h("tr", {}, ["Category", "Quota", "Places", "Seats", "Holds stock"].map((t) =>
      h("th", { scope: "col", class: t === "Places" ? "num" : null }, t)))),
    h("tbody", {}, option.placed.map((line) => h("tr", { "data-category": line.category_id, "data-quota": line.quota_id || "" },
      h("td", {}, names.category(line.category_id)), h("td", {}, names.quota(line.quota_id)),
      h("td", { class: "num", "data-col": "quantity" }, String(line.quantity)),
      h("td", { class: "seats", title: line.seat_ids.join(", ") || null }, seatsText(line)),
      h("td", {}, line.holds_stock ? "Yes" : "No")))))) : null;
  const confirmation = h("section", { class: "pane", id: "option-confirmation", "aria-labelledby": "option-confirmation-title" },
    h("h3", { id: "option-confirmation-title" }, "Confirmation"),
    option.placed.length || option.order_id ? [
      pairs("option-confirmation-pairs", [
        ["Placed on", names.performance(option.placed_performance_id || option.performance_id), "placed_performance"],
        ["Places granted", String(placedOf(option)), "placed"],
        ["Confirm by", option.deadline ? formatTime(option.deadline).slice(0, 16) : "", "deadline"],
        ["Audience", option.audience_subcategory_id ? names.audiences.get(option.audience_subcategory_id)?.name || option.audience_subcategory_id : "", "audience"],
        ["Payment date", option.payment_date, "payment_date"],
        ["Firm", option.firm ? "Yes: it no longer changes" : "No", "firm"],
        ["Order", option.order_id ? orderLink(option.order_id, "option-order-link") : "Not ordered yet", "order"],
      ]),
      placedLines,
    ] : h("p", { class: "muted", id: "option-not-placed" }, "Not placed yet: no places granted."));
  const allowed = ACTIONS.filter((spec) => option.allowed_actions.includes(spec.action) && mayDo(ctx, spec));
  const actions = h("div", { class: "buttons", id: "option-detail-actions" },
    allowed.map((spec) => h("button", {
      type: "button", "data-action": spec.action, class: spec.action === "validate" ? "primary" : null,
      onclick: (event) => whileBusy(event.currentTarget, () => runAction(view, spec, [option], problem)),
    }, spec.text)),
    h("button", {
      type: "button", id: "option-print", onclick: (event) => whileBusy(event.currentTarget, () => printSummary(view, option, problem)),
    }, "Print summary"),
    ctx.can("options", "execute") ? h("button", {
      type: "button", id: "option-email", onclick: (event) => whileBusy(event.currentTarget, () => emailAgain(view, option, problem)),
    }, "Email confirmation again") : null,
    ctx.can("options", "create") ? h("button", {
      type: "button", id: "option-duplicate", onclick: (event) => whileBusy(event.currentTarget, () => duplicate(view, option)),
    }, "Duplicate") : null,
    option.state === "validated" && option.order_id && ctx.can("orders", "execute")
      ? TAKE_UP.map(([method, text]) => h("button", {
        type: "button", id: `option-take-up-${method}`, "data-method": method,
        onclick: (event) => whileBusy(event.currentTarget, () => takeUp(view, option, method, problem)),
      }, text))
      : null,
    h("button", {
      type: "button", id: "option-close",
      onclick: () => {
        view.detail.hidden = true;
        view.shown = null;
        history.replaceState(null, "", `#/${ID}`);
        for (const row of view.list.querySelectorAll("tr.current")) row.classList.remove("current");
        view.list.querySelector(`tr[data-option="${CSS.escape(option.option_id)}"] [data-action=open]`)?.focus();
      },
    }, "Close"));
  const canModify = ctx.can("options", "modify");
  const placing = canModify && option.allowed_actions.includes("place") ? placeForm(view, option, "place")
    : canModify && option.allowed_actions.includes("modify_placement") ? placeForm(view, option, "modify") : null;
  fill(view.detail,
    h("h2", { id: "option-detail-title" }, `Option ${option.number}`, " · ", names.event(option.event_id)),
    h("p", { class: "muted" }, names.contact(option.contact_id), option.company_id ? ` · ${names.company(option.company_id)}` : ""),
    problem,
    actions,
    h("div", { class: "option-panes" }, request, confirmation),
    placing,
    h("h3", {}, "History"),
    h("ol", { id: "option-history", class: "history" }, option.history.map((entry) => h("li", { "data-state": entry.state },
      h("span", { class: "muted" }, formatTime(entry.at)), " ", h("strong", {}, label(entry.state || "")),
      entry.action && entry.action !== entry.state ? ` (${label(entry.action)})` : "",
      entry.by ? ` by ${names.by(entry.by)}` : "",
      entry.order_id ? [" · order ", h("code", {}, entry.order_id)] : "",
      entry.note ? ` · ${entry.note}` : ""))));
  view.detail.setAttribute("aria-labelledby", "option-detail-title");
}

// ---- lines of places: category, quantity, quota ----------------------------------------------------

/** An editor of lines {category_id, quantity, quota_id?}; `read()` -> {lines} or {error}. */
function linesEditor(view, prefix, rows, { quotas = true, legend = "Places" } = {}) {
  const { names } = view;
  const categories = [...names.categories.values()].filter((c) => c.option_allowed !== false);
  const body = h("tbody");
  let count = 0;
  const addRow = (row = {}) => {
    const n = count++;
    const category = categories.length
      ? h("select", { id: `${prefix}-category-${n}`, "data-sub": "category_id", "aria-label": `Seat category, line ${n + 1}` },
        h("option", { value: "" }, "— choose —"), categories.map((c) => h("option", { value: c.id }, c.name)))
      : h("input", { id: `${prefix}-category-${n}`, "data-sub": "category_id", maxlength: 64, placeholder: "Category id", "aria-label": `Seat category, line ${n + 1}` });
    category.value = row.category_id || "";
    const quota = !quotas ? null : names.quotas.size
      ? h("select", { id: `${prefix}-quota-${n}`, "data-sub": "quota_id", "aria-label": `Quota, line ${n + 1}` },
        h("option", { value: "" }, "— any —"), [...names.quotas.values()].map((q) => h("option", { value: q.id }, q.name)))
      : h("input", { id: `${prefix}-quota-${n}`, "data-sub": "quota_id", maxlength: 64, placeholder: "Any", "aria-label": `Quota, line ${n + 1}` });
    if (quota) quota.value = row.quota_id || "";
    body.append(h("tr", { "data-line": n },
      h("td", {}, category),
      h("td", {}, h("input", {
        id: `${prefix}-quantity-${n}`, "data-sub": "quantity", type: "number", min: 1, max: 10000, step: 1,
        value: row.quantity ?? "", "aria-label": `Places, line ${n + 1}`,
      })),
      quota ? h("td", {}, quota) : null,
      h("td", {}, h("button", {
        type: "button", class: "small danger", "aria-label": `Remove line ${n + 1}`,
        onclick: (event) => event.currentTarget.closest("tr").remove(),
      }, "Remove"))));
  };
  for (const row of rows.length ? rows : [{}]) addRow(row);
  const node = h("fieldset", { class: "field", "data-field": "lines", id: `${prefix}-lines` },
    h("legend", {}, legend),
    h("table", { class: "rows" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Seat category"), h("th", { scope: "col" }, "Places"),
        quotas ? h("th", { scope: "col" }, "Quota") : null, h("th", {}, h("span", { class: "sr-only" }, "Remove")))),
      body),
    h("button", { type: "button", class: "small", id: `${prefix}-add-line`, onclick: () => addRow() }, "Add a line"));
  const read = () => {
    const lines = [];
    for (const tr of body.querySelectorAll("tr")) {
      const category = tr.querySelector("[data-sub=category_id]").value.trim();
      const quantityText = tr.querySelector("[data-sub=quantity]").value.trim();
      const quota = tr.querySelector("[data-sub=quota_id]")?.value.trim() || null;
      if (!category && !quantityText) continue;
      const quantity = Number(quantityText);
      if (!category) return { error: "Choose the seat category of every line." };
      if (!Number.isInteger(quantity) || quantity < 1) return { error: "Enter a whole number of places (1 or more) on every line." };
      lines.push(quotas ? { category_id: category, quantity, quota_id: quota } : { category_id: category, quantity });
    }
    return lines.length ? { lines } : { error: "Enter at least one line of places." };
  };
  return { node, read };
}

function placeForm(view, option, mode) {
  const { names } = view;
  const placing = mode === "place";
  const problem = errorBox("option-place-error");
  const dates = [option.performance_id, ...option.fallback_performance_ids];
  const rows = placing
    ? Object.entries(option.requested).map(([category_id, quantity]) => ({ category_id, quantity }))
    : option.placed.map((line) => ({ category_id: line.category_id, quantity: line.quantity, quota_id: line.quota_id }));
  const lines = linesEditor(view, "option-place", rows, { legend: "Places granted" });
  const audiences = [...names.audiences.values()];
  const form = h("form", { id: "option-place-form", novalidate: true, "data-mode": mode },
    problem,
    placing
      ? field("Performance", h("select", { id: "option-place-performance", name: "performance_id" },
        dates.map((id, n) => h("option", { value: id }, `${n ? `Fallback ${n}` : "Requested"}: ${names.performance(id)}`))),
      option.accept_upgrade ? "The customer accepts the next category up if theirs is full." : null)
      : h("p", {}, "On ", h("strong", {}, names.performance(option.placed_performance_id || option.performance_id)), "."),
    lines.node,
    placing ? h("div", { class: "row" },
      field("Audience (option rate)", audiences.length
        ? h("select", { id: "option-place-audience", name: "audience_subcategory_id" }, h("option", { value: "" }, "— none —"),
          audiences.map((a) => h("option", { value: a.id }, a.name)))
        : h("input", { id: "option-place-audience", name: "audience_subcategory_id", maxlength: 64, placeholder: "Id" })),
      field("Payment date", h("input", { id: "option-place-payment", name: "payment_date", type: "date" }))) : null,
    h("div", { class: "buttons" },
      h("button", { type: "submit", class: "primary", id: "option-place-submit" }, placing ? "Place option" : "Save placement")));
  if (placing) {
    if (option.audience_subcategory_id) form.elements.audience_subcategory_id.value = option.audience_subcategory_id;
    if (option.payment_date) form.elements.payment_date.value = option.payment_date;
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(problem, form);
    const read = lines.read();
    if (read.error) {
      showError(problem, { message: read.error }, form);
      return;
    }
    await whileBusy(form.querySelector("#option-place-submit"), async () => {
      try {
        if (placing) {
          const body = { performance_id: form.elements.performance_id.value, lines: read.lines };
          const audience = form.elements.audience_subcategory_id.value.trim();
          if (audience) body.audience_subcategory_id = audience;
          if (form.elements.payment_date.value) body.payment_date = form.elements.payment_date.value;
          await api.post(`/backoffice/options/${seg(option.option_id)}/place`, body);
        } else {
          await api.put(`/backoffice/options/${seg(option.option_id)}/placement`, { lines: read.lines });
        }
      } catch (error) {
        showError(problem, error, form);
        return;
      }
      view.ctx.notify(`Option ${option.number} ${placing ? "placed" : "placement changed"}.`);
      await search(view);
      await showOption(view, option.option_id, false);
    });
  });
  return h("section", { class: "card editor-card", id: "option-place", "aria-labelledby": "option-place-title" },
    h("h3", { id: "option-place-title" }, placing ? "Place this option" : "Change the placement"),
    h("p", { class: "muted" }, placing
      ? "Grant the places finally given: on the requested date or a fallback date, per seat category and quota."
      : "Until it is validated; the places held now go back first."),
    form);
}

// ---- new request, direct option ------------------------------------------------------------------

function closeEditor(view) {
  view.editor.hidden = true;
  fill(view.editor);
}

function editorFrame(view, title, form, cancelId) {
  fill(view.editor, h("h2", { id: "option-editor-title" }, title), form);
  form.querySelector(".buttons").append(h("button", { type: "button", id: cancelId, onclick: () => closeEditor(view) }, "Cancel"));
  view.editor.setAttribute("aria-labelledby", "option-editor-title");
  view.editor.hidden = false;
  view.editor.scrollIntoView({ block: "nearest" });
  form.querySelector("select,input,textarea")?.focus();
}

function contactAndPerformance(view, prefix) {
  const { names } = view;
  return [
    field("Contact", chooser(`${prefix}-contact`, "contact_id", names.contacts.values(), contactText(names), "— choose —",
      { required: true })),
    field("Performance", chooser(`${prefix}-performance`, "performance_id", names.performances.values(),
      performanceText(names), "— choose —", { required: true })),
  ];
}

async function created(view, option, text) {
  view.ctx.notify(text);
  closeEditor(view);
  await search(view);
  await showOption(view, option.option_id);
}

function openRequestForm(view) {
  const { names } = view;
  const problem = errorBox("option-new-error");
  const categories = [...names.categories.values()].filter((c) => c.option_allowed !== false);
  // With the categories known, one box per category (as the customer's form); else lines of ids.
  const lines = categories.length ? null : linesEditor(view, "option-new", [], { quotas: false });
  const quantities = categories.length ? h("fieldset", { class: "field", "data-field": "quantities", id: "option-new-quantities" },
    h("legend", {}, "Places per seat category"),
    h("div", { class: "row" }, categories.map((c) => field(c.name, h("input", {
      id: `option-new-qty-${c.id}`, "data-category": c.id, type: "number", min: 1, max: 10000, step: 1,
    }))))) : lines.node;
  const fallbacks = Array.from({ length: MAX_FALLBACKS }, (_, i) => field(`Fallback date ${i + 1}`,
    chooser(`option-new-fallback-${i + 1}`, "fallback", names.performances.values(), performanceText(names), "— none —")));
  const form = h("form", { id: "option-new-form", novalidate: true },
    problem,
    h("div", { class: "row" }, contactAndPerformance(view, "option-new")),
    h("div", { class: "row" }, fallbacks),
    quantities,
    h("div", { class: "field", "data-field": "accept_upgrade" }, h("label", { class: "check" },
      h("input", { type: "checkbox", id: "option-new-upgrade", name: "accept_upgrade" }),
      " If the category asked is full, the customer accepts the next one up")),
    field("Remark", h("textarea", { id: "option-new-remark", name: "remark", rows: 3, maxlength: 2000 })),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "option-new-submit" }, "Record request")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkRequired(form, problem)) return;
    const asked = {};
    if (lines) {
      const read = lines.read();
      if (read.error) return showError(problem, { message: read.error }, form);
      for (const line of read.lines) asked[line.category_id] = line.quantity;
    } else {
      for (const input of quantities.querySelectorAll("input[data-category]")) {
        const text = input.value.trim();
        if (!text) continue;
        const n = Number(text);
        if (!Number.isInteger(n) || n < 1) {
          return showError(problem, { message: "Enter whole numbers of places (1 or more).", fields: [{ field: "quantities", reason: "Whole numbers only." }] }, form);
        }
        asked[input.dataset.category] = n;
      }
      if (!Object.keys(asked).length) {
        return showError(problem, { message: "Ask for places in at least one seat category.", fields: [{ field: "quantities", reason: "Required." }] }, form);
      }
    }
    const body = {
      contact_id: form.elements.contact_id.value.trim(),
      performance_id: form.elements.performance_id.value.trim(),
      quantities: asked,
      fallback_performance_ids: [...form.querySelectorAll("[name=fallback]")].map((s) => s.value.trim()).filter(Boolean),
      accept_upgrade: form.elements.accept_upgrade.checked,
      remark: form.elements.remark.value.trim(),
    };
    await whileBusy(form.querySelector("#option-new-submit"), async () => {
      try {
        const option = await api.post("/backoffice/options", body);
        await created(view, option, `Option ${option.number} requested for ${names.contact(option.contact_id)}.`);
      } catch (error) {
        showError(problem, error, form);
      }
    });
  });
  editorFrame(view, "New option request", form, "option-new-cancel");
}

function openDirectForm(view) {
  const { names } = view;
  const problem = errorBox("option-direct-error");
  const lines = linesEditor(view, "option-direct", [], { legend: "Places granted" });
  const form = h("form", { id: "option-direct-form", novalidate: true },
    h("p", { class: "muted" }, "An option placed at once, without a request: its places are taken now."),
    problem,
    h("div", { class: "row" }, contactAndPerformance(view, "option-direct")),
    lines.node,
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "option-direct-submit" }, "Place option")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkRequired(form, problem)) return;
    const read = lines.read();
    if (read.error) return showError(problem, { message: read.error }, form);
    const body = {
      contact_id: form.elements.contact_id.value.trim(),
      performance_id: form.elements.performance_id.value.trim(),
      lines: read.lines,
    };
    await whileBusy(form.querySelector("#option-direct-submit"), async () => {
      try {
        const option = await api.post("/backoffice/options/direct", body);
        await created(view, option, `Option ${option.number} placed for ${names.contact(option.contact_id)}.`);
      } catch (error) {
        showError(problem, error, form);
      }
    });
  });
  editorFrame(view, "Direct option", form, "option-direct-cancel");
}
