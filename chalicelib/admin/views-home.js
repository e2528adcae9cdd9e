// Home screen: how sales are going (today, the last 30 days, per channel), the coming performances'
// fill per seat category, and what needs acting on, each linked to its screen; then the operator's
// rights. Sales figures need reports:read; without it the home shows the welcome and the rights.

import { api } from "./api.js";
import { columnChart, figuresTable, fillChart } from "./charts.js";
import { centsText } from "./crud.js";
import { errorBox, fill, h, showError } from "./dom.js";
import { organisationClock } from "./organisation-zone.js";
import { rightsTable } from "./rights.js";

const money = (cents) => centsText(cents);

export default {
  id: "home",
  title: "Home",
  area: null,
  async render(root, ctx) {
    const me = ctx.operator;
    const roles = me.roles.length ? me.roles.join(", ") : "none";
    const problem = errorBox("home-error");
    const board = h("div", { id: "dashboard" });
    fill(root,
      h("p", { class: "lead", id: "welcome" }, `Welcome, ${me.name}.`),
      h("p", {}, "You are logged in to organisation ", h("strong", {}, me.org_id), " as ",
        h("strong", {}, me.login), `. Your roles: ${roles}.`),
      problem, board,
      h("h2", {}, "Your rights"),
      h("p", { class: "muted" }, "What you may do in each area of the back office."),
      rightsTable(me.rights, { id: "rights-table" }));
    if (!ctx.can("reports", "read")) return;
    try {
      // deadlines and runs on the organisation's clock, never the browser's
      const [home, clock] = await Promise.all([api.get("/backoffice/dashboard"), organisationClock()]);
      if (ctx.signal.aborted) return;
      fill(board, today(home), salesChart(home), channels(home), coming(home), actOn(home.to_act_on, ctx, clock));
    } catch (error) {
      if (!ctx.signal.aborted) showError(problem, error);
    }
  },
};

function link(hash, text, testid) {
  return h("a", { href: hash, "data-testid": testid }, text);
}

function today(home) {
  const day = home.today;
  const figure = (label, value, testid) => h("div", { class: "card stat", "data-testid": testid },
    h("div", { class: "muted" }, label), h("strong", { class: "h2" }, value));
  return h("section", { id: "home-today", "aria-label": "Today" },
    h("h2", {}, "Today ", h("small", { class: "muted" }, day.day)),
    h("div", { class: "row" },
      figure("Tickets sold", String(day.tickets), "today-tickets"),
      figure("Sales (tickets)", money(day.amount), "today-amount"),
      figure("Orders", String(day.orders), "today-orders")),
    h("p", {}, link("#/reports", "Open the reports", "home-reports-link")));
}

function salesChart(home) {
  const points = home.days.map((d) => ({
    label: d.day.slice(5), value: d.tickets, title: `${d.day}: ${d.tickets} tickets, ${money(d.amount)}`,
  }));
  return h("section", { id: "home-days" },
    h("h2", {}, "Last 30 days"),
    h("div", { class: "chart-with-table" },
      h("figure", { class: "card chart" }, h("figcaption", {}, "Tickets sold per day"),
        columnChart({ id: "home-days-chart", title: "Tickets sold per day over the last 30 days", points })),
      h("details", {}, h("summary", {}, "The figures as a table"),
        figuresTable({
          id: "home-days-table", caption: "Tickets, amounts and orders per day",
          columns: [["day", "Day"], ["tickets", "Tickets", null, true], ["amount", "Amount", money, true],
            ["orders", "Orders", null, true]],
          rows: home.days,
        }))));
}

function channels(home) {
  if (!home.channels.length) return h("p", { class: "muted", "data-testid": "no-sales" }, "No sales in the last 30 days.");
  return h("section", { id: "home-channels" }, h("h2", {}, "By channel"),
    figuresTable({
      id: "home-channels-table", caption: "Sales per channel today and over 30 days",
      columns: [["channel", "Channel"], ["today_tickets", "Tickets today", null, true],
        ["today_amount", "Amount today", money, true], ["tickets", "Tickets, 30 days", null, true],
        ["amount", "Amount, 30 days", money, true]],
      rows: home.channels,
    }));
}

function coming(home) {
  if (!home.coming.length) return h("p", { class: "muted" }, "No coming performance.");
  return h("section", { id: "home-coming" }, h("h2", {}, "Coming performances"),
    home.coming.map((perf) => {
      const rows = perf.categories.map((c) => ({ ...c, label: c.category }));
      return h("article", { class: "card", "data-performance": perf.performance_id },
        h("h3", {}, link(`#/reports?report=gauge&performance_id=${encodeURIComponent(perf.performance_id)}`,
          perf.performance, "coming-link"), " ", h("small", { class: "muted" }, perf.status)),
        fillChart({ id: `fill-${perf.performance_id}`, title: `Fill per seat category, ${perf.performance}`, rows }),
        figuresTable({
          id: `fill-table-${perf.performance_id}`, caption: `Places per seat category, ${perf.performance}`,
          columns: [["category", "Seat category"], ["capacity", "Places", null, true], ["sold", "Sold", null, true],
            ["held", "Held", null, true], ["free", "Free", null, true],
            ["fill_rate", "Fill", (v) => `${Math.round(v * 100)} %`, true]],
          rows,
        }));
    }));
}

function actOn(act, ctx, clock) {
  const items = [];
  if (act.options) {
    items.push(h("li", { "data-testid": "act-options" }, link("#/options?state=requested",
      `${act.options.to_place} option request(s) to place`, "act-options-link"),
    act.options.past_deadline ? `, ${act.options.past_deadline} past their deadline` : ""));
  }
  if (act.reservations_expiring) {
    const list = act.reservations_expiring;
    items.push(h("li", { "data-testid": "act-reservations" }, `${list.length} reservation(s) expire within 24 h`,
      list.length ? h("ul", {}, list.map((r) => h("li", {},
        link("#/orders", r.order_id, "act-reservation-link"),
        ` · ${r.places} place(s), ${money(r.amount)}, until ${clock.at(r.deadline).slice(0, 16)} (${clock.zone})`))) : null));
  }
  if (act.outbox) {
    items.push(h("li", { "data-testid": "act-outbox" }, link("#/emails",
      `Outbox: ${act.outbox.failed} failed (retrying), ${act.outbox.dead} given up`, "act-outbox-link")));
  }
  if (act.failed_runs) {
    items.push(h("li", { "data-testid": "act-runs" }, link("#/workflows",
      `${act.failed_runs.length} failed workflow run(s) this week`, "act-runs-link"),
    act.failed_runs.length ? h("ul", {}, act.failed_runs.slice(0, 5).map((run) => h("li", {},
      `${run.title}: ${run.error || "failed"} (${clock.at(run.started_at).slice(0, 16)} ${clock.zone})`))) : null));
  }
  if (!items.length && !ctx.can("orders", "read")) return null;
  return h("section", { id: "home-act-on" }, h("h2", {}, "To act on"),
    items.length ? h("ul", { class: "act-on" }, items) : h("p", { class: "muted" }, "Nothing to act on."));
}
