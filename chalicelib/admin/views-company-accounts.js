// Company accounts screen: the companies that asked for an online account over the shop; accept one
// (its company, relay contact and shop account are created, the relay is e-mailed the contact number)
// or refuse it with a reason (e-mailed). Both are safe to repeat.

import { api, seg } from "./api.js";
import { clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { organisationClock } from "./organisation-zone.js";

const BASE = "/backoffice/company-accounts";
const STATUSES = ["requested", "accepted", "refused"];

export default {
  id: "company-accounts",
  title: "Company accounts",
  area: "contacts",
  async render(root, ctx) {
    const view = {
      ctx,
      clock: await organisationClock(), // times on the organisation's clock, never the browser's
      status: "requested",
      requests: [],
      types: {},
      problem: errorBox("company-accounts-error"),
      list: h("div", { id: "company-accounts-list", class: "scroll", "data-testid": "company-accounts" },
        h("p", { class: "muted" }, "Loading the requests…")),
    };
    fill(root,
      h("p", { class: "muted" },
        "A company asks for an online account from the shop. Accepting creates the company, its relay ",
        "contact and the relay's shop account, and e-mails the relay their contact number: they log in with ",
        "their e-mail, password and contact number. Refusing e-mails the reason. To stop an accepted ",
        "company, set its account status to suspended (Customers)."),
      filterForm(view),
      view.problem,
      view.list);
    await loadTypes(view);
    await load(view);
  },
};

function filterForm(view) {
  const select = h("select", { id: "company-accounts-status", name: "status" },
    STATUSES.map((s) => h("option", { value: s, selected: s === view.status }, s)),
    h("option", { value: "" }, "any"));
  select.value = view.status;
  select.addEventListener("change", () => {
    view.status = select.value;
    load(view);
  });
  return h("form", { id: "company-accounts-filters", "aria-label": "Filter the requests",
    onsubmit: (event) => event.preventDefault() },
  h("div", { class: "row" }, field("Status", select)));
}

async function loadTypes(view) {
  try {
    const page = await api.get("/backoffice/company-types?limit=200");
    view.types = Object.fromEntries(page.items.map((t) => [t.id, t.name]));
  } catch {
    view.types = {}; // without the catalog right the type's id is shown
  }
}

async function load(view) {
  const { ctx } = view;
  clearErrors(view.problem);
  const query = view.status ? `?status=${seg(view.status)}` : "";
  try {
    const page = await api.get(`${BASE}${query}`);
    if (ctx.signal.aborted) return;
    view.requests = page.requests;
    renderList(view);
  } catch (error) {
    if (!ctx.signal.aborted) showError(view.problem, error);
  }
}

function badge(status) {
  const tone = status === "accepted" ? "ok" : status === "refused" ? "bad" : "";
  return h("span", { class: `badge ${tone}`, "data-testid": "status" }, status);
}

function outcome(request) {
  if (request.status === "accepted") {
    return h("div", { "data-testid": "created" },
      h("div", {}, "Company ", h("code", { "data-testid": "company-id" }, request.company_id)),
      h("div", {}, "Contact number ", h("strong", { "data-testid": "contact-number" }, request.contact_number)));
  }
  if (request.status === "refused") return h("div", { "data-testid": "refusal" }, request.reason);
  return null;
}

function renderList(view) {
  if (!view.requests.length) {
    return fill(view.list, h("p", { "data-testid": "no-company-accounts" },
      view.status ? `No ${view.status} request.` : "No company has asked for an account yet."));
  }
  const head = h("tr", {}, [`Asked (${view.clock.zone})`, "Company", "Type", "Relay", "Status", "Outcome", ""]
    .map((t) => h("th", { scope: "col" }, t)));
  const rows = view.requests.map((request) => h("tr", { "data-request": request.request_id },
    h("td", { title: request.created_at }, view.clock.at(request.created_at)),
    h("td", {}, h("strong", {}, request.company_name), request.address ? h("div", { class: "muted" }, request.address) : null),
    h("td", {}, view.types[request.company_type_id] || request.company_type_id),
    h("td", {}, request.relay_name, h("div", {}, h("a", { href: `mailto:${request.email}` }, request.email))),
    h("td", {}, badge(request.status),
      request.decided_by ? h("div", { class: "muted" }, `by ${request.decided_by}`) : null),
    h("td", {}, outcome(request)),
    h("td", {}, request.status === "requested" && view.ctx.can("contacts", "modify") ? actions(view, request) : null)));
  fill(view.list, h("table", { id: "company-accounts-table", "data-testid": "company-accounts-table" },
    h("caption", { class: "sr-only" }, "Company account requests, newest first"),
    h("thead", {}, head), h("tbody", {}, rows)));
}

function actions(view, request) {
  const reason = h("input", {
    name: "reason", maxlength: 2000, placeholder: "Reason (e-mailed)", "aria-label": `Reason to refuse ${request.company_name}`,
  });
  const accept = h("button", {
    type: "button", class: "small primary", "data-action": "accept", "aria-label": `Accept ${request.company_name}`,
    onclick: (event) => whileBusy(event.currentTarget, () => decide(view, request, "accept", {})),
  }, "Accept");
  const refuse = h("button", {
    type: "button", class: "small", "data-action": "refuse", "aria-label": `Refuse ${request.company_name}`,
    onclick: (event) => whileBusy(event.currentTarget, () => {
      if (!reason.value.trim()) {
        showError(view.problem, { message: "Give the reason for the refusal: it is e-mailed to the relay." });
        reason.focus();
        return undefined;
      }
      return decide(view, request, "refuse", { reason: reason.value.trim() });
    }),
  }, "Refuse");
  return h("div", { class: "buttons" }, accept, reason, refuse);
}

async function decide(view, request, action, body) {
  clearErrors(view.problem);
  try {
    const done = await api.post(`${BASE}/${seg(request.request_id)}/${action}`, body);
    view.ctx.notify(done.status === "accepted"
      ? `${done.company_name} accepted: contact number ${done.contact_number}, e-mailed to ${done.email}.`
      : `${done.company_name} refused; the reason was e-mailed to ${done.email}.`);
    await load(view);
  } catch (error) {
    showError(view.problem, error);
  }
}
