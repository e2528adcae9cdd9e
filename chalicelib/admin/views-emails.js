// Email outbox screen: the emails sent (or not) to customers, newest first; one shows its text.

import { api, seg } from "./api.js";
import { clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { organisationClock } from "./organisation-zone.js";

const BASE = "/backoffice/emails";
const PAGE = 50;
const FILTERS = ["day", "kind", "reference"];

export default {
  id: "emails",
  title: "Email outbox",
  area: "orders",
  async render(root, ctx) {
    const view = {
      ctx,
      clock: await organisationClock(), // times on the organisation's clock, never the browser's
      items: [],
      cursor: null,
      filters: {},
      problem: errorBox("emails-error"),
      list: h("div", { id: "emails-list", class: "scroll", "data-testid": "emails" },
        h("p", { class: "muted" }, "Loading emails…")),
      more: null,
      detail: h("section", { class: "card", id: "email-detail", "aria-live": "polite", hidden: true }),
    };
    view.more = h("button", {
      type: "button", id: "emails-more", hidden: true,
      onclick: (event) => whileBusy(event.currentTarget, () => load(view, true)),
    }, "Load more");
    fill(root,
      h("p", { class: "muted" },
        "Emails sent to customers (order confirmations, reservations…), kept 90 days. ",
        "A failed one says why; an email that did not go never stops a sale."),
      filterForm(view),
      view.problem,
      view.list,
      h("div", { class: "buttons" }, view.more),
      view.detail);
    await load(view);
  },
};

function filterForm(view) {
  const form = h("form", { id: "emails-filters", novalidate: true, "aria-label": "Filter emails" },
    h("div", { class: "row" },
      field("Day", h("input", { id: "emails-day", name: "day", type: "date" }),
        `A day on the organisation's clock, midnight to midnight in ${view.clock.zone} (as the times below). Empty: the last 30 days.`),
      field("Kind", h("input", {
        id: "emails-kind", name: "kind", maxlength: 50, autocomplete: "off", spellcheck: "false",
        placeholder: "order_confirmation",
      })),
      field("Reference", h("input", {
        id: "emails-reference", name: "reference", maxlength: 100, autocomplete: "off", spellcheck: "false",
        placeholder: "Order id",
      }))),
    h("div", { class: "buttons" },
      h("button", { type: "submit", class: "primary", id: "emails-show" }, "Show"),
      h("button", {
        type: "button", id: "emails-clear",
        onclick: () => {
          form.reset();
          form.requestSubmit();
        },
      }, "Clear filters")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    view.filters = Object.fromEntries(FILTERS
      .map((name) => [name, form.elements[name].value.trim()])
      .filter(([, value]) => value));
    whileBusy(form.querySelector("#emails-show"), () => load(view, false, form));
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
  return h("span", { class: `badge ${status === "sent" ? "ok" : "bad"}`, "data-testid": "status" }, status);
}

function renderList(view) {
  view.more.hidden = !view.cursor;
  if (!view.items.length) {
    return fill(view.list, h("p", { "data-testid": "no-emails" },
      Object.keys(view.filters).length ? "No email matches these filters." : "No emails in the last 30 days."));
  }
  const head = h("tr", {}, [`Time (${view.clock.zone})`, "To", "Subject", "Kind", "Reference", "Status"]
    .map((t) => h("th", { scope: "col" }, t)));
  const rows = view.items.map((email) => h("tr", { "data-email": email.email_id },
    h("td", { title: email.created_at }, view.clock.at(email.created_at)),
    h("td", {}, email.to),
    h("td", {}, h("button", {
      type: "button", class: "small", "data-action": "open", "aria-label": `Show the email ${email.subject} to ${email.to}`,
      onclick: (event) => whileBusy(event.currentTarget, () => showEmail(view, email.email_id)),
    }, email.subject)),
    h("td", {}, h("code", {}, email.kind)),
    h("td", {}, email.reference ? h("code", {}, email.reference) : "–"),
    h("td", { class: "error-cell" }, badge(email.status), email.error ? h("div", {}, email.error) : null)));
  fill(view.list, h("table", { id: "emails-table", "data-testid": "emails-table" },
    h("caption", { class: "sr-only" }, "Emails, newest first"), h("thead", {}, head), h("tbody", {}, rows)));
}

async function showEmail(view, emailId) {
  const { ctx } = view;
  clearErrors(view.problem);
  let email;
  try {
    email = await api.get(`${BASE}/${seg(emailId)}`);
  } catch (error) {
    if (!ctx.signal.aborted) showError(view.problem, error);
    return;
  }
  if (ctx.signal.aborted) return;
  const pairs = [
    [`Sent at (${view.clock.zone})`, view.clock.at(email.created_at)],
    ["To", email.to],
    ["Kind", email.kind],
    ["Reference", email.reference || "–"],
    ["Status", badge(email.status)],
    email.error ? ["Error", email.error] : null,
    email.provider_message_id ? ["SES message id", h("code", {}, email.provider_message_id)] : null,
  ].filter(Boolean);
  fill(view.detail,
    h("h2", { id: "email-detail-title" }, email.subject),
    h("dl", { class: "pairs" }, pairs.map(([key, value]) => [h("dt", {}, key), h("dd", {}, value)])),
    h("h3", {}, "Text"),
    // The text only: the HTML version is never rendered here (it comes from templates and data).
    h("pre", { id: "email-text", style: "white-space: pre-wrap; margin: 0" }, email.text),
    email.html ? h("p", { class: "hint" }, "An HTML version of the same text was sent too.") : null,
    h("h3", {}, "Attachments"),
    email.attachments.length
      ? h("ul", { id: "email-attachments" }, email.attachments.map((a) =>
        h("li", {}, a.filename, h("span", { class: "muted" }, ` (${a.content_type}, ${size(a.size)})`))))
      : h("p", { class: "muted", id: "email-attachments" }, "None."),
    h("div", { class: "buttons" }, h("button", {
      type: "button", id: "email-close",
      onclick: () => {
        view.detail.hidden = true;
        view.list.querySelector(`tr[data-email="${CSS.escape(emailId)}"] button`)?.focus();
      },
    }, "Close")));
  view.detail.setAttribute("aria-labelledby", "email-detail-title");
  view.detail.hidden = false;
  view.detail.scrollIntoView({ block: "nearest" });
  view.detail.querySelector("#email-close").focus();
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
