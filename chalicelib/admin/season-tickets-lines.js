// A season ticket's lines in its editor (season-tickets-form.js): per line its event, the performances
// a buyer chooses from, mandatory or optional, the seed's "allow seat category upgrade/downgrade"
// override (inherit / yes / no) and its price per seat category x audience subcategory.

import { centsText, listAll, nameOf, parseCents } from "./crud.js";
import { field, fill, h } from "./dom.js";
import { localTimeLabelled } from "./time-zones.js";

export const CHOICES = [["mandatory", "Mandatory"], ["optional", "Optional"]];
export const OVERRIDES = [["inherit", "Inherit from season ticket"], ["yes", "Yes"], ["no", "No"]];

/** Catalog lists the lines read, each loaded once per editor. */
export function linesCatalog(cache, zones) {
  const performances = new Map();
  return {
    zones,
    events: (seasonId) => (seasonId ? cache.list("events").then((all) => all.filter((e) => e.season_id === seasonId)) : Promise.resolve([])),
    event: async (eventId) => (await cache.byId("events")).get(eventId),
    grid: async (gridId) => (await cache.byId("price-grids")).get(gridId),
    categories: async () => [...(await cache.list("seat-categories"))].sort((a, b) => a.rank - b.rank),
    // Grouped by audience category, as the price grids screen shows them.
    subcategories: async () => [...(await cache.list("audience-subcategories"))].sort((a, b) =>
      String(a.audience_category_id).localeCompare(String(b.audience_category_id)) || String(a.code).localeCompare(String(b.code))),
    performances(eventId) {
      if (!performances.has(eventId)) {
        const loading = listAll("performances", { event_id: eventId })
          .then((items) => [...items].sort((a, b) => String(a.starts_at).localeCompare(String(b.starts_at))))
          .catch((error) => { performances.delete(eventId); throw error; });
        performances.set(eventId, loading);
      }
      return performances.get(eventId);
    },
  };
}

const radios = (legend, name, options, chosen, prefix) => h("fieldset", { class: "field checks", "data-field": `${prefix}-${name}` },
  h("legend", {}, legend),
  options.map(([value, text]) => h("label", { class: "check", for: `${prefix}-${name}-${value}` },
    h("input", { type: "radio", name: `${prefix}-${name}`, value, id: `${prefix}-${name}-${value}`, checked: value === chosen }),
    " ", text)));

/**
 * One line's fieldset. `data` is linesCatalog(); `season()` the season chosen in the product's form.
 * Returns the node; read it back with readLine(node).
 */
export function lineEditor(data, season, line = {}, onRemove) {
  const n = ++lineEditor.count;
  const prefix = `st-line-${n}`;
  const title = h("legend", {}, "Line");
  const code = h("input", { id: `${prefix}-id`, name: `${prefix}-id`, required: true, maxlength: 32, autocomplete: "off", spellcheck: "false", value: line.id ?? "" });
  const name = h("input", { id: `${prefix}-name`, name: `${prefix}-name`, required: true, maxlength: 200, autocomplete: "off", value: line.name ?? "" });
  const event = h("select", { id: `${prefix}-event`, name: `${prefix}-event_id`, required: true });
  const perfBox = h("fieldset", { class: "field checks", "data-field": `${prefix}-performance_ids`, id: `${prefix}-performances` },
    h("legend", {}, "Performances selection"), h("p", { class: "muted" }, "Choose the event first."));
  const prices = h("div", { class: "field", "data-field": `${prefix}-prices`, id: `${prefix}-prices` });
  const discount = h("input", { id: `${prefix}-discount`, type: "number", min: 0, max: 100, step: 1, value: 10 });
  const node = h("fieldset", { class: "card season-ticket-line", "data-line": String(n), "data-field": prefix, id: prefix },
    title,
    h("div", { class: "form-grid" },
      field("Line code", code, "Unique in this season ticket: letters, digits, '.', '_' or '-'."),
      field("Line name", name),
      field("Event", event),
      radios("Choice", "choice", CHOICES, line.choice || "optional", prefix),
      radios("Allow seat category upgrade/downgrade (used for online sales only)", "category_change", OVERRIDES,
        line.category_change || "inherit", prefix)),
    perfBox,
    h("div", { class: "row" },
      field("Less than the event's prices (%)", discount, "Fills the prices below from the event's price grid."),
      h("div", { class: "buttons" }, h("button", { type: "button", class: "small", id: `${prefix}-fill`, onclick: () => fillFromGrid() },
        "Fill from the event's prices"))),
    prices,
    h("div", { class: "buttons" }, h("button", {
      type: "button", class: "small danger", id: `${prefix}-remove`, onclick: () => { node.remove(); onRemove?.(); },
    }, "Remove line")));
  const label = () => `Line ${name.value.trim() || code.value.trim() || n}`;
  node.setAttribute("aria-label", label());
  name.addEventListener("change", () => { title.textContent = label(); node.setAttribute("aria-label", label()); });

  async function drawEvents(chosen = event.value) {
    const events = await data.events(season());
    fill(event, h("option", { value: "" }, season() ? "— choose —" : "— choose a season first —"),
      events.map((e) => h("option", { value: e.id }, nameOf(e))));
    event.value = events.some((e) => e.id === chosen) ? chosen : "";
  }

  async function drawPerformances(chosen = []) {
    const legend = h("legend", {}, "Performances selection");
    if (!event.value) return fill(perfBox, legend, h("p", { class: "muted" }, "Choose the event first."));
    const ticked = new Set(chosen);
    const items = await data.performances(event.value);
    fill(perfBox, legend, items.length ? items.map((p) => h("label", { class: "check", for: `${prefix}-perf-${p.id}` },
      h("input", { type: "checkbox", name: `${prefix}-performance_ids`, value: p.id, id: `${prefix}-perf-${p.id}`, checked: ticked.has(p.id) }),
      " ", `${localTimeLabelled(p.starts_at, data.zones.ofPerformance(p))} · ${p.code}`))
      : h("p", { class: "muted" }, "This event has no performance yet."),
    h("p", { class: "hint" }, "A buyer chooses one of these for this line."));
  }

  async function drawPrices(amounts) {
    const [categories, subcategories] = await Promise.all([data.categories(), data.subcategories()]);
    if (!categories.length || !subcategories.length) {
      return fill(prices, h("p", {}, "Define seat categories and audience subcategories first."));
    }
    fill(prices, h("div", { class: "scroll" }, h("table", { class: "matrix", "data-testid": "line-prices" },
      h("caption", {}, "Price of a seat per seat category (rows) and audience subcategory (columns); empty: not sold"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Seat category"),
        subcategories.map((sub) => h("th", { scope: "col" }, sub.name)))),
      h("tbody", {}, categories.map((cat) => h("tr", {},
        h("th", { scope: "row" }, h("span", { class: "swatch", style: `background:${cat.colour}`, "aria-hidden": "true" }), " ", cat.name),
        subcategories.map((sub) => h("td", {}, h("input", {
          class: "money", inputmode: "decimal", autocomplete: "off", "data-category": cat.id, "data-sub": sub.id,
          "aria-label": `${label()} · ${cat.name} · ${sub.name}`, value: centsText(amounts.get(`${cat.id}|${sub.id}`)),
        })))))))));
  }

  async function fillFromGrid() {
    const found = await data.event(event.value);
    const grid = found?.price_grid_id ? await data.grid(found.price_grid_id) : null;
    const less = Math.min(100, Math.max(0, Number(discount.value) || 0));
    const amounts = new Map((grid?.prices || []).map((p) =>
      [`${p.seat_category_id}|${p.audience_subcategory_id}`, Math.round((p.amount * (100 - less)) / 100)]));
    for (const input of prices.querySelectorAll("input.money")) {
      input.value = centsText(amounts.get(`${input.dataset.category}|${input.dataset.sub}`));
    }
    if (!grid) prices.prepend(h("p", { class: "field-error" }, "The event has no price grid: type the prices."));
  }

  event.addEventListener("change", async () => {
    const found = await data.event(event.value);
    if (found && !code.value.trim()) code.value = found.code;
    if (found && !name.value.trim()) name.value = found.name;
    name.dispatchEvent(new Event("change"));
    await drawPerformances();
  });
  node.ready = (async () => {
    await drawEvents(line.event_id);
    await drawPerformances(line.performance_ids || []);
    await drawPrices(new Map((line.prices || []).map((p) => [`${p.seat_category_id}|${p.audience_subcategory_id}`, p.amount])));
    name.dispatchEvent(new Event("change"));
  })();
  node.refreshEvents = () => drawEvents().then(() => drawPerformances());
  return node;
}
lineEditor.count = 0;

/** {value: line} or {errors: [{field, reason}]}; a field is named `<line node id>-<the API's name>`. */
export function readLine(node) {
  const at = (name) => `${node.id}-${name}`;
  const value = (name) => node.querySelector(`[name="${at(name)}"]`)?.value.trim() ?? "";
  const checked = (name) => node.querySelector(`input[name="${at(name)}"]:checked`)?.value;
  const errors = [];
  const prices = [];
  for (const input of node.querySelectorAll("input.money")) {
    const cents = parseCents(input.value);
    input.removeAttribute("aria-invalid");
    if (cents === null) continue;
    if (Number.isNaN(cents)) {
      input.setAttribute("aria-invalid", "true");
      errors.push({ field: at("prices"), reason: `${input.getAttribute("aria-label")}: enter an amount such as 12.50.` });
    } else prices.push({ seat_category_id: input.dataset.category, audience_subcategory_id: input.dataset.sub, amount: cents });
  }
  const performances = [...node.querySelectorAll(`input[name="${at("performance_ids")}"]:checked`)].map((box) => box.value);
  if (!performances.length) errors.push({ field: at("performance_ids"), reason: "Choose at least one performance." });
  if (!prices.length) errors.push({ field: at("prices"), reason: "Give at least one price." });
  const line = {
    id: value("id"), name: value("name"), event_id: value("event_id"), performance_ids: performances,
    choice: checked("choice") || "optional", category_change: checked("category_change") || "inherit", prices,
  };
  return errors.length ? { errors } : { value: line };
}

/** The field an API reason names ("lines.1.prices.0.amount") as the line editors name it. */
export function lineFieldOf(name, lineNodes) {
  const match = /^lines\.(\d+)(?:\.(\w+))?/.exec(name);
  const node = match && lineNodes[Number(match[1])];
  if (!node) return name.startsWith("lines") ? "lines" : name;
  return match[2] && node.querySelector(`[data-field="${node.id}-${match[2]}"]`) ? `${node.id}-${match[2]}` : node.id;
}
