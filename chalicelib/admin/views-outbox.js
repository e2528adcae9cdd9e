// Outbox screen: every side effect of orders and options (emails, card refunds, stock given back,
// sales figures), where it stands, and retrying what failed or died.

import { api, seg } from "./api.js";
import { clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { organisationClock } from "./organisation-zone.js";

const BASE = "/backoffice/outbox";
const PAGE = 50;
const STATUSES = ["pending", "sending", "sent", "failed", "dead", "obsolete"];
const EFFECTS = ["email", "card_refund", "give_back_stock", "figures"];

export default {
  id: "outbox",
  title: "Outbox",
  area: "orders",
  async render(root, ctx) {
    const view = {
      ctx,
      clock: await organisationClock(), // times on the organisation's clock, never the browser's
      items: [],
      cursor: null,
      filters: {},
      problem: errorBox("outbox-error"),
      list: h("div", { id: "outbox-list", class: "scroll", "data-testid": "outbox" },
        h("p", { class: "muted" }, "Loading the outbox…")),
      more: null,
    };
    view.more = h("button", {
      type: "button", id: "outbox-more", hidden: true,
      onclick: (event) => whileBusy(event.currentTarget, () => load(view, true)),
    }, "Load more");
    const retryAll = h("button", {
      type: "button", id: "outbox-retry-all", disabled: !ctx.can("orders", "modify"),
      onclick: (event) => whileBusy(event.currentTarget, async () => {
        clearErrors(view.problem);
        try {
          const done = await api.post(`${BASE}/retry`, {});
          ctx.notify(`${done.retried} dead item${done.retried === 1 ? "" : "s"} put back to pending.`);
          await load(view);
        } catch (error) {
          showError(view.problem, error);
        }
      }),
    }, "Retry every dead item");
    fill(root,
      h("p", { class: "muted" },
        "Each change that has side effects writes them here in the same transaction; a worker carries ",
        "them out at once and tries again with a growing delay. After 8 tries an item is dead: retry it ",
        "once the cause is fixed. The reconciler (Workflows) finds anything left behind every 5 minutes."),
      filterForm(view),
      view.problem,
      h("div", { class: "buttons" }, retryAll),
      view.list,
      h("div", { class: "buttons" }, view.more));
    await load(view);
  },
};

function choice(id, name, label, values) {
  return field(label, h("select", { id, name },
    h("option", { value: "" }, "Any"), values.map((v) => h("option", { value: v }, v.replaceAll("_", " ")))));
}

function filterForm(view) {
  const form = h("form", { id: "outbox-filters", novalidate: true, "aria-label": "Filter the outbox" },
    h("div", { class: "row" },
      choice("outbox-status", "status", "Status", STATUSES),
      choice("outbox-effect", "effect", "Effect", EFFECTS),
      field("Day", h("input", { id: "outbox-day", name: "day", type: "date" }),
        `A day on the organisation's clock, midnight to midnight in ${view.clock.zone} (as the times below). Empty: the last 30 days.`),
      field("Reference", h("input", {
        id: "outbox-reference", name: "reference", maxlength: 100, autocomplete: "off", spellcheck: "false",
        placeholder: "Order id",
      }))),
    h("div", { class: "buttons" },
      h("button", { type: "submit", class: "primary", id: "outbox-show" }, "Show")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    view.filters = Object.fromEntries(["status", "effect", "day", "reference"]
      .map((name) => [name, form.elements[name].value.trim()])
      .filter(([, value]) => value));
    whileBusy(form.querySelector("#outbox-show"), () => load(view, false, form));
  });
  return form;
}

async function load(view, next = false, form = undefined) {
  const { ctx } = view;
  clearErrors(view.problem, form);
  const query = new URLSearchParams({ limit: String(PAGE), ...view.filters });
  if (next && view.cursor) query.set("cursor", view.cursor);
  try {
    const page = await api.get(`${BASE}?${query}`);
    if (ctx.signal.aborted) return;
    view.items = next ? [...view.items, ...page.items] : page.items;
    view.cursor = page.next_cursor;
    renderList(view);
  } catch (error) {
    if (!ctx.signal.aborted) showError(view.problem, error, form);
  }
}

function badge(status) {
  const tone = status === "sent" ? "ok" : ["pending", "sending", "obsolete"].includes(status) ? "" : "bad";
  return h("span", { class: `badge ${tone}`, "data-testid": "status" }, status);
}

function renderList(view) {
  view.more.hidden = !view.cursor;
  if (!view.items.length) {
    return fill(view.list, h("p", { "data-testid": "no-outbox-items" },
      Object.keys(view.filters).length ? "Nothing in the outbox matches these filters."
        : "Nothing in the outbox in the last 30 days."));
  }
  const head = h("tr", {}, [`Time (${view.clock.zone})`, "Effect", "Kind", "Reference", "Tries", "Status", ""]
    .map((t) => h("th", { scope: "col" }, t)));
  const rows = view.items.map((item) => h("tr", { "data-item": item.email_id },
    h("td", { title: item.created_at }, view.clock.at(item.created_at)),
    h("td", {}, item.effect.replaceAll("_", " ")),
    h("td", {}, h("code", {}, item.kind)),
    h("td", {}, item.reference ? h("code", {}, item.reference) : "–"),
    h("td", {}, String(item.attempts)),
    h("td", { class: "error-cell" }, badge(item.status), item.error ? h("div", {}, item.error) : null),
    h("td", {}, ["failed", "dead"].includes(item.status) && view.ctx.can("orders", "modify")
      ? h("button", {
        type: "button", class: "small", "data-action": "retry",
        "aria-label": `Retry ${item.kind} ${item.reference || ""}`.trim(),
        onclick: (event) => whileBusy(event.currentTarget, () => retry(view, item)),
      }, "Retry") : null)));
  fill(view.list, h("table", { id: "outbox-table", "data-testid": "outbox-table" },
    h("caption", { class: "sr-only" }, "Outbox items, newest first"), h("thead", {}, head), h("tbody", {}, rows)));
}

async function retry(view, item) {
  clearErrors(view.problem);
  try {
    const again = await api.post(`${BASE}/${seg(item.email_id)}/retry`, {});
    view.ctx.notify(`${item.kind} ${item.reference || ""} is ${again.status}.`);
    await load(view);
  } catch (error) {
    showError(view.problem, error);
  }
}
