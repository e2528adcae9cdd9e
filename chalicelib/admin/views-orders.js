// Orders screen (#/orders, #/orders/<reference>): search orders by reference, days, status, email or
// performance; one order's lines, payments, history, refunds, tickets and emails; cancel it with a refund.

import { api, seg } from "./api.js";
import { centsText, listAll, subPath } from "./crud.js";
import { clearErrors, confirmAction, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { label } from "./rights.js";
import { organisationZone } from "./organisation-zone.js";
import { DEFAULT_ZONE, localTime, localTimeLabelled } from "./time-zones.js";

const ID = "orders";
const LIMIT = 100;
const STATES = ["pending_payment", "reservation", "paid", "cancelled", "expired"];
const CANCELLABLE = ["pending_payment", "reservation", "paid"];
const FILTERS = ["reference", "day_from", "day_to", "status", "email", "performance_id"];
const REFUNDS = [
  ["card", "Back to how it was paid", "The card is refunded; gift vouchers and credit used are given back."],
  ["credit_balance", "To the buyer's credit balance", "Only for a buyer with an account, not a guest."],
  ["none", "No refund", "The money stays; the seats still go back on sale."],
];

export default {
  id: ID,
  title: "Orders",
  area: "orders",
  async render(root, ctx) {
    const [reference] = subPath();
    const view = {
      ctx,
      problem: errorBox("orders-error"),
      list: h("div", { id: "orders-list", class: "scroll", "data-testid": "orders" }),
      detail: h("section", { class: "card", id: "order-detail", "aria-live": "polite", hidden: true }),
      catalog: catalogOf(ctx),
      query: {},
    };
    const form = searchForm(view);
    fill(root,
      h("p", { class: "muted" }, "Find an order by its reference, or by days and filters; open it to see its ",
        "tickets, payments and history", ctx.can("orders", "modify") ? ", or to cancel it." : "."),
      form, view.problem, view.list, view.detail);
    if (reference) form.elements.reference.value = reference;
    await search(view, form);
    if (reference && !ctx.signal.aborted) await showOrder(view, reference.toUpperCase(), false);
  },
};

/** Performances (with their event and venue zone) and points of sale by id, for names and links, and
 * `zone`, the clock of the order-wide times: the organisation's (organisation-zone.js); the lists are
 * empty without catalog:read. */
async function catalogOf(ctx) {
  const zone = await organisationZone();
  const empty = { performances: new Map(), pointsOfSale: new Map(), zone };
  if (!ctx.can("catalog", "read")) return empty;
  try {
    const [performances, events, points] = await Promise.all(
      ["performances", "events", "points-of-sale"].map((plural) => listAll(plural)));
    const eventNames = new Map(events.map((e) => [e.id, e.name]));
    return {
      // each performance on its venue's clock (the API answers the venue's zone)
      performances: new Map([...performances].sort((a, b) => new Date(a.starts_at) - new Date(b.starts_at))
        .map((p) => [p.id, { ...p, event_name: eventNames.get(p.event_id) || p.event_id, zone: p.timezone || DEFAULT_ZONE }])),
      pointsOfSale: new Map(points.map((p) => [p.id, p])),
      zone,
    };
  } catch {
    return empty;
  }
}

function searchForm(view) {
  const performance = h("select", { id: "orders-performance", name: "performance_id" },
    h("option", { value: "" }, "— any —"));
  const form = h("form", { id: "orders-search", role: "search", novalidate: true, "aria-label": "Search orders" },
    h("div", { class: "row" },
      field("Reference", h("input", {
        id: "orders-reference", name: "reference", maxlength: 40, autocomplete: "off", spellcheck: "false",
        placeholder: "e.g. 260528ABCD2345",
      }), "Finds that one order, whatever the other filters."),
      field("Buyer's email", h("input", {
        id: "orders-email", name: "email", maxlength: 254, autocomplete: "off", spellcheck: "false",
      }), "Part of the address is enough."),
      field("Status", h("select", { id: "orders-status", name: "status" }, h("option", { value: "" }, "— any —"),
        STATES.map((s) => h("option", { value: s }, label(s)))))),
    h("div", { class: "row" },
      field("Created from", h("input", { id: "orders-day-from", name: "day_from", type: "date" }),
        "Days run midnight to midnight on the organisation's clock (its time zone, as the Created column). " +
        "Empty: a week before the end day; 31 days at most."),
      field("to", h("input", { id: "orders-day-to", name: "day_to", type: "date" }), "Empty: today."),
      field("Performance", performance)),
    h("div", { class: "buttons" },
      h("button", { type: "submit", class: "primary", id: "orders-search-submit" }, "Search"),
      h("button", { type: "button", id: "orders-clear", onclick: () => { form.reset(); form.requestSubmit(); } },
        "Clear")));
  view.catalog.then(({ performances }) => {
    if (performances.size) {
      performance.append(...[...performances.values()].map((p) => h("option", { value: p.id },
        `${p.event_name} · ${p.code} · ${localTimeLabelled(p.starts_at, p.zone)}`)));
    } else {
      // Without the catalog to choose from, the performance is typed as its id.
      performance.replaceWith(h("input", {
        id: "orders-performance", name: "performance_id", maxlength: 64, autocomplete: "off", placeholder: "Performance id",
      }));
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    whileBusy(form.querySelector("#orders-search-submit"), () => search(view, form));
  });
  return form;
}

async function search(view, form) {
  const { ctx } = view;
  clearErrors(view.problem, form);
  view.query = Object.fromEntries(FILTERS.map((name) => [name, form.elements[name]?.value.trim() ?? ""])
    .filter(([, value]) => value));
  try {
    const answer = await api.get(`/backoffice/orders?${new URLSearchParams({ ...view.query, limit: String(LIMIT) })}`);
    const { zone } = await view.catalog;
    if (!ctx.signal.aborted) renderList(view, answer.orders, zone);
  } catch (error) {
    if (!ctx.signal.aborted) showError(view.problem, error, form);
  }
}

const money = (cents, currency) => `${centsText(cents)} ${currency || ""}`.trim();

function badge(status) {
  const kind = {
    paid: "ok", valid: "ok", succeeded: "ok", pending_payment: "run", reservation: "run", pending: "run",
    cancelled: "bad", declined: "bad", timed_out: "bad",
  }[status] || "off";
  return h("span", { class: `badge ${kind}`, "data-testid": "status", "data-status": status }, label(status));
}

function renderList(view, orders, zone) {
  if (!orders.length) {
    return fill(view.list, h("p", { "data-testid": "no-orders" }, Object.keys(view.query).length
      ? "No order matches this search." : "No order in the last 7 days."));
  }
  const head = h("tr", {}, ["Reference", `Created (${zone})`, "Buyer", "Status", "Total", "Tickets"]
    .map((t) => h("th", { scope: "col", class: t === "Total" || t === "Tickets" ? "num" : null }, t)));
  const rows = orders.map((order) => h("tr", { "data-order": order.order_id, "data-status": order.status },
    h("td", {}, h("button", {
      type: "button", class: "small", "data-action": "open", "aria-label": `Open order ${order.order_id}`,
      onclick: (event) => whileBusy(event.currentTarget, () => showOrder(view, order.order_id)),
    }, h("code", {}, order.order_id))),
    h("td", { title: order.created_at }, localTime(order.created_at, zone)),
    h("td", {}, order.name, h("div", { class: "muted" }, order.email)),
    h("td", {}, badge(order.status)),
    h("td", { class: "num" }, money(order.total, order.currency)),
    h("td", { class: "num" }, String(order.lines.length))));
  fill(view.list,
    h("table", { id: "orders-table", "data-testid": "orders-table" },
      h("caption", { class: "sr-only" }, "Orders, newest first"), h("thead", {}, head), h("tbody", {}, rows)),
    orders.length >= LIMIT ? h("p", { class: "hint" }, `The first ${LIMIT} orders: narrow the search to see others.`) : null);
}

function place(item) {
  if (item.area) return `Standing: ${item.area}`;
  return [item.block && `block ${item.block}`, item.row && `row ${item.row}`, item.number && `seat ${item.number}`]
    .filter(Boolean).join(" · ") || item.seat_id || "–";
}

function table(id, caption, columns, rows) {
  return h("div", { class: "scroll" }, h("table", { id, "data-testid": id },
    h("caption", { class: "sr-only" }, caption),
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.endsWith(" ") ? "num" : null }, c.trim())))),
    h("tbody", {}, rows)));
}

async function showOrder(view, orderId, focus = true) {
  const { ctx } = view;
  clearErrors(view.problem);
  let detail;
  let emails;
  let catalog;
  try {
    [detail, emails, catalog] = await Promise.all([
      api.get(`/backoffice/orders/${seg(orderId)}`),
      api.get(`/backoffice/emails?${new URLSearchParams({ reference: orderId, limit: "20" })}`).catch(() => null),
      view.catalog,
    ]);
  } catch (error) {
    if (!ctx.signal.aborted) showError(view.problem, error);
    return;
  }
  if (ctx.signal.aborted) return;
  history.replaceState(null, "", `#/${ID}/${seg(orderId)}`);
  const { order, tickets } = detail;
  const cur = order.currency;
  const pos = catalog.pointsOfSale.get(order.pos_id);
  // The order's times on its venue's clock when its performances share one, else the screen's (see catalogOf).
  const lineZones = new Set(order.lines.map((line) => catalog.performances.get(line.performance_id)?.zone).filter(Boolean));
  const zone = lineZones.size === 1 ? [...lineZones][0] : catalog.zone;
  const at = (iso) => (iso ? localTimeLabelled(iso, zone) : "");
  const stockLink = (performanceId) => {
    const p = catalog.performances.get(performanceId);
    return p ? h("a", {
      class: "button small", href: `#/events/${seg(p.event_id)}/${seg(p.id)}`, "data-action": "stock",
      "aria-label": `Live stock of performance ${p.code}`,
    }, "Live stock") : null;
  };
  const pairs = [
    ["Status", badge(order.status)],
    ["Created", at(order.created_at)],
    ["Buyer", order.name],
    ["Email", order.email],
    ["Point of sale", pos ? `${pos.name || pos.code} (${pos.code})` : order.pos_id],
    ["Delivery", label(order.delivery_method)],
    order.deadline ? ["Deadline", at(order.deadline)] : null,
    ["Tickets", money(order.tickets_total, cur)],
    ["Booking fee", money(order.booking_fee, cur)],
    ["Delivery fee", money(order.delivery_fee, cur)],
    ["Total", h("strong", { id: "order-total" }, money(order.total, cur))],
    ["Paid", money(order.paid, cur)],
    order.due ? ["Due", money(order.due, cur)] : null,
  ].filter(Boolean);
  fill(view.detail,
    h("h2", { id: "order-detail-title" }, "Order ", h("code", { id: "order-reference" }, order.order_id)),
    h("dl", { class: "pairs", id: "order-summary" }, pairs.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h("h3", {}, "Lines"),
    table("order-lines", "Lines: seats or standing places and their prices",
      ["Event", "Starts", "Place", "Category", "Audience", "Price ", ""],
      order.lines.map((line) => h("tr", { "data-line": line.line_id, "data-seat": line.seat_id || "" },
        h("td", {}, line.event_name), h("td", {},
          localTimeLabelled(line.starts_at, catalog.performances.get(line.performance_id)?.zone || zone)),
        h("td", {}, place(line)), h("td", {}, line.category_name), h("td", {}, line.audience_name),
        h("td", { class: "num" }, money(line.unit_price, cur)), h("td", {}, stockLink(line.performance_id))))),
    h("h3", {}, "Payments"),
    order.payments.length ? table("order-payments", "Payments", ["Method", "Amount ", "Status", "Code", "At"],
      order.payments.map((p) => h("tr", { "data-payment": p.payment_id, "data-method": p.method },
        h("td", {}, label(p.method)), h("td", { class: "num" }, money(p.amount, cur)), h("td", {}, badge(p.status)),
        h("td", {}, p.code ? h("code", {}, p.code) : "–"), h("td", {}, at(p.at) || "–"))))
      : h("p", { class: "muted", id: "order-payments" }, "None."),
    h("h3", {}, "Refunds"),
    order.refunds.length ? table("order-refunds", "Refunds", ["At", "Amount ", "To", "Details"],
      order.refunds.map((r) => h("tr", {},
        h("td", {}, at(r.at)), h("td", { class: "num" }, money(r.amount, cur)), h("td", {}, label(r.to || "")),
        h("td", {}, [r.status === "pending" && "pending: the outbox is refunding it", r.by && `by ${r.by}`, r.reason,
          r.reference && `ref. ${r.reference}`].filter(Boolean).join(" · ")))))
      : h("p", { class: "muted", id: "order-refunds" }, "None."),
    h("h3", {}, "History"),
    h("ol", { id: "order-history", class: "history" }, order.history.map((entry) => h("li", {},
      h("span", { class: "muted" }, at(entry.at)), " ", h("strong", {}, entry.status),
      entry.by ? ` by ${entry.by}` : "", entry.note ? ` (${entry.note})` : ""))),
    h("h3", {}, "Tickets"),
    tickets.length ? table("order-tickets", "E-tickets", ["Place", "Status", "Beneficiary", "Barcode", "Used at"],
      tickets.map((t) => h("tr", { "data-ticket": t.ticket_id, "data-seat": t.seat_id || "" },
        h("td", {}, place(t)), h("td", {}, badge(t.status)),
        h("td", { class: "beneficiary" }, t.beneficiary ? `${t.beneficiary.name} <${t.beneficiary.email}>` : "–"),
        h("td", {}, h("code", { class: "barcode" }, t.barcode)),
        h("td", {}, at(t.used_at) || "–"))))
      : h("p", { class: "muted", id: "order-tickets" }, "None yet: tickets are issued once the order is paid."),
    h("h3", {}, "Emails"),
    emailList(emails, at),
    ctx.can("orders", "modify") && CANCELLABLE.includes(order.status) ? cancelBox(view, order) : null,
    h("div", { class: "buttons" }, h("button", {
      type: "button", id: "order-close",
      onclick: () => {
        view.detail.hidden = true;
        history.replaceState(null, "", `#/${ID}`);
        ctx.setTitle("Orders");
        view.list.querySelector(`tr[data-order="${CSS.escape(orderId)}"] button`)?.focus();
      },
    }, "Close")));
  view.detail.setAttribute("aria-labelledby", "order-detail-title");
  view.detail.hidden = false;
  ctx.setTitle("Order", order.order_id);
  if (focus) {
    view.detail.scrollIntoView({ block: "start" });
    view.detail.querySelector("#order-close").focus({ preventScroll: true });
  }
}

function emailList(emails, at) {
  if (!emails) return h("p", { class: "muted", id: "order-emails" }, "The email outbox could not be read.");
  if (!emails.items.length) return h("p", { class: "muted", id: "order-emails" }, "No email sent for this order.");
  return table("order-emails", "Emails sent for this order", ["Time", "To", "Subject", "Status"],
    emails.items.map((e) => h("tr", { "data-email": e.email_id, "data-kind": e.kind },
      h("td", {}, at(e.created_at)), h("td", {}, e.to), h("td", {}, e.subject),
      h("td", { class: "error-cell" }, h("span", { class: `badge ${e.status === "sent" ? "ok" : "bad"}` }, e.status),
        e.error ? h("div", {}, e.error) : null))));
}

function cancelBox(view, order) {
  const paid = order.status === "paid";
  const problem = errorBox("order-cancel-error");
  const choices = paid ? h("fieldset", { class: "field", "data-field": "refund" },
    h("legend", {}, "Refund"),
    REFUNDS.map(([value, text, hint], n) => h("div", {},
      h("label", { class: "check" },
        h("input", { type: "radio", name: "refund", value, checked: n === 0, id: `order-refund-${value}` }), " ", text),
      h("p", { class: "hint" }, hint)))) : null;
  const box = h("section", { class: "card editor-card", id: "order-cancel", "aria-labelledby": "order-cancel-title" },
    h("h3", { id: "order-cancel-title" }, "Cancel this order"),
    h("p", { class: "muted" }, "Its seats go back on sale and its tickets stop being valid.",
      paid ? "" : " Nothing was paid: there is nothing to refund."),
    problem, choices,
    h("div", { class: "buttons" }, h("button", {
      type: "button", class: "danger", id: "order-cancel-submit",
      onclick: (event) => cancelOrder(view, order, event.currentTarget, problem),
    }, "Cancel order…")));
  return box;
}

/** The shared dialog's "no" button reads "Cancel", which says the opposite here: it keeps the order. */
async function confirmKeeping(text, yes) {
  const no = document.getElementById("confirm-no");
  const before = no.textContent;
  no.textContent = "Keep the order";
  try {
    return await confirmAction(text, yes);
  } finally {
    no.textContent = before;
  }
}

async function cancelOrder(view, order, button, problem) {
  const { ctx } = view;
  clearErrors(problem);
  const refund = view.detail.querySelector("input[name=refund]:checked")?.value || "none";
  const how = order.status === "paid" ? ` Refund: ${REFUNDS.find(([v]) => v === refund)[1].toLowerCase()}.` : "";
  if (!(await confirmKeeping(`Cancel order ${order.order_id} of ${order.name}?${how} This cannot be undone.`, "Cancel the order"))) {
    button.focus();
    return;
  }
  await whileBusy(button, async () => {
    try {
      await api.post(`/backoffice/orders/${seg(order.order_id)}/cancel`, { refund });
    } catch (error) {
      showError(problem, error);
      return;
    }
    ctx.notify(`Order ${order.order_id} cancelled.`);
    const form = document.getElementById("orders-search");
    await Promise.all([showOrder(view, order.order_id), form ? search(view, form) : null]);
    await followRefunds(view, order.order_id);
  });
}

// A card refund is carried out by the outbox worker a moment after the cancellation: show it once done.
async function followRefunds(view, orderId) {
  for (let n = 0; n < 20; n += 1) {
    let answer;
    try {
      answer = await api.get(`/backoffice/orders/${seg(orderId)}`);
    } catch {
      return;
    }
    if (view.ctx.signal.aborted) return;
    if (!answer.order.refunds.some((r) => r.status === "pending")) {
      // drawn again even on the first read: the worker may have finished since the screen was drawn
      if (answer.order.refunds.length) await showOrder(view, orderId, false);
      return;
    }
    await new Promise((resolve) => { setTimeout(resolve, 1000); });
  }
}
