// The options screens' shared parts: states, actions and the rights they need, names of what an
// option refers to, and small renderers (state badge, order link).

import { seg } from "./api.js";
import { listAll } from "./crud.js";
import { h } from "./dom.js";
import { localTimeLabelled, zoneOfVenue } from "./time-zones.js";
import { label } from "./rights.js";

export const ID = "options";
export const STATES = [
  "requested", "placed", "refusal_pending", "waiting_list", "validated", "taken_up", "refused", "cancelled", "expired",
];
export const FILTERS = [
  "contact_id", "season_id", "activity_id", "event_id", "performance_id", "state", "placement", "taken_up", "number",
];
export const MAX_FALLBACKS = 3;
export const STATE_BADGE = {
  requested: "run", placed: "run", validated: "ok", taken_up: "ok", refusal_pending: "bad", refused: "bad",
  waiting_list: "off", cancelled: "off", expired: "bad",
};

// The operator's actions on an option: `action` as listed in its allowed_actions, the right it needs
// (in its own option area, or the same action in the whole "options" area), and its route (validate
// takes many options in one call).
export const ACTIONS = [
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
export const mayDo = (ctx, spec) => ctx.can(spec.area, spec.right) || ctx.can("options", spec.right);

// ---- names of what options refer to (empty maps without the rights to read them) --------------------

export async function namesOf(ctx) {
  const read = (area, plural) => (ctx.can(area, "read") ? listAll(plural).catch(() => []) : Promise.resolve([]));
  const [contacts, companies, performances, events, seasons, activities, categories, quotas, audiences, channels,
    halls, venues] =
    await Promise.all([
      read("contacts", "contacts"), read("contacts", "companies"),
      read("catalog", "performances"), read("catalog", "events"), read("catalog", "seasons"),
      read("catalog", "activities"), read("catalog", "seat-categories"), read("catalog", "quotas"),
      read("catalog", "audience-subcategories"), read("catalog", "sales-channels"),
      read("catalog", "halls"), read("catalog", "venues"),
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
  // Times of a performance, and the option deadlines about it, are on its venue's clock.
  const hallsById = byId(halls);
  const venuesById = byId(venues);
  names.zone = (id) => zoneOfVenue(venuesById.get(hallsById.get(names.performances.get(id)?.hall_id)?.venue_id));
  names.performance = (id) => {
    const p = names.performances.get(id);
    if (!p) return id || "–";
    return `${names.event(p.event_id)} · ${localTimeLabelled(p.starts_at, names.zone(id))}`;
  };
  names.by = (by) => (by?.startsWith("contact:") ? `${names.contact(by.slice(8))} (customer)` : by || "");
  return names;
}

/** A <select> of `items` (id -> text), or a text input for an id when there is nothing to choose from. */
export function chooser(id, name, items, text, blank = "— any —", { required = false } = {}) {
  const list = [...items];
  if (!list.length) {
    return h("input", { id, name, maxlength: 64, autocomplete: "off", spellcheck: "false", placeholder: "Id", required });
  }
  return h("select", { id, name, required }, h("option", { value: "" }, blank),
    list.map((item) => h("option", { value: item.id }, text(item))));
}

export function contactText(names) {
  return (c) => [c.name, c.company_id ? names.company(c.company_id) : null].filter(Boolean).join(" · ") +
    (c.relay ? " (relay)" : "");
}

export function performanceText(names) {
  return (p) => `${names.performance(p.id)} (${p.code})`;
}

export const sum = (values) => values.reduce((total, n) => total + n, 0);
export const requestedOf = (option) => sum(Object.values(option.requested));
export const placedOf = (option) => sum(option.placed.map((line) => line.quantity));

export function stateBadge(option) {
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

export function orderLink(orderId, id) {
  return h("a", { href: `#/orders/${seg(orderId)}`, id, "data-action": "order", "aria-label": `Order ${orderId}` },
    h("code", {}, orderId));
}
