// Reports screen (#/reports?report=sales&performance_id=…): sales, takings, partner settlement, gauge and
// entries, filtered by season, event, performance and days; each drawn as an SVG chart beside its
// table, and downloadable as CSV. The figures come from the kept aggregates, never from the orders.

import { api, fetchFile } from "./api.js";
import { columnChart, figuresTable, fillChart } from "./charts.js";
import { centsText, listAll } from "./crud.js";
import { clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { localTimeLabelled } from "./time-zones.js";

const FILTERS = ["season_id", "event_id", "performance_id", "day_from", "day_to"];
const money = (cents) => centsText(cents);
const REPORTS = {
  sales: {
    title: "Sales",
    about: "Tickets and amounts by performance (its start on the venue's clock, with the offset from UTC), seat " +
      "category, audience, channel and point of sale, net of cancellations (a sale counts on the organisation's day it was paid).",
    columns: [["performance", "Performance (venue's local time)"], ["category", "Seat category"], ["audience", "Audience"],
      ["channel", "Channel"], ["point_of_sale", "Point of sale"], ["tickets", "Tickets", null, true],
      ["amount", "Amount", money, true]],
    chart: (r) => columnChart({ id: "report-chart", title: "Tickets sold per day",
      points: r.by_day.map((d) => ({ label: d.day.slice(5), value: d.tickets, title: `${d.day}: ${d.tickets}, ${money(d.amount)}` })) }),
  },
  takings: {
    title: "Takings",
    about: "Money received per day and payment method; refunds apart, on the day they were made. Filter by days.",
    columns: [["day", "Day"], ["method", "Payment method"], ["received", "Received", money, true],
      ["refunded", "Refunded", money, true], ["net", "Net", money, true]],
    chart: (r) => columnChart({ id: "report-chart", title: "Money received per day", valueText: money,
      points: daySums(r.rows, "received") }),
    extra: (r) => figuresTable({ id: "report-methods", caption: "Per payment method",
      columns: [["method", "Payment method"], ["received", "Received", money, true],
        ["refunded", "Refunded", money, true], ["net", "Net", money, true]], rows: r.by_method }),
  },
  partners: {
    title: "Partner settlement",
    about: "What each external channel sold (net) and what it owes: the ticket amounts and fees it collected.",
    columns: [["channel", "Channel"], ["tickets", "Tickets", null, true], ["amount", "Amount", money, true],
      ["fees", "Fees", money, true], ["owed", "Owed", money, true]],
    chart: (r) => columnChart({ id: "report-chart", title: "Owed per channel", valueText: money,
      points: r.rows.map((row) => ({ label: row.channel, value: row.owed })) }),
  },
  gauge: {
    title: "Gauge",
    about: "Per performance and block (or standing area): seats free, held, sold, blocked, and scanned at the door. " +
      "Choose a performance, an event or a season.",
    columns: [["performance", "Performance"], ["zone", "Zone"], ["block", "Block"], ["seats", "Seats", null, true],
      ["free", "Free", null, true], ["held", "Held", null, true], ["sold", "Sold", null, true],
      ["blocked", "Blocked", null, true], ["scanned", "Scanned", null, true]],
    chart: (r) => fillChart({ id: "report-chart", title: "Seats per block",
      rows: r.rows.map((row) => ({ ...row, capacity: row.seats, label: `${row.zone} ${row.block}`.trim() })) }),
  },
  entries: {
    title: "Entries",
    about: "Scans admitted at the door per performance, hour (the organisation's clock) and gate, against the tickets sold.",
    columns: [["performance", "Performance"], ["hour", "Hour"], ["gate", "Gate"], ["entries", "Entries", null, true]],
    chart: (r) => columnChart({ id: "report-chart", title: "Entries per hour",
      points: daySums(r.rows.map((row) => ({ ...row, day: row.hour })), "entries") }),
    extra: (r) => figuresTable({ id: "report-performances", caption: "Entries against tickets sold",
      columns: [["performance", "Performance"], ["sold", "Sold", null, true], ["entries", "Entries", null, true]],
      rows: r.performances, totals: r.totals }),
  },
};

function daySums(rows, key) {
  const sums = new Map();
  for (const row of rows) sums.set(row.day, (sums.get(row.day) || 0) + row[key]);
  return [...sums].sort().map(([day, value]) => ({ label: day.slice(5), value, title: `${day}: ${value}` }));
}

export default {
  id: "reports",
  title: "Reports",
  area: "reports",
  async render(root, ctx) {
    const params = new URLSearchParams(location.hash.split("?")[1] || "");
    const view = {
      ctx,
      report: REPORTS[params.get("report")] ? params.get("report") : "sales",
      problem: errorBox("reports-error"),
      about: h("p", { class: "muted", id: "report-about" }),
      chart: h("figure", { class: "card chart", id: "report-chart-box", hidden: true }),
      table: h("div", { id: "report-table-box", class: "scroll" }),
      extra: h("div", { id: "report-extra" }),
    };
    const catalog = await catalogOf(ctx);
    if (ctx.signal.aborted) return;
    view.form = filterForm(view, catalog, params);
    fill(root, view.form, view.about, view.problem, view.chart, view.table, view.extra);
    await load(view);
  },
};

async function catalogOf(ctx) {
  const empty = { seasons: [], events: [], performances: [] };
  if (!ctx.can("catalog", "read")) return empty;
  try {
    const [seasons, events, performances] = await Promise.all(["seasons", "events", "performances"].map((p) => listAll(p)));
    const names = new Map(events.map((e) => [e.id, e.name]));
    return {
      seasons,
      events,
      // each on its venue's clock, naming the zone (the API answers the venue's zone)
      performances: [...performances].sort((a, b) => new Date(a.starts_at) - new Date(b.starts_at))
        .map((p) => ({ ...p, text: `${names.get(p.event_id) || p.event_id} · ${localTimeLabelled(p.starts_at, p.timezone)}` })),
    };
  } catch {
    return empty;
  }
}

function chooser(id, name, items, text) {
  if (!items.length) return h("input", { id, name, maxlength: 64, autocomplete: "off", placeholder: "Id" });
  return h("select", { id, name }, h("option", { value: "" }, "— any —"),
    items.map((item) => h("option", { value: item.id }, text(item))));
}

function filterForm(view, catalog, params) {
  const which = h("select", { id: "report-kind", name: "report" },
    Object.entries(REPORTS).map(([key, r]) => h("option", { value: key, selected: key === view.report }, r.title)));
  const form = h("form", { id: "reports-filters", role: "search", novalidate: true, "aria-label": "Choose a report" },
    h("div", { class: "row" }, field("Report", which),
      field("Season", chooser("reports-season", "season_id", catalog.seasons, (s) => s.name)),
      field("Event", chooser("reports-event", "event_id", catalog.events, (e) => e.name)),
      field("Performance", chooser("reports-performance", "performance_id", catalog.performances, (p) => p.text))),
    h("div", { class: "row" },
      field("From (organisation's day)", h("input", { id: "reports-from", name: "day_from", type: "date" })),
      field("To (organisation's day)", h("input", { id: "reports-to", name: "day_to", type: "date" }))),
    h("div", { class: "buttons" },
      h("button", { type: "submit", class: "primary", id: "reports-show" }, "Show"),
      h("button", { type: "button", id: "reports-csv", onclick: (e) => whileBusy(e.currentTarget, () => downloadCsv(view)) },
        "Download CSV")));
  for (const name of FILTERS) if (params.get(name) && form.elements[name]) form.elements[name].value = params.get(name);
  which.value = view.report;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    whileBusy(form.querySelector("#reports-show"), () => load(view));
  });
  which.addEventListener("change", () => load(view));
  return form;
}

function query(view) {
  view.report = view.form.elements.report.value;
  return Object.fromEntries(FILTERS.map((name) => [name, view.form.elements[name]?.value.trim() ?? ""]).filter(([, v]) => v));
}

async function load(view) {
  const { ctx, form } = view;
  clearErrors(view.problem, form);
  const filters = query(view);
  const spec = REPORTS[view.report];
  fill(view.about, spec.about);
  try {
    const report = await api.get(`/backoffice/reports/${view.report}?${new URLSearchParams(filters)}`);
    if (ctx.signal.aborted) return;
    const totals = report.totals && !report.performances ? report.totals : null;
    fill(view.table, report.rows.length
      ? figuresTable({ id: "report-rows", caption: spec.title, columns: spec.columns, rows: report.rows, totals })
      : h("p", { "data-testid": "no-report-rows" }, "Nothing to show for these filters."));
    fill(view.extra, spec.extra ? spec.extra(report) : null);
    view.chart.hidden = !report.rows.length;
    fill(view.chart, report.rows.length ? [h("figcaption", {}, spec.title), spec.chart(report)] : null);
  } catch (error) {
    fill(view.table);
    fill(view.extra);
    view.chart.hidden = true;
    if (!ctx.signal.aborted) showError(view.problem, error, form);
  }
}

async function downloadCsv(view) {
  clearErrors(view.problem);
  const filters = query(view);
  try {
    const blob = await fetchFile(`/backoffice/reports/${view.report}?${new URLSearchParams({ ...filters, format: "csv" })}`, "text/csv");
    const url = URL.createObjectURL(new Blob([blob], { type: "text/csv" }));
    const link = h("a", { href: url, download: `${view.report}.csv`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    view.ctx.notify(`Report downloaded as ${view.report}.csv.`);
  } catch (error) {
    showError(view.problem, error);
  }
}
