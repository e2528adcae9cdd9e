// Option report screen (#/option-report, #/option-report?performance_id=…): requested, placed and ordered
// places per performance, quota and seat category (état des options), with totals, a CSV download and a
// bar chart drawn as inline SVG (no library).

import { api, fetchFile } from "./api.js";
import { listAll } from "./crud.js";
import { clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { localStamp, localTimeLabelled } from "./time-zones.js";

const FILTERS = ["season_id", "event_id", "performance_id", "quota_id", "category_id"];
const KINDS = [
  ["requested", "Requested"],
  ["placed", "Placed"],
  ["ordered", "Ordered"],
];
const SVG = "http://www.w3.org/2000/svg";

export default {
  id: "option-report",
  title: "Option report",
  area: "options",
  async render(root, ctx) {
    const params = new URLSearchParams(location.hash.split("?")[1] || "");
    const view = {
      ctx,
      problem: errorBox("report-error"),
      table: h("div", { id: "report-list", class: "scroll", "data-testid": "report" }),
      chart: h("figure", { class: "card chart", id: "report-chart-box", hidden: true }),
      query: {},
    };
    const catalog = await catalogOf(ctx);
    if (ctx.signal.aborted) return;
    view.form = filterForm(view, catalog, params);
    fill(root,
      h("p", { class: "muted" }, "Places asked for (requests and the waiting list, on the first-choice date), ",
        "placed (granted, not yet validated) and ordered (validated into a reservation), per performance, ",
        "quota and seat category. Refused, cancelled and expired options count nowhere."),
      view.form, view.problem, view.table, view.chart);
    await load(view);
  },
};

async function catalogOf(ctx) {
  const empty = { seasons: [], events: [], performances: [], quotas: [], categories: [] };
  if (!ctx.can("catalog", "read")) return empty;
  try {
    const [seasons, events, performances, quotas, categories] = await Promise.all(
      ["seasons", "events", "performances", "quotas", "seat-categories"].map((plural) => listAll(plural)));
    const eventNames = new Map(events.map((e) => [e.id, e.name]));
    // A performance's time on its venue's clock, naming the zone (the API answers the venue's zone).
    const when = (p) => localTimeLabelled(p.starts_at, p.timezone);
    return {
      seasons,
      events: [...events].sort((a, b) => a.name.localeCompare(b.name)),
      performances: [...performances].sort((a, b) => new Date(a.starts_at) - new Date(b.starts_at))
        .map((p) => ({ ...p, when: when(p), text: `${eventNames.get(p.event_id) || p.event_id} · ${when(p)} (${p.code})` })),
      quotas,
      categories: [...categories].sort((a, b) => a.rank - b.rank),
    };
  } catch {
    return empty;
  }
}

function chooser(id, name, items, text) {
  if (!items.length) return h("input", { id, name, maxlength: 64, autocomplete: "off", spellcheck: "false", placeholder: "Id" });
  return h("select", { id, name }, h("option", { value: "" }, "— any —"),
    items.map((item) => h("option", { value: item.id }, text(item))));
}

function filterForm(view, catalog, params) {
  const form = h("form", { id: "report-filters", role: "search", novalidate: true, "aria-label": "Filter the report" },
    h("div", { class: "row" },
      field("Season", chooser("report-season", "season_id", catalog.seasons, (s) => s.name)),
      field("Event", chooser("report-event", "event_id", catalog.events, (e) => e.name)),
      field("Performance", chooser("report-performance", "performance_id", catalog.performances, (p) => p.text))),
    h("div", { class: "row" },
      field("Quota", chooser("report-quota", "quota_id", catalog.quotas, (q) => q.name)),
      field("Seat category", chooser("report-category", "category_id", catalog.categories, (c) => c.name))),
    h("div", { class: "buttons" },
      h("button", { type: "submit", class: "primary", id: "report-show" }, "Show"),
      h("button", {
        type: "button", id: "report-csv",
        onclick: (event) => whileBusy(event.currentTarget, () => downloadCsv(view)),
      }, "Download CSV"),
      h("button", {
        type: "button", id: "report-clear",
        onclick: () => {
          form.reset();
          form.requestSubmit();
        },
      }, "Clear filters")));
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value && form.elements[name]) form.elements[name].value = value;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    whileBusy(form.querySelector("#report-show"), () => load(view));
  });
  return form;
}

function readFilters(view) {
  view.query = Object.fromEntries(FILTERS.map((name) => [name, view.form.elements[name]?.value.trim() ?? ""])
    .filter(([, value]) => value));
}

async function load(view) {
  const { ctx, form } = view;
  clearErrors(view.problem, form);
  readFilters(view);
  try {
    const report = await api.get(`/backoffice/options/report?${new URLSearchParams(view.query)}`);
    if (ctx.signal.aborted) return;
    renderTable(view, report);
    renderChart(view, report.rows);
  } catch (error) {
    if (!ctx.signal.aborted) showError(view.problem, error, form);
  }
}

async function downloadCsv(view) {
  clearErrors(view.problem);
  readFilters(view);
  try {
    const query = new URLSearchParams({ ...view.query, format: "csv" });
    const blob = await fetchFile(`/backoffice/options/report?${query}`, "text/csv");
    const url = URL.createObjectURL(new Blob([blob], { type: "text/csv" }));
    const link = h("a", { href: url, download: "options-report.csv", hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    view.ctx.notify("Report downloaded as options-report.csv.");
  } catch (error) {
    showError(view.problem, error);
  }
}

function renderTable(view, report) {
  if (!report.rows.length) {
    return fill(view.table, h("p", { "data-testid": "no-report-rows" }, "No option counts here."));
  }
  const num = (value, col) => h("td", { class: "num", "data-col": col }, String(value));
  const head = h("tr", {}, ["Event", "Performance (venue's local time)", "Quota", "Seat category", ...KINDS.map(([, t]) => t)]
    .map((t, i) => h("th", { scope: "col", class: i >= 4 ? "num" : null }, t)));
  const rows = report.rows.map((row) => h("tr", {
    "data-performance": row.performance_id, "data-category": row.category_id, "data-quota": row.quota_id || "",
  },
    h("td", {}, row.event_name),
    h("td", { title: row.timezone, "data-col": "starts" }, row.starts_at ? localStamp(row.starts_at, row.timezone) : row.performance_label),
    h("td", {}, row.quota_name), h("td", {}, row.category_name),
    KINDS.map(([kind]) => num(row[kind], kind))));
  fill(view.table, h("table", { id: "report-table", class: "counts", "data-testid": "report-table" },
    h("caption", { class: "sr-only" }, "Option status per performance, quota and seat category"),
    h("thead", {}, head), h("tbody", {}, rows),
    h("tfoot", {}, h("tr", { id: "report-totals" }, h("th", { scope: "row", colspan: 4 }, "Total"),
      KINDS.map(([kind]) => num(report.totals[kind], kind))))));
}

function s(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) if (value !== null && value !== undefined) node.setAttribute(key, String(value));
  for (const child of children.flat(Infinity)) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** Requested / placed / ordered per performance and seat category (quotas added up), as horizontal bars. */
function renderChart(view, rows) {
  const groups = new Map();
  for (const row of rows) {
    const key = `${row.performance_id}|${row.category_id}`;
    const group = groups.get(key) || {
      key, text: `${row.event_name} ${row.starts_at ? localStamp(row.starts_at, row.timezone) : ""} · ${row.category_name}`,
      requested: 0, placed: 0, ordered: 0,
    };
    for (const [kind] of KINDS) group[kind] += row[kind];
    groups.set(key, group);
  }
  if (!groups.size) {
    view.chart.hidden = true;
    fill(view.chart);
    return;
  }
  const width = 760;
  const labelWidth = 280;
  const bar = 11;
  const gap = 14;
  const top = 30;
  const span = width - labelWidth - 60;
  const most = Math.max(1, ...[...groups.values()].flatMap((g) => KINDS.map(([kind]) => g[kind])));
  const groupHeight = KINDS.length * bar + gap;
  const height = top + groups.size * groupHeight;
  const legend = KINDS.map(([kind, text], i) => s("g", { transform: `translate(${labelWidth + i * 110}, 6)` },
    s("rect", { class: `bar bar-${kind}`, width: 12, height: 12, rx: 2 }),
    s("text", { x: 18, y: 11, class: "legend-text" }, text)));
  const bars = [...groups.values()].map((group, n) => {
    const y = top + n * groupHeight;
    const text = group.text.length > 44 ? `${group.text.slice(0, 43)}…` : group.text;
    return s("g", { class: "group", "data-group": group.key },
      s("text", { x: labelWidth - 8, y: y + (KINDS.length * bar) / 2 + 4, "text-anchor": "end", class: "label" },
        s("title", {}, group.text), text),
      KINDS.map(([kind, name], i) => {
        const w = Math.round((group[kind] / most) * span);
        return [
          s("rect", {
            class: `bar bar-${kind}`, x: labelWidth, y: y + i * bar, width: Math.max(w, group[kind] ? 2 : 0), height: bar - 2,
            "data-kind": kind, "data-value": group[kind],
          }, s("title", {}, `${group.text}: ${name.toLowerCase()} ${group[kind]}`)),
          s("text", { x: labelWidth + w + 5, y: y + i * bar + bar - 3, class: "value" }, String(group[kind])),
        ];
      }));
  });
  const svg = s("svg", {
    id: "report-chart", viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img",
    "aria-labelledby": "report-chart-title", "data-testid": "report-chart", class: "bar-chart",
  }, s("title", { id: "report-chart-title" }, "Requested, placed and ordered places per performance and seat category"),
  legend, bars);
  fill(view.chart, h("figcaption", { class: "h3" }, "Places per performance and seat category"), svg);
  view.chart.hidden = false;
}
