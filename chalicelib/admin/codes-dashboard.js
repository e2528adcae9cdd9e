// Single-use codes dashboard: per advantage, batch and contact, the codes generated, sent, available,
// in carts, used, scanned at the door and revoked, with totals; and a funnel per batch (issued -> sent ->
// in carts -> used -> scanned) drawn next to the same figures as a table.

import { api } from "./api.js";
import { figuresTable, s } from "./charts.js";
import { nameOf } from "./crud.js";
import { errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { contactControl, contactName } from "./codes-generate.js";

const STAGES = [
  ["generated", "Issued", "#0b57d0"],
  ["sent", "Sent", "#4f7cc4"],
  ["in_carts", "In carts", "#e67e22"],
  ["used", "Used", "#1a7f37"],
  ["scanned", "Scanned", "#5a32a3"],
];
const FUNNEL_BATCHES = 20;

const COLUMNS = (contacts) => [
  ["public_name", "Advantage"],
  ["batch_id", "Batch", (v) => v || "–"],
  ["contact_id", "Contact", (v) => contactName(contacts, v)],
  ["generated", "Generated", null, true],
  ["sent", "Sent", null, true],
  ["available", "Available", null, true],
  ["in_carts", "In carts", null, true],
  ["used", "Used", null, true],
  ["scanned", "Scanned", null, true],
  ["revoked", "Revoked", null, true],
];

/** One group of five bars per batch (its name above them), each as long as its count against the most. */
export function funnelChart({ id, title, rows }) {
  const width = 760;
  const labelWidth = 90;
  const bar = 12;
  const gap = 3;
  const heading = 20;
  const groupGap = 12;
  const top = 26;
  const span = width - labelWidth - 70;
  const groupHeight = heading + STAGES.length * (bar + gap) + groupGap;
  const legend = STAGES.map(([, text, colour], i) => s("g", { transform: `translate(${labelWidth + i * 110}, 4)` },
    s("rect", { width: 12, height: 12, rx: 2, fill: colour }),
    s("text", { x: 18, y: 11, class: "legend-text" }, text)));
  const groups = rows.map((row, n) => {
    const y0 = top + n * groupHeight;
    const most = Math.max(1, ...STAGES.map(([key]) => row[key] || 0));
    return s("g", { "data-batch": row.batch_id || "", "data-advantage": row.advantage_id },
      s("text", { x: 0, y: y0 + 13, class: "label", "font-weight": 600 }, row.label),
      STAGES.map(([key, text, colour], i) => {
        const y = y0 + heading + i * (bar + gap);
        const value = row[key] || 0;
        const w = Math.round((value / most) * span);
        return s("g", { "data-stage": key },
          s("text", { x: labelWidth - 8, y: y + bar - 2, "text-anchor": "end", class: "value" }, text),
          s("rect", { x: labelWidth, y, width: Math.max(w, value ? 1 : 0), height: bar, fill: colour, "data-value": value },
            s("title", {}, `${row.label}: ${text.toLowerCase()} ${value}`)),
          s("text", { x: labelWidth + w + 6, y: y + bar - 2, class: "value" }, String(value)));
      }));
  });
  return s("svg", {
    id, viewBox: `0 0 ${width} ${top + rows.length * groupHeight}`, width: "100%", role: "img", class: "bar-chart",
    "aria-labelledby": `${id}-title`, "data-testid": id,
  }, s("title", { id: `${id}-title` }, title), legend, groups);
}

/** The dashboard card: filters (season, contact, advantage), the funnel and the table with totals. */
export function dashboardPanel(ctx, { seasons, contacts, advantages, advantageId }) {
  const problem = errorBox("codes-dashboard-error");
  const out = h("div", { id: "codes-dashboard-out", "aria-live": "polite" });
  const season = h("select", { id: "codes-dashboard-season", name: "season_id" },
    h("option", { value: "" }, "— every season —"), seasons.map((x) => h("option", { value: x.id }, nameOf(x))));
  const advantage = h("select", { id: "codes-dashboard-advantage", name: "advantage_id" },
    h("option", { value: "" }, "— every advantage —"), advantages.map((a) => h("option", { value: a.advantage_id }, a.public_name)));
  advantage.value = advantageId || "";
  const contact = contactControl("codes-dashboard-contact", contacts, "", "— every contact —");
  const form = h("form", { id: "codes-dashboard-filters", role: "search", novalidate: true, "aria-label": "Dashboard filters" },
    h("div", { class: "row" }, field("Season", season), field("Contact", contact), field("Advantage", advantage)),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "codes-dashboard-show" }, "Show")));

  async function load() {
    problem.hidden = true;
    const query = new URLSearchParams();
    for (const [name, control] of [["season_id", season], ["contact_id", contact], ["advantage_id", advantage]]) {
      if (control.value.trim()) query.set(name, control.value.trim());
    }
    let answer;
    try {
      answer = await api.get(`/backoffice/code-dashboard?${query}`);
    } catch (error) {
      if (ctx.signal.aborted) return;
      if (error.status === 404) {
        return fill(out, h("p", { class: "muted" }, "This server has no codes dashboard yet."));
      }
      return showError(problem, error);
    }
    if (ctx.signal.aborted) return;
    draw(answer);
  }

  function draw({ rows = [], totals = null }) {
    if (!rows.length) return fill(out, h("p", { "data-testid": "empty" }, "No codes for these filters."));
    const labelled = rows.map((row) => ({
      ...row, label: `${row.public_name || row.advantage_id} · ${row.batch_id || "no batch"}`,
    }));
    const shown = labelled.slice(0, FUNNEL_BATCHES);
    fill(out,
      h("figure", { class: "chart", id: "codes-funnel-box" },
        h("figcaption", {}, "From issued to scanned, per batch"),
        funnelChart({ id: "codes-funnel", title: "Codes issued, sent, in carts, used and scanned, per batch", rows: shown }),
        rows.length > shown.length ? h("p", { class: "hint" }, `The first ${shown.length} batches are drawn; the table lists all ${rows.length}.`) : null),
      h("h3", { id: "codes-dashboard-table-title" }, "Figures"),
      figuresTable({
        id: "codes-dashboard-table", caption: "Codes per advantage, batch and contact", columns: COLUMNS(contacts), rows, totals,
      }));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    whileBusy(form.querySelector("#codes-dashboard-show"), load);
  });
  const node = h("section", { class: "card", id: "codes-dashboard", "aria-labelledby": "codes-dashboard-title" },
    h("h2", { id: "codes-dashboard-title" }, "Dashboard"), form, problem, out);
  return { node, load };
}
