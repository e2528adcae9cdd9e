// Roles screen: list roles with their rights, create or edit a role's rights as an area x action grid, delete.

import { api, seg } from "./api.js";
import { checkRequired, clearErrors, confirmAction, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { ACTIONS, areasOf, label, rightsTable, summary } from "./rights.js";

const BASE = "/backoffice/roles";

export default {
  id: "roles",
  title: "Roles",
  area: "operators",
  async render(root, ctx) {
    const view = {
      ctx,
      roles: [],
      list: h("div", { id: "roles-list", class: "scroll" }),
      editor: h("section", {
        class: "card", id: "role-editor", "aria-labelledby": "role-editor-title", hidden: true,
      }),
    };
    await load(view);
    if (ctx.signal.aborted) return;
    fill(root,
      h("p", { class: "muted" }, "A role is a named set of rights; operators get the rights of all their roles."),
      view.list, view.editor);
    if (ctx.can("operators", "create")) openEditor(view, null);
  },
};

async function load(view) {
  const roles = await api.get(BASE);
  if (view.ctx.signal.aborted) return;
  view.roles = roles;
  renderList(view);
}

async function reload(view) {
  try {
    await load(view);
  } catch (error) {
    view.ctx.showError(error);
  }
}

function renderList(view) {
  const { ctx } = view;
  if (!view.roles.length) return fill(view.list, h("p", {}, "No roles yet."));
  const head = h("tr", {}, ["Name", "Rights", "Actions"].map((t) => h("th", { scope: "col" }, t)));
  // The administrator role holds every right: the API refuses to edit or delete it.
  const editable = (role) => role.name !== "administrator";
  const rows = view.roles.map((role) =>
    h("tr", { "data-role": role.name },
      h("td", {}, h("code", {}, role.name)),
      h("td", { class: "rights-summary", "data-testid": "rights" }, summary(role.rights)),
      h("td", { class: "actions" },
        ctx.can("operators", "modify") && editable(role) ? h("button", {
          type: "button", class: "small", "data-action": "edit", "aria-label": `Edit role ${role.name}`,
          onclick: () => openEditor(view, role),
        }, "Edit") : null,
        ctx.can("operators", "delete") && editable(role) ? h("button", {
          type: "button", class: "small danger", "data-action": "delete", "aria-label": `Delete role ${role.name}`,
          onclick: (event) => remove(view, role, event.currentTarget),
        }, "Delete") : null)));
  fill(view.list, h("table", { id: "roles-table", "data-testid": "roles-table" },
    h("thead", {}, head), h("tbody", {}, rows)));
}

function rightBox(rights, area, action) {
  return h("input", {
    type: "checkbox", name: "right", value: `${area}:${action}`, "data-area": area, "data-action": action,
    "aria-label": `${label(area)}: ${action}`, checked: Boolean(rights[area]?.includes(action)),
  });
}

function setAll(form, checked) {
  for (const box of form.querySelectorAll("input[name=right]")) box.checked = checked;
}

/** Open the editor on `role`, or on a new role when `role` is null. */
function openEditor(view, role) {
  const editing = Boolean(role);
  const rights = role ? role.rights : {};
  const problem = errorBox("role-error");
  const nameInput = h("input", {
    id: "role-name", name: "name", required: true, maxlength: 64, autocomplete: "off", spellcheck: "false",
    value: role ? role.name : "", readonly: editing,
  });
  const grid = rightsTable(rights, {
    id: "rights-grid",
    areas: areasOf(...view.roles.map((r) => r.rights)),
    cell: (area, action) => rightBox(rights, area, action),
  });
  const form = h("form", { id: "role-form", novalidate: true, "data-mode": editing ? "edit" : "create" },
    problem,
    field("Name", nameInput,
      editing ? "A role's name cannot be changed." : "Lowercase letters, digits, '.', '_' or '-'."),
    h("fieldset", { class: "field", "data-field": "rights" },
      h("legend", {}, "Rights"),
      h("div", { class: "buttons compact" },
        h("button", {
          type: "button", class: "small", id: "rights-all", onclick: () => setAll(form, true),
        }, "Tick all"),
        h("button", {
          type: "button", class: "small", id: "rights-none", onclick: () => setAll(form, false),
        }, "Clear all")),
      h("div", { class: "scroll" }, grid)),
    h("div", { class: "buttons" },
      h("button", { type: "submit", class: "primary", id: "role-save" }, editing ? "Save rights" : "Create role"),
      editing
        ? h("button", { type: "button", id: "role-cancel", onclick: () => closeEditor(view) }, "Cancel")
        : null));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save(view, role, form, problem);
  });
  fill(view.editor, h("h2", { id: "role-editor-title" }, editing ? `Edit role ${role.name}` : "New role"), form);
  view.editor.hidden = false;
  if (editing) {
    view.editor.scrollIntoView({ block: "start" });
    form.querySelector("input[name=right]")?.focus();
  }
}

function closeEditor(view) {
  if (view.ctx.can("operators", "create")) openEditor(view, null);
  else view.editor.hidden = true;
  document.getElementById("screen-title")?.focus();
}

function rightsOf(form) {
  const rights = {};
  for (const box of form.querySelectorAll("input[name=right]:checked")) {
    (rights[box.dataset.area] ||= []).push(box.dataset.action);
  }
  for (const area of Object.keys(rights)) rights[area].sort((a, b) => ACTIONS.indexOf(a) - ACTIONS.indexOf(b));
  return rights;
}

async function save(view, role, form, problem) {
  if (!checkRequired(form, problem)) return;
  const name = form.querySelector("#role-name").value.trim();
  const rights = rightsOf(form);
  await whileBusy(form.querySelector("#role-save"), async () => {
    try {
      if (role) await api.put(`${BASE}/${seg(role.name)}`, { rights });
      else await api.post(BASE, { name, rights });
      clearErrors(problem, form);
      view.ctx.notify(role ? `Role ${name} saved.` : `Role ${name} created.`);
      await reload(view);
      closeEditor(view);
    } catch (error) {
      showError(problem, error, form);
    }
  });
}

async function remove(view, role, button) {
  view.ctx.clearError();
  if (!(await confirmAction(`Delete role ${role.name}? This cannot be undone.`))) {
    button.focus();
    return;
  }
  try {
    await api.del(`${BASE}/${seg(role.name)}`);
    view.ctx.notify(`Role ${role.name} deleted.`);
    if (view.editor.querySelector("#role-form[data-mode=edit] #role-name")?.value === role.name) closeEditor(view);
    await reload(view);
  } catch (error) {
    view.ctx.showError(error);
  }
}
