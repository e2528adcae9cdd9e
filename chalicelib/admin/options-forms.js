// Options screen: the forms: lines of places, placing an option, a new request and a direct option.

import { api, seg } from "./api.js";
import { checkRequired, clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { chooser, contactText, MAX_FALLBACKS, performanceText } from "./options-common.js";
import { showOption } from "./options-detail.js";
import { search } from "./views-options.js";

// ---- lines of places: category, quantity, quota ----------------------------------------------------

/** An editor of lines {category_id, quantity, quota_id?}; `read()` -> {lines} or {error}. */
export function linesEditor(view, prefix, rows, { quotas = true, legend = "Places" } = {}) {
  const { names } = view;
  const categories = [...names.categories.values()].filter((c) => c.option_allowed !== false);
  const body = h("tbody");
  let count = 0;
  const addRow = (row = {}) => {
    const n = count++;
    const category = categories.length
      ? h("select", { id: `${prefix}-category-${n}`, "data-sub": "category_id", "aria-label": `Seat category, line ${n + 1}` },
        h("option", { value: "" }, "— choose —"), categories.map((c) => h("option", { value: c.id }, c.name)))
      : h("input", { id: `${prefix}-category-${n}`, "data-sub": "category_id", maxlength: 64, placeholder: "Category id", "aria-label": `Seat category, line ${n + 1}` });
    category.value = row.category_id || "";
    const quota = !quotas ? null : names.quotas.size
      ? h("select", { id: `${prefix}-quota-${n}`, "data-sub": "quota_id", "aria-label": `Quota, line ${n + 1}` },
        h("option", { value: "" }, "— any —"), [...names.quotas.values()].map((q) => h("option", { value: q.id }, q.name)))
      : h("input", { id: `${prefix}-quota-${n}`, "data-sub": "quota_id", maxlength: 64, placeholder: "Any", "aria-label": `Quota, line ${n + 1}` });
    if (quota) quota.value = row.quota_id || "";
    body.append(h("tr", { "data-line": n },
      h("td", {}, category),
      h("td", {}, h("input", {
        id: `${prefix}-quantity-${n}`, "data-sub": "quantity", type: "number", min: 1, max: 10000, step: 1,
        value: row.quantity ?? "", "aria-label": `Places, line ${n + 1}`,
      })),
      quota ? h("td", {}, quota) : null,
      h("td", {}, h("button", {
        type: "button", class: "small danger", "aria-label": `Remove line ${n + 1}`,
        onclick: (event) => event.currentTarget.closest("tr").remove(),
      }, "Remove"))));
  };
  for (const row of rows.length ? rows : [{}]) addRow(row);
  const node = h("fieldset", { class: "field", "data-field": "lines", id: `${prefix}-lines` },
    h("legend", {}, legend),
    h("table", { class: "rows" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Seat category"), h("th", { scope: "col" }, "Places"),
        quotas ? h("th", { scope: "col" }, "Quota") : null, h("th", {}, h("span", { class: "sr-only" }, "Remove")))),
      body),
    h("button", { type: "button", class: "small", id: `${prefix}-add-line`, onclick: () => addRow() }, "Add a line"));
  const read = () => {
    const lines = [];
    for (const tr of body.querySelectorAll("tr")) {
      const category = tr.querySelector("[data-sub=category_id]").value.trim();
      const quantityText = tr.querySelector("[data-sub=quantity]").value.trim();
      const quota = tr.querySelector("[data-sub=quota_id]")?.value.trim() || null;
      if (!category && !quantityText) continue;
      const quantity = Number(quantityText);
      if (!category) return { error: "Choose the seat category of every line." };
      if (!Number.isInteger(quantity) || quantity < 1) return { error: "Enter a whole number of places (1 or more) on every line." };
      lines.push(quotas ? { category_id: category, quantity, quota_id: quota } : { category_id: category, quantity });
    }
    return lines.length ? { lines } : { error: "Enter at least one line of places." };
  };
  return { node, read };
}

export function placeForm(view, option, mode) {
  const { names } = view;
  const placing = mode === "place";
  const problem = errorBox("option-place-error");
  const dates = [option.performance_id, ...option.fallback_performance_ids];
  const rows = placing
    ? Object.entries(option.requested).map(([category_id, quantity]) => ({ category_id, quantity }))
    : option.placed.map((line) => ({ category_id: line.category_id, quantity: line.quantity, quota_id: line.quota_id }));
  const lines = linesEditor(view, "option-place", rows, { legend: "Places granted" });
  const audiences = [...names.audiences.values()];
  const form = h("form", { id: "option-place-form", novalidate: true, "data-mode": mode },
    problem,
    placing
      ? field("Performance", h("select", { id: "option-place-performance", name: "performance_id" },
        dates.map((id, n) => h("option", { value: id }, `${n ? `Fallback ${n}` : "Requested"}: ${names.performance(id)}`))),
      option.accept_upgrade ? "The customer accepts the next category up if theirs is full." : null)
      : h("p", {}, "On ", h("strong", {}, names.performance(option.placed_performance_id || option.performance_id)), "."),
    lines.node,
    placing ? h("div", { class: "row" },
      field("Audience (option rate)", audiences.length
        ? h("select", { id: "option-place-audience", name: "audience_subcategory_id" }, h("option", { value: "" }, "— none —"),
          audiences.map((a) => h("option", { value: a.id }, a.name)))
        : h("input", { id: "option-place-audience", name: "audience_subcategory_id", maxlength: 64, placeholder: "Id" })),
      field("Payment date", h("input", { id: "option-place-payment", name: "payment_date", type: "date" }))) : null,
    h("div", { class: "buttons" },
      h("button", { type: "submit", class: "primary", id: "option-place-submit" }, placing ? "Place option" : "Save placement")));
  if (placing) {
    if (option.audience_subcategory_id) form.elements.audience_subcategory_id.value = option.audience_subcategory_id;
    if (option.payment_date) form.elements.payment_date.value = option.payment_date;
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(problem, form);
    const read = lines.read();
    if (read.error) {
      showError(problem, { message: read.error }, form);
      return;
    }
    await whileBusy(form.querySelector("#option-place-submit"), async () => {
      try {
        if (placing) {
          const body = { performance_id: form.elements.performance_id.value, lines: read.lines };
          const audience = form.elements.audience_subcategory_id.value.trim();
          if (audience) body.audience_subcategory_id = audience;
          if (form.elements.payment_date.value) body.payment_date = form.elements.payment_date.value;
          await api.post(`/backoffice/options/${seg(option.option_id)}/place`, body);
        } else {
          await api.put(`/backoffice/options/${seg(option.option_id)}/placement`, { lines: read.lines });
        }
      } catch (error) {
        showError(problem, error, form);
        return;
      }
      view.ctx.notify(`Option ${option.number} ${placing ? "placed" : "placement changed"}.`);
      await search(view);
      await showOption(view, option.option_id, false);
    });
  });
  return h("section", { class: "card editor-card", id: "option-place", "aria-labelledby": "option-place-title" },
    h("h3", { id: "option-place-title" }, placing ? "Place this option" : "Change the placement"),
    h("p", { class: "muted" }, placing
      ? "Grant the places finally given: on the requested date or a fallback date, per seat category and quota."
      : "Until it is validated; the places held now go back first."),
    form);
}

// ---- new request, direct option ------------------------------------------------------------------

export function closeEditor(view) {
  view.editor.hidden = true;
  fill(view.editor);
}

export function editorFrame(view, title, form, cancelId) {
  fill(view.editor, h("h2", { id: "option-editor-title" }, title), form);
  form.querySelector(".buttons").append(h("button", { type: "button", id: cancelId, onclick: () => closeEditor(view) }, "Cancel"));
  view.editor.setAttribute("aria-labelledby", "option-editor-title");
  view.editor.hidden = false;
  view.editor.scrollIntoView({ block: "nearest" });
  form.querySelector("select,input,textarea")?.focus();
}

export function contactAndPerformance(view, prefix) {
  const { names } = view;
  return [
    field("Contact", chooser(`${prefix}-contact`, "contact_id", names.contacts.values(), contactText(names), "— choose —",
      { required: true })),
    field("Performance", chooser(`${prefix}-performance`, "performance_id", names.performances.values(),
      performanceText(names), "— choose —", { required: true })),
  ];
}

export async function created(view, option, text) {
  view.ctx.notify(text);
  closeEditor(view);
  await search(view);
  await showOption(view, option.option_id);
}

export function openRequestForm(view) {
  const { names } = view;
  const problem = errorBox("option-new-error");
  const categories = [...names.categories.values()].filter((c) => c.option_allowed !== false);
  // With the categories known, one box per category (as the customer's form); else lines of ids.
  const lines = categories.length ? null : linesEditor(view, "option-new", [], { quotas: false });
  const quantities = categories.length ? h("fieldset", { class: "field", "data-field": "quantities", id: "option-new-quantities" },
    h("legend", {}, "Places per seat category"),
    h("div", { class: "row" }, categories.map((c) => field(c.name, h("input", {
      id: `option-new-qty-${c.id}`, "data-category": c.id, type: "number", min: 1, max: 10000, step: 1,
    }))))) : lines.node;
  const fallbacks = Array.from({ length: MAX_FALLBACKS }, (_, i) => field(`Fallback date ${i + 1}`,
    chooser(`option-new-fallback-${i + 1}`, "fallback", names.performances.values(), performanceText(names), "— none —")));
  const form = h("form", { id: "option-new-form", novalidate: true },
    problem,
    h("div", { class: "row" }, contactAndPerformance(view, "option-new")),
    h("div", { class: "row" }, fallbacks),
    quantities,
    h("div", { class: "field", "data-field": "accept_upgrade" }, h("label", { class: "check" },
      h("input", { type: "checkbox", id: "option-new-upgrade", name: "accept_upgrade" }),
      " If the category asked is full, the customer accepts the next one up")),
    field("Remark", h("textarea", { id: "option-new-remark", name: "remark", rows: 3, maxlength: 2000 })),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "option-new-submit" }, "Record request")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkRequired(form, problem)) return;
    const asked = {};
    if (lines) {
      const read = lines.read();
      if (read.error) return showError(problem, { message: read.error }, form);
      for (const line of read.lines) asked[line.category_id] = line.quantity;
    } else {
      for (const input of quantities.querySelectorAll("input[data-category]")) {
        const text = input.value.trim();
        if (!text) continue;
        const n = Number(text);
        if (!Number.isInteger(n) || n < 1) {
          return showError(problem, { message: "Enter whole numbers of places (1 or more).", fields: [{ field: "quantities", reason: "Whole numbers only." }] }, form);
        }
        asked[input.dataset.category] = n;
      }
      if (!Object.keys(asked).length) {
        return showError(problem, { message: "Ask for places in at least one seat category.", fields: [{ field: "quantities", reason: "Required." }] }, form);
      }
    }
    const body = {
      contact_id: form.elements.contact_id.value.trim(),
      performance_id: form.elements.performance_id.value.trim(),
      quantities: asked,
      fallback_performance_ids: [...form.querySelectorAll("[name=fallback]")].map((s) => s.value.trim()).filter(Boolean),
      accept_upgrade: form.elements.accept_upgrade.checked,
      remark: form.elements.remark.value.trim(),
    };
    await whileBusy(form.querySelector("#option-new-submit"), async () => {
      try {
        const option = await api.post("/backoffice/options", body);
        await created(view, option, `Option ${option.number} requested for ${names.contact(option.contact_id)}.`);
      } catch (error) {
        showError(problem, error, form);
      }
    });
  });
  editorFrame(view, "New option request", form, "option-new-cancel");
}

export function openDirectForm(view) {
  const { names } = view;
  const problem = errorBox("option-direct-error");
  const lines = linesEditor(view, "option-direct", [], { legend: "Places granted" });
  const form = h("form", { id: "option-direct-form", novalidate: true },
    h("p", { class: "muted" }, "An option placed at once, without a request: its places are taken now."),
    problem,
    h("div", { class: "row" }, contactAndPerformance(view, "option-direct")),
    lines.node,
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "option-direct-submit" }, "Place option")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkRequired(form, problem)) return;
    const read = lines.read();
    if (read.error) return showError(problem, { message: read.error }, form);
    const body = {
      contact_id: form.elements.contact_id.value.trim(),
      performance_id: form.elements.performance_id.value.trim(),
      lines: read.lines,
    };
    await whileBusy(form.querySelector("#option-direct-submit"), async () => {
      try {
        const option = await api.post("/backoffice/options/direct", body);
        await created(view, option, `Option ${option.number} placed for ${names.contact(option.contact_id)}.`);
      } catch (error) {
        showError(problem, error, form);
      }
    });
  });
  editorFrame(view, "Direct option", form, "option-direct-cancel");
}
