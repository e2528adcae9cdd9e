// A season-ticket product's editor (#/season-tickets/new, #/season-tickets/<id>): the seed's General and
// Parameter settings, then its lines (season-tickets-lines.js). The price type is computed from the lines.

import { api, seg } from "./api.js";
import { nameOf, refCache } from "./crud.js";
import { aimErrors } from "./crud-form.js";
import { checkRequired, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { indicatorFields, optionalList, readIndicator } from "./advantages-common.js";
import { lineEditor, lineFieldOf, linesCatalog, readLine } from "./season-tickets-lines.js";
import { venueZones } from "./time-zones.js";

export const BASE = "/backoffice/season-tickets";
export const STATUSES = [["draft", "Draft"], ["on_sale", "On sale"], ["closed", "Closed"]];
const AREA = "season_tickets";
const SPEC_FIELDS = [
  "season_id", "code", "name", "description", "status", "min_lines", "max_lines", "same_seat", "grant_subscriber",
  "subscriber_indicator_id", "subscriber_level_id", "multi_season", "automatic_renewal", "allow_category_change",
  "renews_id", "lines",
];
const YES_NO = [
  ["grant_subscriber", "Grant subscriber quality", "Buying it sets the indicator level below on the buyer's contact."],
  ["same_seat", "Same seat", "The same seat in every performance where it is free."],
  ["multi_season", "Multi-seasons", null],
  ["automatic_renewal", "Automatic renewal", null],
  ["allow_category_change", "Allow seat category upgrade/downgrade (used for online sales only)",
    "Yes: a buyer may take another seat category for a performance sold out in theirs (two categories up, one " +
    "down), unless the line says no."],
];

function yesNo(name, legend, value, hint) {
  return h("fieldset", { class: "field checks", "data-field": name, id: `st-${name}` },
    h("legend", {}, legend),
    [["yes", "Yes", true], ["no", "No", false]].map(([key, text, flag]) => h("label", { class: "check", for: `st-${name}-${key}` },
      h("input", { type: "radio", name, value: key, id: `st-${name}-${key}`, checked: Boolean(value) === flag }), " ", text)),
    hint ? h("p", { class: "hint" }, hint) : null);
}

function select(id, name, options, value, { required = false, blank = "— none —" } = {}) {
  const node = h("select", { id, name, required },
    required ? h("option", { value: "" }, "— choose —") : h("option", { value: "" }, blank),
    options.map(([key, text]) => h("option", { value: key }, text)));
  node.value = value ?? "";
  return node;
}

export async function editorScreen(root, ctx, itemId) {
  const cache = refCache();
  const [seasons, products, indicators, zones, found] = await Promise.all([
    cache.list("seasons"), cache.list("season-tickets"), optionalList("indicators"), venueZones(cache),
    itemId ? api.get(`${BASE}/${seg(itemId)}`) : null,
  ]);
  if (ctx.signal.aborted) return;
  const item = found || { status: "draft", min_lines: 1, max_lines: 1, lines: [] };
  const data = linesCatalog(cache, zones);
  const canSave = ctx.can(AREA, found ? "modify" : "create");
  ctx.setTitle("Season ticket", found ? found.name : "New");

  const problem = errorBox("season-ticket-error");
  const season = select("st-season", "season_id", seasons.map((s) => [s.id, nameOf(s)]), item.season_id, { required: true });
  const int = (name, value) => h("input", { id: `st-${name}`, name, type: "number", min: 1, max: 50, step: 1, required: true, value: value ?? "" });
  const subscriber = indicatorFields("st", indicators, { indicator: item.subscriber_indicator_id, level: item.subscriber_level_id });
  for (const [from, to] of [["indicator", "subscriber_indicator_id"], ["level", "subscriber_level_id"]]) {
    subscriber.querySelector(`[data-field="${from}"]`)?.setAttribute("data-field", to);
  }
  const renewable = products.filter((p) => p.id !== item.id).map((p) => [p.id, nameOf(p)]);
  const lines = h("div", { id: "st-lines" });
  // Reasons about the lines as a whole land in this box (it holds no control to mark).
  const linesSection = h("section", { "aria-labelledby": "st-lines-title" },
    h("h2", { id: "st-lines-title" }, "Lines"),
    h("div", { class: "field", "data-field": "lines", id: "st-lines-problems" },
      h("p", { class: "hint" }, "One line per event: a buyer takes one of its performances in each line they choose.")),
    lines,
    h("div", { class: "buttons" }, h("button", { type: "button", id: "st-add-line", onclick: () => addLine().then(() =>
      lines.lastElementChild?.querySelector("input")?.focus()) }, "Add a line")));
  const addLine = async (line) => {
    const node = lineEditor(data, () => season.value, line, () => linesSection.querySelector("#st-add-line").focus());
    lines.append(node);
    await node.ready;
  };
  season.addEventListener("change", () => Promise.all([...lines.children].map((node) => node.refreshEvents())));

  const save = h("button", { type: "submit", class: "primary", id: "st-save" }, found ? "Save" : "Create season ticket");
  const form = h("form", { id: "season-ticket-form", class: "card", novalidate: true, "aria-labelledby": "st-general-title" },
    h("h2", { id: "st-general-title" }, "General"),
    problem,
    h("div", { class: "form-grid" },
      field("Code", h("input", { id: "st-code", name: "code", required: true, maxlength: 32, autocomplete: "off", spellcheck: "false", value: item.code ?? "" }),
        "Letters, digits, '.', '_' or '-' only, at most 32."),
      field("Name", h("input", { id: "st-name", name: "name", required: true, maxlength: 200, autocomplete: "off", value: item.name ?? "" })),
      field("Season", season),
      field("Status", select("st-status", "status", STATUSES, item.status, { required: true })),
      field("Description", h("textarea", { id: "st-description", name: "description", rows: 2, maxlength: 5000, value: item.description ?? "" }))),
    h("h2", { id: "st-parameter-title" }, "Parameter"),
    h("dl", { class: "pairs" }, h("dt", {}, "Price type"), h("dd", { id: "st-price-type" }, "Calculated price (the sum of the chosen lines' prices)")),
    h("div", { class: "form-grid" },
      yesNo(...YES_NO[0].slice(0, 2), item.grant_subscriber, YES_NO[0][2]),
      field("Min subscription lines", int("min_lines", item.min_lines)),
      field("Max subscription lines", int("max_lines", item.max_lines)),
      YES_NO.slice(1).map(([name, legend, hint]) => yesNo(name, legend, item[name], hint)),
      field("Renews (last season's season ticket)", select("st-renews", "renews_id", renewable, item.renews_id))),
    h("fieldset", { class: "field", "data-field": "subscriber" }, h("legend", {}, "Subscriber quality (indicator and level)"), subscriber),
    linesSection,
    h("div", { class: "buttons" }, canSave ? save : null, h("a", { class: "button", href: "#/season-tickets", id: "st-cancel" }, "Back to the list")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    whileBusy(save, () => submit(ctx, form, problem, lines, found));
  });
  fill(root, found ? h("p", { class: "muted", id: "st-head" }, `Version ${found.version}. `,
    h("a", { href: `#/season-tickets/${seg(found.id)}/subscriptions` }, "Its subscriptions")) : null, form);
  for (const line of item.lines) await addLine(line);
  if (!item.lines.length) await addLine();
}

function readBody(form, lines, found) {
  const value = (name) => form.elements[name]?.value.trim() ?? "";
  const yes = (name) => form.querySelector(`input[name="${name}"]:checked`)?.value === "yes";
  const { indicator, level } = readIndicator(form);
  const read = [...lines.children].map((node) => readLine(node));
  const errors = read.flatMap((r) => r.errors || []);
  const body = {};
  if (found) for (const name of SPEC_FIELDS) if (found[name] !== undefined) body[name] = found[name];
  Object.assign(body, {
    season_id: value("season_id"), code: value("code"), name: value("name"), description: value("description"),
    status: value("status"), price_type: "computed", min_lines: Number(value("min_lines")), max_lines: Number(value("max_lines")),
    grant_subscriber: yes("grant_subscriber"), subscriber_indicator_id: indicator, subscriber_level_id: level,
    same_seat: yes("same_seat"), multi_season: yes("multi_season"), automatic_renewal: yes("automatic_renewal"),
    allow_category_change: yes("allow_category_change"), renews_id: value("renews_id") || null,
    lines: read.map((r) => r.value).filter(Boolean),
  });
  for (const name of ["min_lines", "max_lines"]) {
    if (!Number.isInteger(body[name])) errors.push({ field: name, reason: "Enter a whole number." });
  }
  if (!read.length) errors.push({ field: "lines", reason: "Add at least one line." });
  return { body, errors };
}

async function submit(ctx, form, problem, lines, found) {
  if (!checkRequired(form, problem)) return;
  const { body, errors } = readBody(form, lines, found);
  if (errors.length) return showError(problem, { message: "Please correct the fields marked below.", fields: errors }, form);
  try {
    const saved = found
      ? await api.put(`${BASE}/${seg(found.id)}?version=${found.version}`, body)
      : await api.post(BASE, body);
    ctx.notify(`Season ticket ${nameOf(saved)} ${found ? "saved" : "created"}.`);
    ctx.navigate("season-tickets");
  } catch (error) {
    const aimed = aimErrors(error, SPEC_FIELDS.map((name) => ({ name })));
    const nodes = [...lines.children];
    aimed.fields = aimed.fields.map((f) => ({ ...f, field: lineFieldOf(f.field, nodes) }));
    showError(problem, aimed, form);
    problem.scrollIntoView({ block: "nearest" });
  }
}
