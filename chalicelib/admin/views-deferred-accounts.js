// Deferred accounts screen (compte d'attente): every company's account with its balance, credit limit and
// ageing; open an account or change its settings; an account's entries and invoices; invoice a period;
// record a payment against an invoice; download an invoice's PDF.

import { api, fetchFile, seg } from "./api.js";
import { centsText, listAll, nameOf, parseCents } from "./crud.js";
import { checkRequired, clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { organisationClock } from "./organisation-zone.js";

const BASE = "/backoffice/deferred-accounts";
const BUCKETS = [["current", "Not due"], ["1-30", "1–30 days"], ["31-60", "31–60 days"], ["61-90", "61–90 days"], ["over_90", "Over 90 days"]];
const KINDS = { order: "Order", cancellation: "Cancellation", payment: "Payment" };
const STATUSES = { unpaid: "Unpaid", partly_paid: "Partly paid", paid: "Paid" };
const money = (cents) => centsText(cents);

export default {
  id: "deferred-accounts",
  title: "Deferred accounts",
  area: "orders",
  async render(root, ctx) {
    const view = { ctx, clock: await organisationClock(), problem: errorBox("deferred-error"), list: h("section", { class: "card", id: "deferred-accounts" }), detail: h("section", { id: "deferred-detail", "aria-live": "polite" }) };
    fill(root,
      h("p", { class: "muted" }, "Companies and agencies pay their orders on account; invoice them per period and record what they pay."),
      view.problem,
      ctx.can("orders", "create") || ctx.can("orders", "modify") ? await settingsForm(view) : null,
      view.list,
      view.detail);
    await showList(view);
  },
};

async function showList(view) {
  try {
    const found = await api.get(BASE);
    if (view.ctx.signal.aborted) return;
    fill(view.list,
      h("h2", {}, "Accounts"),
      found.accounts.length ? accountsTable(view, found) : h("p", { class: "muted", id: "deferred-none" }, "No deferred account yet."));
  } catch (error) {
    if (!view.ctx.signal.aborted) showError(view.problem, error);
  }
}

function accountsTable(view, found) {
  const heads = ["Company", "Enabled", "Credit limit", "Balance", "Available", ...BUCKETS.map(([, label]) => label), ""];
  return h("table", { id: "deferred-accounts-table" },
    h("caption", { class: "muted" }, `Unpaid invoices by days past their due date, as of ${found.as_of}.`),
    h("thead", {}, h("tr", {}, heads.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, found.accounts.map((account) => h("tr", { "data-company": account.company_id },
      h("th", { scope: "row" }, account.company_name || account.company_id),
      h("td", {}, account.enabled ? "Yes" : "No"),
      h("td", { class: "num" }, money(account.credit_limit)),
      h("td", { class: "num balance" }, money(account.balance)),
      h("td", { class: "num" }, money(account.available)),
      ...BUCKETS.map(([key]) => h("td", { class: "num" }, money(account.ageing[key] || 0))),
      h("td", {}, h("button", { type: "button", class: "open-account", onclick: () => showAccount(view, account.company_id) }, "Open"))))),
    h("tfoot", {}, h("tr", {},
      h("th", { scope: "row" }, "All accounts"), h("td"), h("td"),
      h("td", { class: "num", id: "deferred-total-balance" }, money(found.totals.balance)), h("td"),
      ...BUCKETS.map(([key]) => h("td", { class: "num" }, money(found.totals.ageing[key] || 0))), h("td"))));
}

async function settingsForm(view) {
  const problem = errorBox("deferred-settings-error");
  let companies = [];
  try {
    companies = await listAll("companies");
  } catch (error) {
    showError(problem, error);
  }
  const form = h("form", { id: "deferred-settings", class: "card", novalidate: true, "aria-labelledby": "deferred-settings-title" },
    h("h2", { id: "deferred-settings-title" }, "Open an account or change its settings"),
    problem,
    h("div", { class: "row" },
      field("Company", h("select", { id: "deferred-company", name: "company_id", required: true },
        h("option", { value: "" }, "Choose…"),
        companies.map((c) => h("option", { value: c.id }, nameOf(c) || c.id)))),
      field("Credit limit", h("input", { id: "deferred-limit", name: "credit_limit", required: true, inputmode: "decimal", class: "money", autocomplete: "off" })),
      field("Payment terms (days)", h("input", { id: "deferred-terms", name: "payment_terms_days", type: "number", min: 0, max: 365, value: 30 })),
      field("Enabled", h("input", { id: "deferred-enabled", name: "enabled", type: "checkbox", checked: true }))),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "deferred-settings-submit" }, "Save")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!checkRequired(form, problem)) return;
    const limit = parseCents(form.elements.credit_limit.value);
    if (limit === null || Number.isNaN(limit)) {
      showError(problem, { message: "Please correct the credit limit.", fields: [{ field: "credit_limit", reason: "Enter an amount such as 500.00." }] }, form);
      return;
    }
    const body = { credit_limit: limit, payment_terms_days: Number(form.elements.payment_terms_days.value || 30), enabled: form.elements.enabled.checked };
    const companyId = form.elements.company_id.value;
    whileBusy(form.querySelector("#deferred-settings-submit"), async () => {
      clearErrors(problem, form);
      try {
        await api.put(`${BASE}/${seg(companyId)}`, body);
        if (view.ctx.signal.aborted) return;
        view.ctx.notify("Deferred account saved.");
        await showList(view);
        await showAccount(view, companyId);
      } catch (error) {
        if (!view.ctx.signal.aborted) showError(problem, error, form);
      }
    });
  });
  return form;
}

async function showAccount(view, companyId) {
  const path = `${BASE}/${seg(companyId)}`;
  try {
    const [account, entries, invoices] = await Promise.all([api.get(path), api.get(`${path}/entries`), api.get(`${path}/invoices`)]);
    if (view.ctx.signal.aborted) return;
    fill(view.detail,
      h("div", { class: "card" },
        h("h2", {}, account.company_name || companyId),
        h("dl", { class: "pairs" },
          h("dt", {}, "Balance"), h("dd", { id: "deferred-balance" }, h("strong", {}, money(account.balance))),
          h("dt", {}, "Credit limit"), h("dd", {}, money(account.credit_limit)),
          h("dt", {}, "Not invoiced yet"), h("dd", { id: "deferred-uninvoiced" }, money(account.uninvoiced)),
          h("dt", {}, "Payment terms"), h("dd", {}, `${account.payment_terms_days} days`),
          h("dt", {}, "Overdue invoices"), h("dd", {}, account.overdue_invoices.length ? account.overdue_invoices.map((i) => i.reference).join(", ") : "None"))),
      view.ctx.can("orders", "create") ? invoiceForm(view, companyId) : null,
      h("div", { class: "card" }, h("h3", {}, "Invoices"), invoicesTable(view, companyId, invoices.invoices)),
      h("div", { class: "card" }, h("h3", {}, "Entries"), entriesTable(view, entries.entries)));
  } catch (error) {
    if (!view.ctx.signal.aborted) showError(view.problem, error);
  }
}

function entriesTable(view, entries) {
  if (!entries.length) return h("p", { class: "muted", id: "deferred-entries" }, "No entry yet.");
  return h("table", { id: "deferred-entries" },
    h("thead", {}, h("tr", {}, [`At (${view.clock.zone})`, "Kind", "Order", "Amount", "Invoice"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, entries.map((entry) => h("tr", {},
      h("td", { title: entry.at }, view.clock.at(entry.at)),
      h("td", {}, KINDS[entry.kind] || entry.kind),
      h("td", {}, entry.order_id ? h("a", { href: `#/orders/${seg(entry.order_id)}` }, entry.order_id) : "–"),
      // + the company owes more (an order), − a credit (a cancellation or a payment)
      h("td", { class: "num" }, entry.amount < 0 ? `−${money(-entry.amount)}` : `+${money(entry.amount)}`),
      h("td", {}, entry.invoice_number || entry.paid_invoice || "–")))));
}

function invoicesTable(view, companyId, invoices) {
  if (!invoices.length) return h("p", { class: "muted", id: "deferred-invoices" }, "No invoice yet.");
  const canPay = view.ctx.can("orders", "modify");
  return h("table", { id: "deferred-invoices" },
    h("thead", {}, h("tr", {}, ["Invoice", "Period", "Issued", "Due", "Total", "Paid", "Outstanding", "Status", ""].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, invoices.map((invoice) => h("tr", { "data-invoice": invoice.number },
      h("th", { scope: "row" }, invoice.reference),
      h("td", {}, `${invoice.period_from} – ${invoice.period_to}`),
      h("td", {}, invoice.issued_on),
      h("td", {}, invoice.due_on),
      h("td", { class: "num" }, money(invoice.total)),
      h("td", { class: "num" }, money(invoice.paid)),
      h("td", { class: "num" }, money(invoice.outstanding)),
      h("td", { class: "invoice-status" }, STATUSES[invoice.status] + (invoice.overdue_days ? ` (${invoice.overdue_days} days overdue)` : "")),
      h("td", {},
        h("button", { type: "button", class: "invoice-pdf", onclick: () => downloadPdf(view, companyId, invoice) }, "PDF"),
        canPay && invoice.outstanding > 0 ? paymentForm(view, companyId, invoice) : null)))));
}

function invoiceForm(view, companyId) {
  const problem = errorBox("deferred-invoice-error");
  const form = h("form", { id: "deferred-invoice", class: "card", novalidate: true, "aria-labelledby": "deferred-invoice-title" },
    h("h3", { id: "deferred-invoice-title" }, "Invoice a period"),
    problem,
    h("div", { class: "row" },
      field("From", h("input", { id: "deferred-from", name: "from", type: "date", required: true })),
      field("To", h("input", { id: "deferred-to", name: "to", type: "date", required: true }), "Inclusive; entries not invoiced yet.")),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "deferred-invoice-submit" }, "Generate the invoice")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!checkRequired(form, problem)) return;
    const body = { from: form.elements.from.value, to: form.elements.to.value };
    whileBusy(form.querySelector("#deferred-invoice-submit"), async () => {
      clearErrors(problem, form);
      try {
        const invoice = await api.post(`${BASE}/${seg(companyId)}/invoices`, body);
        if (view.ctx.signal.aborted) return;
        view.ctx.notify(`Invoice ${invoice.reference} generated: ${money(invoice.total)}.`);
        await showList(view);
        await showAccount(view, companyId);
      } catch (error) {
        if (!view.ctx.signal.aborted) showError(problem, error, form);
      }
    });
  });
  return form;
}

function paymentForm(view, companyId, invoice) {
  const problem = errorBox(`deferred-payment-error-${invoice.number}`);
  const form = h("form", { class: "inline deferred-payment", novalidate: true, "aria-label": `Record a payment of ${invoice.reference}` },
    problem,
    field("Amount", h("input", { name: "amount", required: true, inputmode: "decimal", class: "money", value: centsText(invoice.outstanding), autocomplete: "off" })),
    field("Note", h("input", { name: "note", maxlength: 500, autocomplete: "off" })),
    h("button", { type: "submit", class: "record-payment" }, "Record payment"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!checkRequired(form, problem)) return;
    const amount = parseCents(form.elements.amount.value);
    if (!amount) {
      showError(problem, { message: "Please correct the amount.", fields: [{ field: "amount", reason: "Enter an amount such as 25.00." }] }, form);
      return;
    }
    whileBusy(form.querySelector("button"), async () => {
      clearErrors(problem, form);
      try {
        const paid = await api.post(`${BASE}/${seg(companyId)}/invoices/${invoice.number}/payments`, { amount, note: form.elements.note.value });
        if (view.ctx.signal.aborted) return;
        view.ctx.notify(`Payment recorded on ${paid.reference}: ${money(paid.outstanding)} outstanding.`);
        await showList(view);
        await showAccount(view, companyId);
      } catch (error) {
        if (!view.ctx.signal.aborted) showError(problem, error, form);
      }
    });
  });
  return form;
}

async function downloadPdf(view, companyId, invoice) {
  clearErrors(view.problem);
  try {
    const blob = await fetchFile(`${BASE}/${seg(companyId)}/invoices/${invoice.number}/pdf`, "application/pdf");
    const url = URL.createObjectURL(new Blob([blob], { type: "application/pdf" }));
    const link = h("a", { href: url, download: `${invoice.reference}.pdf`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    view.ctx.notify(`Invoice downloaded as ${invoice.reference}.pdf.`);
  } catch (error) {
    showError(view.problem, error);
  }
}
