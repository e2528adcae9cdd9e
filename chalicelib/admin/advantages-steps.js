// The advantage set-up's steps (advantages-wizard.js runs them): each draws its part of the settings
// from `spec` (an AdvantageSpec being built) and reads it back. Steps 1-6 as the seed's wizard; the
// review that puts the advantage in operation is drawn by the wizard.

import { centsText, listAll, nameOf, parseCents } from "./crud.js";
import { field, formatTime, h } from "./dom.js";
import { capOf, channelsField, indicatorFields, readIndicator, readValidity, TARGET_LABELS, validityFields } from "./advantages-common.js";

export const RULES = [["set_price", "Set price"], ["amount_off", "Amount off"], ["percent_off", "Percent off"]];
const PRODUCT_FAMILIES = [["single_entry", "Events (single entry)"]];

export function emptySpec() {
  return {
    public_name: "", description: "", season_id: "", product_family: "single_entry",
    event_ids: [], performance_ids: [], prices: [],
    channel_ids: [], valid_from: null, valid_until: null,
    end_of_sale: { rule: "performance_end_of_sale", tolerance_minutes: 0 },
    quota: null, max_per_order: null, max_per_customer: null,
    target: { type: "general_public" },
  };
}

/** The catalog lists the steps read, each loaded once per wizard. */
export function catalogOf(cache) {
  const events = new Map();
  const performances = new Map();
  const once = (map, key, load) => {
    if (!map.has(key)) map.set(key, load().catch((error) => { map.delete(key); throw error; }));
    return map.get(key);
  };
  return {
    ...cache,
    events: (seasonId) => once(events, seasonId, () => listAll("events", { season_id: seasonId })),
    performances: (eventId) => once(performances, eventId, () => listAll("performances", { event_id: eventId })),
  };
}

const checkbox = (name, value, checked, text, id) => h("label", { class: "check", for: id },
  h("input", { type: "checkbox", name, value, checked, id }), " ", text);

const checkedIn = (node, name) => [...node.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);

// ---- 1. General ------------------------------------------------------------------------------------

const general = {
  key: "general",
  title: "General",
  fields: ["public_name", "description", "season_id", "product_family"],
  render(spec, data) {
    const season = h("select", { id: "adv-season", name: "season_id", required: true },
      h("option", { value: "" }, "— choose —"), data.seasons.map((s) => h("option", { value: s.id }, nameOf(s))));
    season.value = spec.season_id;
    const family = h("select", { id: "adv-family", name: "product_family" },
      PRODUCT_FAMILIES.map(([value, text]) => h("option", { value }, text)));
    family.value = spec.product_family;
    return h("div", { class: "form-grid" },
      field("Public name", h("input", {
        id: "adv-public-name", name: "public_name", required: true, maxlength: 120, autocomplete: "off", value: spec.public_name,
      }), "What customers see next to the price."),
      field("Season", season),
      field("Product family", family, "Events for now; season tickets and others later."),
      field("Description", h("textarea", { id: "adv-description", name: "description", rows: 3, maxlength: 2000, value: spec.description })));
  },
  read(form, spec) {
    const seasonChanged = spec.season_id && form.elements.season_id.value !== spec.season_id;
    spec.public_name = form.elements.public_name.value.trim();
    spec.description = form.elements.description.value.trim();
    spec.season_id = form.elements.season_id.value;
    spec.product_family = form.elements.product_family.value;
    if (seasonChanged) Object.assign(spec, { event_ids: [], performance_ids: [], prices: [] });
    const errors = [];
    if (!spec.public_name) errors.push({ field: "public_name", reason: "Required." });
    if (!spec.season_id) errors.push({ field: "season_id", reason: "Choose the season." });
    return errors;
  },
};

// ---- 2. Products: events and performances ------------------------------------------------------

const products = {
  key: "products",
  title: "Events and performances",
  fields: ["event_ids", "performance_ids"],
  async render(spec, data) {
    if (!spec.season_id) return h("p", {}, "Choose the season first (step 1).");
    const events = await data.events(spec.season_id);
    const chosen = new Set(spec.event_ids);
    const perfBox = h("div", { id: "adv-performances" });
    const drawPerformances = async () => {
      const ticked = events.filter((event) => box.querySelector(`input[value="${CSS.escape(event.id)}"]`)?.checked);
      const kept = new Set([...perfBox.querySelectorAll("input[name=performance_ids]:checked")].map((b) => b.value)
        .concat(perfBox.childElementCount ? [] : spec.performance_ids));
      const lists = await Promise.all(ticked.map((event) => data.performances(event.id)));
      perfBox.replaceChildren(...ticked.map((event, i) => h("fieldset", { class: "field checks", "data-field": "performance_ids" },
        h("legend", {}, `Performances of ${event.name}`),
        lists[i].length ? lists[i].map((p) => checkbox("performance_ids", p.id, kept.has(p.id),
          `${p.code} · ${formatTime(p.starts_at).slice(0, 16)}`, `adv-perf-${p.id}`))
          : h("p", { class: "muted" }, "No performance yet."),
        h("p", { class: "hint" }, "None ticked: every performance of the event."))));
    };
    const box = h("fieldset", { class: "field checks", "data-field": "event_ids", id: "adv-events", onchange: () => drawPerformances() },
      h("legend", {}, "Events of the season"),
      events.length ? events.map((event) => checkbox("event_ids", event.id, chosen.has(event.id), nameOf(event), `adv-event-${event.id}`))
        : h("p", { class: "muted" }, "This season has no event yet."));
    await drawPerformances();
    return [box, perfBox];
  },
  read(form, spec) {
    if (!form.querySelector("#adv-events")) return [];
    spec.event_ids = checkedIn(form, "event_ids");
    spec.performance_ids = checkedIn(form, "performance_ids");
    spec.prices = spec.prices.filter((p) => !p.event_id || spec.event_ids.includes(p.event_id));
    return spec.event_ids.length ? [] : [{ field: "event_ids", reason: "Tick at least one event." }];
  },
};

// ---- 3. Prices per event and audience subcategory ----------------------------------------------

function priceRow(sub, scope, label, rule) {
  const where = `${label}, ${scope.name}`;
  const kind = h("select", { "data-scope": scope.id, "data-sub": sub.id, "data-part": "kind", "aria-label": `Price rule for ${where}` },
    h("option", { value: "" }, "— no advantage price —"), RULES.map(([value, text]) => h("option", { value }, text)));
  kind.value = rule?.kind || "";
  const shown = rule ? (rule.kind === "percent_off" ? String(rule.value) : centsText(rule.value)) : "";
  return h("tr", { "data-sub": sub.id },
    h("th", { scope: "row" }, label),
    h("td", {}, kind),
    h("td", {}, h("input", {
      class: "money", inputmode: "decimal", autocomplete: "off", "data-scope": scope.id, "data-sub": sub.id, "data-part": "value",
      "aria-label": `Amount or percent for ${where}`, value: shown,
    })));
}

function priceTable(scope, subs, rules) {
  return h("table", { class: "counts", "data-scope": scope.id, id: `adv-prices-${scope.id}` },
    h("caption", { class: "sr-only" }, `Advantage prices, ${scope.name}`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Audience subcategory"), h("th", { scope: "col" }, "Rule"),
      h("th", { scope: "col" }, "Amount or %"))),
    h("tbody", {}, subs.map(({ sub, label }) => priceRow(sub, scope, label, rules.get(`${scope.id}|${sub.id}`)))));
}

const prices = {
  key: "prices",
  title: "Prices",
  fields: ["prices"],
  async render(spec, data) {
    if (!spec.event_ids.length) return h("p", {}, "Choose the events first (step 2).");
    const events = new Map((await data.events(spec.season_id)).map((e) => [e.id, e]));
    const subs = data.subcategories.map((sub) => ({
      sub, label: `${nameOf(data.audiences.get(sub.audience_category_id)) || sub.audience_category_id} · ${sub.name}`,
    }));
    const rules = new Map(spec.prices.map((p) => [`${p.event_id || "all"}|${p.audience_subcategory_id}`, p.rule]));
    const one = spec.event_ids.map((id) => ({ id, name: events.get(id)?.name || id }));
    return h("div", { "data-field": "prices", id: "adv-prices" },
      h("p", { class: "hint" }, "Set price and amount off in the currency (12.50); percent off as a whole number from 1 to 100. " +
        "A price is never below 0."),
      h("h3", {}, "Every event of the advantage"),
      h("div", { class: "scroll" }, priceTable({ id: "all", name: "every event" }, subs, rules)),
      one.map((scope) => h("details", { open: spec.prices.some((p) => p.event_id === scope.id) },
        h("summary", {}, `Prices for ${scope.name} only`),
        h("p", { class: "hint" }, "A rule here replaces the every-event rule for this event."),
        h("div", { class: "scroll" }, priceTable(scope, subs, rules)))));
  },
  read(form, spec) {
    if (!form.querySelector("#adv-prices")) return [];
    const errors = [];
    const list = [];
    for (const kind of form.querySelectorAll("select[data-part=kind]")) {
      if (!kind.value) continue;
      const input = form.querySelector(`input[data-part=value][data-scope="${CSS.escape(kind.dataset.scope)}"][data-sub="${CSS.escape(kind.dataset.sub)}"]`);
      const text = input.value.trim();
      const value = kind.value === "percent_off" ? (/^\d+$/.test(text) ? Number(text) : NaN) : parseCents(text);
      const label = input.getAttribute("aria-label").replace(/^Amount or percent for /, "");
      input.removeAttribute("aria-invalid");
      if (value === null || Number.isNaN(value) || (kind.value === "percent_off" && (value < 1 || value > 100))) {
        input.setAttribute("aria-invalid", "true");
        // Named by its row, not "prices": the reason is listed, and only this input is marked.
        errors.push({ field: label, reason: kind.value === "percent_off" ? "a whole percent from 1 to 100." : "an amount such as 12.50." });
        continue;
      }
      list.push({
        audience_subcategory_id: kind.dataset.sub, event_id: kind.dataset.scope === "all" ? null : kind.dataset.scope,
        rule: { kind: kind.value, value },
      });
    }
    if (!errors.length) spec.prices = list;
    if (!list.length && !errors.length) errors.push({ field: "Prices", reason: "give at least one price rule." });
    return errors;
  },
};

// ---- 4. Channels and validity ------------------------------------------------------------------

const validity = {
  key: "validity",
  title: "Channels and validity",
  fields: ["channel_ids", "valid_from", "valid_until", "end_of_sale"],
  render(spec, data) {
    return [channelsField("adv", data.channels, spec.channel_ids), ...validityFields("adv", spec)];
  },
  read(form, spec) {
    const read = readValidity(form);
    if (read.errors) return read.errors;
    Object.assign(spec, read.value);
    if (spec.valid_from && spec.valid_until && spec.valid_from >= spec.valid_until) {
      return [{ field: "valid_until", reason: "Valid until must come after valid from." }];
    }
    return [];
  },
};

// ---- 5. Quota and caps -----------------------------------------------------------------------------

const CAPS = [
  ["quota", "Quota (tickets overall)", "adv-quota"],
  ["max_per_order", "At most per order", "adv-max-order"],
  ["max_per_customer", "At most per customer", "adv-max-customer"],
];

const quota = {
  key: "quota",
  title: "Quota and caps",
  fields: CAPS.map(([name]) => name),
  render(spec) {
    return h("div", { class: "row" }, CAPS.map(([name, text, id]) => field(text, h("input", {
      id, name, type: "number", min: 1, step: 1, value: spec[name] ?? "",
    }), "Empty: no limit.")));
  },
  read(form, spec) {
    const errors = [];
    for (const [name] of CAPS) {
      const value = capOf(form.elements[name].value);
      if (Number.isNaN(value)) errors.push({ field: name, reason: "A whole number from 1, or empty." });
      else spec[name] = value;
    }
    return errors;
  },
};

// ---- 6. Target -----------------------------------------------------------------------------------

const target = {
  key: "target",
  title: "Target",
  fields: ["target"],
  render(spec, data) {
    const t = spec.target;
    const lists = data.targetLists;
    const listControl = lists === null
      ? h("input", { id: "adv-target-list", name: "target_list_id", value: t.target_list_id ?? "", autocomplete: "off" })
      : h("select", { id: "adv-target-list", name: "target_list_id" },
        h("option", { value: "" }, "— choose —"), lists.map((l) => h("option", { value: l.id }, l.name || l.id)));
    if (lists !== null) listControl.value = t.target_list_id ?? "";
    const parts = {
      contacts: field("Target list", listControl, lists === null ? "The target list's id (target lists cannot be listed here)." : null),
      indicator: indicatorFields("adv", data.indicators, t, { required: true }),
      partner: field("Partner access code", h("input", {
        id: "adv-access-code", name: "access_code", maxlength: 32, autocomplete: "off", spellcheck: "false", value: t.access_code ?? "",
      }), "One code shared by the partner's customers: 4 to 32 letters, digits or '-', read without case."),
      single_use_codes: h("p", { class: "hint" }, "Generate or import the codes on the Single-use codes screen once it is saved."),
    };
    const sub = h("div", { id: "adv-target-details" });
    const show = (type) => sub.replaceChildren(...(parts[type] ? [parts[type]] : []));
    show(t.type);
    return [h("fieldset", { class: "field", "data-field": "target", id: "adv-target", onchange: (e) => e.target.name === "target_type" && show(e.target.value) },
      h("legend", {}, "Who may use it"),
      Object.entries(TARGET_LABELS).map(([type, text]) => h("div", {}, h("label", { class: "check" },
        h("input", { type: "radio", name: "target_type", value: type, id: `adv-target-${type}`, checked: type === t.type }), " ", text)))),
    sub];
  },
  read(form, spec) {
    const type = form.querySelector("input[name=target_type]:checked")?.value || "general_public";
    const t = { type };
    const value = (name) => form.elements[name]?.value.trim() || null;
    if (type === "contacts") t.target_list_id = value("target_list_id");
    if (type === "indicator") Object.assign(t, readIndicator(form));
    if (type === "partner") t.access_code = value("access_code")?.toUpperCase() || null;
    spec.target = t;
    const missing = { contacts: ["target_list_id"], indicator: ["indicator", "level"], partner: ["access_code"] }[type] || [];
    return missing.filter((name) => !t[name]).map((name) => ({ field: name, reason: "Required for this target." }));
  },
};

export const STEPS = [general, products, prices, validity, quota, target];

/** The step (index) whose settings an API field names ("prices.0.rule" -> prices); -1 when none. */
export function stepOfField(name) {
  const key = String(name).replace(/^body\./, "").split(".")[0];
  return STEPS.findIndex((step) => step.fields.includes(key));
}
