// Producer space screen (#/producer-space?company_id=…&event_id=…): the producer's view as an operator
// sees it. Pick a producing company, then one of its events: availability per performance and quota
// (free / held / sold), takings per performance, seat category and audience (with a chart), and the
// cultural contacts (buyers who agreed to be contacted); each downloadable as CSV.

import { api, fetchFile, seg } from "./api.js";
import { columnChart, figuresTable, fillChart } from "./charts.js";
import { centsText } from "./crud.js";
import { clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";

const money = (cents) => centsText(cents);
const orDash = (value) => (value === null || value === undefined ? "—" : String(value));

const AVAILABILITY = [["performance", "Performance (venue's local time)"], ["quota", "Quota"], ["kind", "Kind"],
  ["area", "Standing area", orDash], ["capacity", "Places", null, true], ["free", "Free", null, true],
  ["held", "Held", orDash, true], ["sold", "Sold", orDash, true], ["blocked", "Blocked", null, true],
  ["taken", "Held or sold", null, true]];
const TAKINGS = [["performance", "Performance (venue's local time)"], ["category", "Seat category"],
  ["audience", "Audience"], ["tickets", "Tickets", null, true], ["amount", "Amount", money, true]];
const CONTACTS = [["name", "Name"], ["email", "E-mail"], ["phone", "Phone", orDash], ["language", "Language", orDash],
  ["address_text", "Address"], ["tickets", "Tickets", null, true]];

export default {
  id: "producer-space",
  title: "Producer space",
  area: "reports",
  async render(root, ctx) {
    const params = new URLSearchParams(location.hash.split("?")[1] || "");
    const view = {
      ctx,
      problem: errorBox("producer-error"),
      company: h("select", { id: "producer-company", name: "company_id" }),
      event: h("select", { id: "producer-event", name: "event_id", disabled: true }),
      availability: h("section", { id: "producer-availability", "aria-label": "Availability" }),
      takings: h("section", { id: "producer-takings", "aria-label": "Takings" }),
      contacts: h("section", { id: "producer-contacts", "aria-label": "Cultural contacts" }),
    };
    const intro = h("p", { class: "muted" }, "What a producer's relay sees in the shop for the events its company " +
      "produces. Availability is read from the stock now; takings from the kept sales figures, net of cancellations.");
    const form = h("form", { id: "producer-form", role: "search", novalidate: true, "aria-label": "Choose a producer" },
      h("div", { class: "row" }, field("Producer", view.company), field("Event", view.event)));
    form.addEventListener("submit", (event) => event.preventDefault());
    fill(root, intro, form, view.problem, view.availability, view.takings, view.contacts);
    try {
      const { companies } = await api.get("/backoffice/producers");
      if (ctx.signal.aborted) return;
      fill(view.company, h("option", { value: "" }, companies.length ? "— choose —" : "No event names a producer"),
        companies.map((c) => h("option", { value: c.company_id }, `${c.name} (${c.events})`)));
    } catch (error) {
      showError(view.problem, error);
      return;
    }
    view.company.addEventListener("change", () => chooseCompany(view));
    view.event.addEventListener("change", () => load(view));
    if (params.get("company_id")) {
      view.company.value = params.get("company_id");
      await chooseCompany(view, params.get("event_id"));
    }
  },
};

async function chooseCompany(view, eventId = "") {
  clearErrors(view.problem);
  for (const part of [view.availability, view.takings, view.contacts]) fill(part);
  const companyId = view.company.value;
  view.event.disabled = !companyId;
  fill(view.event);
  if (!companyId) return;
  try {
    const { events } = await api.get(`/backoffice/producers/${seg(companyId)}/events`);
    if (view.ctx.signal.aborted) return;
    fill(view.event, h("option", { value: "" }, "— choose —"),
      events.map((e) => h("option", { value: e.event_id }, `${e.name} (${e.performances.length} performances)`)));
    if (eventId) view.event.value = eventId;
    if (view.event.value) await load(view);
  } catch (error) {
    showError(view.problem, error);
  }
}

function base(view) {
  return `/backoffice/producers/${seg(view.company.value)}/events/${seg(view.event.value)}`;
}

async function load(view) {
  clearErrors(view.problem);
  if (!view.event.value) return;
  try {
    const [availability, takings, contacts] = await Promise.all(
      ["availability", "takings", "cultural-contacts"].map((report) => api.get(`${base(view)}/${report}`)));
    if (view.ctx.signal.aborted) return;
    fill(view.availability, heading(view, "Availability per quota", "availability"),
      availability.rows.length ? [
        fillChart({ id: "producer-availability-chart", title: "Places per performance and quota",
          rows: availability.rows.map((r) => ({ ...r, sold: r.sold ?? r.taken, held: r.held ?? 0,
            label: `${r.performance.split(", ").pop()} ${r.quota}${r.area ? ` ${r.area}` : ""}` })) }),
        figuresTable({ id: "producer-availability-rows", caption: "Availability", columns: AVAILABILITY,
          rows: availability.rows, totals: availability.totals }),
      ] : h("p", {}, "No performance."));
    fill(view.takings, heading(view, "Takings", "takings"),
      takings.rows.length ? [
        columnChart({ id: "producer-takings-chart", title: `Takings per performance (${takings.currency})`,
          valueText: money, points: takings.by_performance.map((p) => ({ label: p.performance.split(", ").pop(),
            value: p.amount, title: `${p.performance}: ${p.tickets} tickets, ${money(p.amount)}` })) }),
        figuresTable({ id: "producer-takings-rows", caption: "Takings", columns: TAKINGS, rows: takings.rows,
          totals: takings.totals }),
      ] : h("p", { "data-testid": "no-takings" }, "Nothing sold yet."));
    fill(view.contacts, heading(view, "Cultural contacts", "cultural-contacts"),
      contacts.rows.length
        ? figuresTable({ id: "producer-contacts-rows", caption: "Cultural contacts", columns: CONTACTS, rows: contacts.rows })
        : h("p", { "data-testid": "no-contacts" }, "No buyer of this event agreed to be contacted yet."));
  } catch (error) {
    for (const part of [view.availability, view.takings, view.contacts]) fill(part);
    if (!view.ctx.signal.aborted) showError(view.problem, error);
  }
}

function heading(view, title, report) {
  return h("div", { class: "row" }, h("h3", {}, title),
    h("button", { type: "button", id: `producer-${report}-csv`,
      onclick: (e) => whileBusy(e.currentTarget, () => downloadCsv(view, report)) }, "Download CSV"));
}

async function downloadCsv(view, report) {
  clearErrors(view.problem);
  try {
    const blob = await fetchFile(`${base(view)}/${report}?format=csv`, "text/csv");
    const name = `${report}-${view.event.value}.csv`;
    const url = URL.createObjectURL(new Blob([blob], { type: "text/csv" }));
    const link = h("a", { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    view.ctx.notify(`Downloaded ${name}.`);
  } catch (error) {
    showError(view.problem, error);
  }
}
