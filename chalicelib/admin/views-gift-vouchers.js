// Gift vouchers screen: issue a voucher (its code is made unguessable unless given), look one up by
// code to see its balance and the orders that used it.

import { api, seg } from "./api.js";
import { centsText, parseCents } from "./crud.js";
import { checkRequired, clearErrors, errorBox, field, fill, formatTime, h, showError, whileBusy } from "./dom.js";

export default {
  id: "gift-vouchers",
  title: "Gift vouchers",
  area: "orders",
  async render(root, ctx) {
    const shown = h("section", { class: "card", id: "voucher", "aria-live": "polite", hidden: true });
    const show = (voucher) => {
      fill(shown, voucherCard(voucher));
      shown.hidden = false;
    };
    fill(root,
      h("p", { class: "muted" }, "A gift voucher pays all or part of an order; what is left stays on it."),
      ctx.can("orders", "create") ? issueForm(ctx, show) : null,
      lookUpForm(ctx, show),
      shown);
  },
};

function issueForm(ctx, show) {
  const problem = errorBox("voucher-issue-error");
  const form = h("form", { id: "voucher-issue", class: "card", novalidate: true, "aria-labelledby": "voucher-issue-title" },
    h("h2", { id: "voucher-issue-title" }, "Issue a gift voucher"),
    problem,
    h("div", { class: "row" },
      field("Amount", h("input", { id: "voucher-amount", name: "amount", required: true, inputmode: "decimal", class: "money", autocomplete: "off" })),
      field("Currency", h("input", { id: "voucher-currency", name: "currency", value: "EUR", maxlength: 3, autocomplete: "off" })),
      field("Expires on", h("input", { id: "voucher-expires", name: "expires_on", type: "date" }), "Empty: never."),
      field("Code", h("input", {
        id: "voucher-code", name: "code", maxlength: 40, autocomplete: "off", spellcheck: "false",
      }), "Empty: an unguessable code is made. Capitals, digits and '-', 6 to 40.")),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "voucher-issue-submit" }, "Issue")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!checkRequired(form, problem)) return;
    const amount = parseCents(form.elements.amount.value);
    if (!amount) {
      showError(problem, { message: "Please correct the amount.", fields: [{ field: "amount", reason: "Enter an amount such as 25.00." }] }, form);
      return;
    }
    const body = { amount, currency: form.elements.currency.value.trim().toUpperCase() || "EUR" };
    if (form.elements.expires_on.value) body.expires_on = form.elements.expires_on.value;
    if (form.elements.code.value.trim()) body.code = form.elements.code.value.trim().toUpperCase();
    whileBusy(form.querySelector("#voucher-issue-submit"), async () => {
      try {
        const voucher = await api.post("/backoffice/gift-vouchers", body);
        if (ctx.signal.aborted) return;
        ctx.notify(`Gift voucher ${voucher.code} issued.`);
        form.reset();
        show(voucher);
      } catch (error) {
        if (!ctx.signal.aborted) showError(problem, error, form);
      }
    });
  });
  return form;
}

function lookUpForm(ctx, show) {
  const problem = errorBox("voucher-find-error");
  const form = h("form", { id: "voucher-find", role: "search", class: "card", novalidate: true, "aria-labelledby": "voucher-find-title" },
    h("h2", { id: "voucher-find-title" }, "Look up a gift voucher"),
    problem,
    field("Code", h("input", { id: "voucher-find-code", name: "code", required: true, maxlength: 40, autocomplete: "off", spellcheck: "false" })),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "voucher-find-submit" }, "Look up")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!checkRequired(form, problem)) return;
    whileBusy(form.querySelector("#voucher-find-submit"), async () => {
      clearErrors(problem, form);
      try {
        const voucher = await api.get(`/backoffice/gift-vouchers/${seg(form.elements.code.value.trim().toUpperCase())}`);
        if (!ctx.signal.aborted) show(voucher);
      } catch (error) {
        if (!ctx.signal.aborted) showError(problem, error, form);
      }
    });
  });
  return form;
}

function voucherCard(voucher) {
  const money = (cents) => `${centsText(cents)} ${voucher.currency}`;
  return [
    h("h2", {}, "Gift voucher ", h("code", { id: "voucher-code-shown" }, voucher.code)),
    h("dl", { class: "pairs" },
      h("dt", {}, "Balance"), h("dd", { id: "voucher-balance" }, h("strong", {}, money(voucher.balance))),
      h("dt", {}, "Issued for"), h("dd", {}, money(voucher.initial)),
      h("dt", {}, "Expires on"), h("dd", {}, voucher.expires_on || "Never")),
    h("h3", {}, "Uses"),
    voucher.uses.length
      ? h("table", { id: "voucher-uses" },
        h("thead", {}, h("tr", {}, ["At", "Order", "Amount"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, voucher.uses.map((use) => h("tr", {},
          h("td", {}, formatTime(use.at)),
          h("td", {}, use.order_id ? h("a", { href: `#/orders/${seg(use.order_id)}` }, use.order_id) : "–"),
          // A negative use is money given back to the voucher (its order was cancelled).
          h("td", { class: "num" }, use.amount < 0 ? `+${money(-use.amount)} back` : `−${money(use.amount)}`)))))
      : h("p", { class: "muted", id: "voucher-uses" }, "Not used yet."),
  ];
}
