// Target lists screen: the lists of contacts a campaign targets (#/target-lists), and one list's
// contacts (#/target-lists/<list>): add a contact by code or e-mail, import a CSV file, remove.

import { api, seg } from "./api.js";
import { crudSection, nameOf, refCache, subPath } from "./crud.js";
import { checkRequired, clearErrors, confirmAction, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { csvField, fileProblems } from "./views-indicators.js";

const ID = "target-lists";
const AREA = "contacts";
const PAGE = 50;
const CAP = "A list holds at most 10,000 contacts.";

export default {
  id: ID,
  title: "Target lists",
  area: AREA,
  async render(root, ctx) {
    const [listId] = subPath();
    if (listId) return listScreen(root, ctx, listId);
    const scoped = { ...ctx, can: (area, action) => ctx.can(area === "catalog" ? AREA : area, action) };
    const lists = crudSection(scoped, {
      plural: ID,
      noun: "target list",
      heading: false,
      columns: ["code", "name", "description"],
      fields: [
        { name: "code", required: true, maxlength: 32 },
        { name: "name", required: true },
        { name: "description", type: "textarea", maxlength: 1000 },
      ],
      rowActions: (item) => h("a", {
        class: "button small", href: `#/${ID}/${seg(item.id)}`, "data-action": "contacts",
        "aria-label": `Contacts of ${nameOf(item)}`,
      }, "Contacts"),
    }, refCache());
    fill(root, h("p", { class: "muted" },
      `The contacts a campaign targets: an advantage of type "contacts" is for the contacts of its list. ${CAP}`),
    lists.node);
    await lists.load();
  },
};

async function listScreen(root, ctx, listId) {
  const list = await api.get(`/backoffice/${ID}/${seg(listId)}`);
  if (ctx.signal.aborted) return;
  ctx.setTitle("Target list", nameOf(list));
  const base = `/backoffice/${ID}/${seg(listId)}`;
  const problem = errorBox("list-contacts-error");
  const size = h("p", { id: "list-size", "aria-live": "polite" });
  const table = h("div", { id: "list-contacts", class: "scroll" }, h("p", { class: "muted" }, "Loading…"));
  const more = h("button", { type: "button", id: "list-more", hidden: true, onclick: () => load(true) }, "Load more");
  const state = { contacts: [], after: null };
  const canModify = ctx.can(AREA, "modify");

  async function load(next = false) {
    clearErrors(problem);
    try {
      const query = new URLSearchParams({ limit: String(PAGE) });
      if (next && state.after) query.set("after", state.after);
      const page = await api.get(`${base}/contacts?${query}`);
      if (ctx.signal.aborted) return;
      state.contacts = next ? [...state.contacts, ...page.contacts] : page.contacts;
      state.after = page.after;
      fill(size, `${page.size} contact(s) in this list.`);
      render();
    } catch (error) {
      if (!ctx.signal.aborted) showError(problem, error);
    }
  }

  function render() {
    more.hidden = !state.after;
    if (!state.contacts.length) return fill(table, h("p", { "data-testid": "empty" }, "No contacts in this list yet."));
    fill(table, h("table", { id: "list-contacts-table" },
      h("caption", { class: "sr-only" }, `Contacts of ${nameOf(list)}`),
      h("thead", {}, h("tr", {}, ["Code", "Name", "E-mail", canModify ? "Actions" : null].filter(Boolean)
        .map((title) => h("th", { scope: "col" }, title)))),
      h("tbody", {}, state.contacts.map((contact) => h("tr", { "data-id": contact.id },
        h("td", {}, contact.code ?? "–"),
        h("td", {}, contact.name ?? `(deleted contact ${contact.id})`),
        h("td", {}, contact.email ?? "–"),
        canModify ? h("td", { class: "actions" }, h("button", {
          type: "button", class: "small danger", "data-action": "remove",
          "aria-label": `Remove ${contact.name || contact.id} from the list`,
          onclick: (event) => remove(contact, event.currentTarget),
        }, "Remove")) : null)))));
  }

  async function remove(contact, button) {
    clearErrors(problem);
    if (!(await confirmAction(`Remove ${contact.name || contact.id} from ${list.name}?`, "Remove"))) {
      button.focus();
      return;
    }
    try {
      await api.post(`${base}/contacts/remove`, { contact_ids: [contact.id] });
      ctx.notify(`${contact.name || contact.id} removed from ${list.name}.`);
      await load();
      table.querySelector("td.actions button")?.focus();
    } catch (error) {
      showError(problem, error);
    }
  }

  fill(root,
    h("p", {}, h("a", { href: `#/${ID}` }, "← All target lists")),
    list.description ? h("p", { class: "muted" }, list.description) : null,
    h("section", { class: "card", "aria-labelledby": "list-contacts-title" },
      h("h2", { id: "list-contacts-title" }, "Contacts"), size, problem, table, more),
    canModify ? addForm(ctx, base, load) : null,
    canModify ? importForm(ctx, base, load) : null);
  await load();
}

/** One contact by code or e-mail: sent as a one-row file, so the API finds it as an import would. */
function addForm(ctx, base, reload) {
  const problem = errorBox("list-add-error");
  const form = h("form", { id: "list-add", class: "card", novalidate: true, "aria-labelledby": "list-add-title" },
    h("h2", { id: "list-add-title" }, "Add a contact"),
    problem,
    field("Contact code or e-mail", h("input", {
      id: "list-add-contact", name: "contact", required: true, maxlength: 254, autocomplete: "off", spellcheck: "false",
    })),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "list-add-submit" }, "Add")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!checkRequired(form, problem)) return;
    const typed = form.elements.contact.value.trim();
    whileBusy(form.querySelector("#list-add-submit"), async () => {
      try {
        const done = await api.post(`${base}/import`, { csv: typed.replace(/[,;\t\r\n]/g, " ") });
        if (ctx.signal.aborted) return;
        if (done.unknown_count) {
          showError(problem, { message: "No contact has this code or e-mail.", fields: [{ field: "contact", reason: `Unknown: ${typed}` }] }, form);
          return;
        }
        ctx.notify(done.added ? `${typed} added.` : `${typed} was in the list already.`);
        form.reset();
        await reload();
        form.elements.contact.focus();
      } catch (error) {
        if (!ctx.signal.aborted) showError(problem, error, form);
      }
    });
  });
  return form;
}

function importForm(ctx, base, reload) {
  const key = "list-import";
  const problem = errorBox(`${key}-error`);
  const result = h("div", { id: `${key}-result`, "aria-live": "polite" });
  const form = h("form", { id: key, class: "card", novalidate: true, "aria-labelledby": `${key}-title` },
    h("h2", { id: `${key}-title` }, "Import contacts"),
    problem,
    ...csvField(key, "One contact per row: its code or e-mail (first column); a first row of column names is skipped. " +
      `Rows naming no contact are listed after the import; the others are added. ${CAP}`),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: `${key}-submit` }, "Import")),
    result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!checkRequired(form, problem)) return;
    whileBusy(form.querySelector(`#${key}-submit`), async () => {
      fill(result);
      try {
        const done = await api.post(`${base}/import`, { csv: form.elements.csv.value });
        if (ctx.signal.aborted) return;
        ctx.notify(`${done.added} contact(s) added.`);
        fill(result,
          h("p", {}, `${done.rows} row(s) read: ${done.added} added, ${done.already_in} already in the list; ` +
            `the list has ${done.size} contact(s).`),
          done.unknown_count ? [
            h("h3", {}, `${done.unknown_count} row(s) name no contact`),
            h("ul", { id: `${key}-unknown` }, done.unknown.map((row) => h("li", {}, `Line ${row.line}: ${row.value}`))),
          ] : null);
        await reload();
      } catch (error) {
        if (!ctx.signal.aborted) showError(problem, fileProblems(error), form);
      }
    });
  });
  return form;
}
