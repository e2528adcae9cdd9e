// Operators screen: list the organisation's operators, create one, change roles/active/name/password and
// scope (audience categories, product families), delete.

import { api, seg } from "./api.js";
import {
  checkboxes, checkedValues, checkRequired, clearErrors, confirmAction, errorBox, field, fill, h,
  showError, whileBusy,
} from "./dom.js";
import { sameScope, scopeChoices, scopeFields, scopeOf, scopeText } from "./operator-scope.js";

const BASE = "/backoffice/operators";

export default {
  id: "operators",
  title: "Operators",
  area: "operators",
  async render(root, ctx) {
    const view = { ctx, operators: [], roles: [], list: h("div", { id: "operators-list", class: "scroll" }) };
    await load(view);
    if (ctx.signal.aborted) return;
    fill(root,
      h("p", { class: "muted" }, "The people who may log in to this organisation's back office."),
      view.list,
      ctx.can("operators", "create") ? createSection(view) : null);
  },
};

async function load(view) {
  const [operators, roles, choices] = await Promise.all([
    api.get(BASE), api.get("/backoffice/roles"), view.choices || scopeChoices(),
  ]);
  if (view.ctx.signal.aborted) return;
  view.operators = operators;
  view.roles = roles.map((role) => role.name);
  view.choices = choices;
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
  if (!view.operators.length) return fill(view.list, h("p", {}, "No operators yet."));
  const head = h("tr", {}, ["Login", "Name", "Roles", "Scope", "Status", "Actions"]
    .map((t) => h("th", { scope: "col" }, t)));
  const rows = view.operators.map((op) => {
    const self = op.login === ctx.operator.login;
    return h("tr", { "data-login": op.login },
      h("td", {}, h("code", {}, op.login), self ? h("span", { class: "muted" }, " (you)") : null),
      h("td", {}, op.name),
      h("td", { "data-testid": "roles" }, op.roles.join(", ") || "–"),
      h("td", { "data-testid": "scope" }, scopeText(op.scope, view.choices)),
      h("td", {}, h("span", { class: op.active ? "badge ok" : "badge off", "data-testid": "active" },
        op.active ? "Active" : "Inactive")),
      h("td", { class: "actions" },
        ctx.can("operators", "modify") ? h("button", {
          type: "button", class: "small", "data-action": "edit", "aria-label": `Edit ${op.login}`,
          onclick: (event) => openEditor(view, op, event.currentTarget.closest("tr")),
        }, "Edit") : null,
        ctx.can("operators", "delete") && !self ? h("button", {
          type: "button", class: "small danger", "data-action": "delete", "aria-label": `Delete ${op.login}`,
          onclick: (event) => remove(view, op, event.currentTarget),
        }, "Delete") : null));
  });
  fill(view.list, h("table", { id: "operators-table", "data-testid": "operators-table" },
    h("thead", {}, head), h("tbody", {}, rows)));
}

function openEditor(view, op, row) {
  view.list.querySelector("tr.editor")?.remove();
  const problem = errorBox("operator-edit-error");
  const form = h("form", {
    id: "operator-edit", novalidate: true, class: "inline-form", "aria-label": `Edit operator ${op.login}`,
  },
    h("h2", { class: "h3" }, `Edit ${op.login}`),
    problem,
    h("div", { class: "row" },
      field("Name", h("input", { id: "edit-name", name: "name", value: op.name, required: true, maxlength: 200 })),
      field("New password", h("input", {
        id: "edit-password", name: "password", type: "password", autocomplete: "new-password", minlength: 8,
      }), "Leave empty to keep the current password."),
      op.login === view.ctx.operator.login ? field("Your current password", h("input", {
        id: "edit-current-password", name: "current_password", type: "password",
        autocomplete: "current-password",
      }), "Needed to change your own password.") : null),
    checkboxes("Roles", "roles", [...new Set([...view.roles, ...op.roles])], op.roles),
    scopeFields(view.choices, op.scope),
    h("div", { class: "field", "data-field": "active" },
      h("label", { class: "check" },
        h("input", { type: "checkbox", id: "edit-active", name: "active", checked: op.active }),
        " Active (may log in)")),
    h("div", { class: "buttons" },
      h("button", { type: "submit", class: "primary", id: "operator-edit-save" }, "Save"),
      h("button", {
        type: "button", id: "operator-edit-cancel", onclick: () => closeEditor(row, editor),
      }, "Cancel")));
  const editor = h("tr", { class: "editor", "data-editing": op.login }, h("td", { colspan: 6 }, form));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save(view, op, form, problem);
  });
  row.after(editor);
  form.querySelector("#edit-name").focus();
}

function closeEditor(row, editor) {
  editor.remove();
  row.querySelector("[data-action=edit]")?.focus();
}

function changesOf(op, form) {
  const changes = {};
  const name = form.querySelector("#edit-name").value.trim();
  const roles = checkedValues(form, "roles");
  const active = form.querySelector("#edit-active").checked;
  const password = form.querySelector("#edit-password").value;
  if (name !== op.name) changes.name = name;
  if (roles.length !== op.roles.length || roles.some((r) => !op.roles.includes(r))) changes.roles = roles;
  if (active !== op.active) changes.active = active;
  const scope = scopeOf(form);
  if (!sameScope(scope, op.scope)) changes.scope = scope;
  if (password) changes.password = password;
  const current = form.querySelector("#edit-current-password")?.value;
  if (password && current) changes.current_password = current;
  return changes;
}

async function save(view, op, form, problem) {
  if (!checkRequired(form, problem)) return;
  const changes = changesOf(op, form);
  if (!Object.keys(changes).length) {
    view.ctx.notify("Nothing to save: no change.");
    return;
  }
  await whileBusy(form.querySelector("#operator-edit-save"), async () => {
    try {
      await api.patch(`${BASE}/${seg(op.login)}`, changes);
      view.ctx.notify(`Operator ${op.login} saved.`);
      await reload(view);
      view.list.querySelector(`tr[data-login="${CSS.escape(op.login)}"] [data-action=edit]`)?.focus();
    } catch (error) {
      showError(problem, error, form);
    }
  });
}

async function remove(view, op, button) {
  view.ctx.clearError();
  if (!(await confirmAction(`Delete operator ${op.login} (${op.name})? This cannot be undone.`))) {
    button.focus();
    return;
  }
  try {
    await api.del(`${BASE}/${seg(op.login)}`);
    view.ctx.notify(`Operator ${op.login} deleted.`);
    await reload(view);
  } catch (error) {
    view.ctx.showError(error);
  }
}

function createSection(view) {
  const problem = errorBox("operator-create-error");
  const form = h("form", { id: "operator-create", novalidate: true, "aria-labelledby": "operator-create-title" },
    problem,
    h("div", { class: "row" },
      field("Login", h("input", {
        id: "new-login", name: "login", required: true, maxlength: 64, autocomplete: "off", spellcheck: "false",
      }), "Lowercase letters, digits, '.', '_' or '-'."),
      field("Name", h("input", { id: "new-name", name: "name", required: true, maxlength: 200, autocomplete: "off" })),
      field("Password", h("input", {
        id: "new-password", name: "password", type: "password", required: true, minlength: 8,
        autocomplete: "new-password",
      }), "At least 8 characters.")),
    checkboxes("Roles", "roles", view.roles),
    scopeFields(view.choices),
    h("div", { class: "buttons" },
      h("button", { type: "submit", class: "primary", id: "operator-create-submit" }, "Create operator")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkRequired(form, problem)) return;
    const body = {
      login: form.querySelector("#new-login").value.trim(),
      name: form.querySelector("#new-name").value.trim(),
      password: form.querySelector("#new-password").value,
      roles: checkedValues(form, "roles"),
      scope: scopeOf(form),
    };
    await whileBusy(form.querySelector("#operator-create-submit"), async () => {
      try {
        await api.post(BASE, body);
        form.reset();
        clearErrors(problem, form);
        view.ctx.notify(`Operator ${body.login} created.`);
        await reload(view);
      } catch (error) {
        showError(problem, error, form);
      }
    });
  });
  return h("section", { class: "card", id: "operator-create-section" },
    h("h2", { id: "operator-create-title" }, "New operator"), form);
}
