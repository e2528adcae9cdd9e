// Indicators screen: customer attributes such as loyalty, each with its levels lowest first (a higher
// level reaches every lower one), and a CSV import setting one indicator's level for many contacts.

import { api, seg } from "./api.js";
import { crudSection, nameOf, refCache } from "./crud.js";
import { checkRequired, clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";

const AREA = "contacts";

export default {
  id: "indicators",
  title: "Indicators",
  area: AREA,
  async render(root, ctx) {
    // The catalog's generic list asks for "catalog" rights; indicators are in the contacts area.
    const scoped = { ...ctx, can: (area, action) => ctx.can(area === "catalog" ? AREA : area, action) };
    const importer = h("section", { class: "card", id: "levels-import", hidden: true, "aria-labelledby": "levels-import-title" });
    const indicators = crudSection(scoped, {
      plural: "indicators",
      noun: "indicator",
      heading: false,
      columns: ["code", "name", "levels"],
      fields: [
        { name: "code", required: true, maxlength: 32 },
        { name: "name", required: true },
        {
          name: "levels", label: "Levels, lowest first", type: "table",
          fields: [{ name: "id", label: "Level id", maxlength: 32 }, { name: "name", label: "Level name" }],
          hint: "A customer with a level reaches every level above it in this list's order (e.g. Regular, then Subscriber). " +
            "Contacts keep the level id: change it only if no contact holds it.",
        },
      ],
      rowActions: (item) => (ctx.can(AREA, "modify") ? h("button", {
        type: "button", class: "small", "data-action": "import-levels",
        "aria-label": `Import levels of ${nameOf(item)}`,
        onclick: () => openImport(ctx, importer, item),
      }, "Import levels") : null),
    }, refCache());
    fill(root,
      h("p", { class: "muted" },
        "An indicator says something about a customer, such as their loyalty. Advantages and promo codes may be " +
        "kept for customers who reach a level; a season ticket grants its buyer the subscriber level."),
      indicators.node, importer);
    await indicators.load();
  },
};

/** Problems the API found in a file, one per line, next to the file's box. */
export function fileProblems(error) {
  const problems = error?.details?.problems;
  if (!Array.isArray(problems)) return error;
  const fields = problems.map((p) => ({ field: "csv", reason: `Line ${p.line} (${p.column} "${p.value}"): ${p.reason}` }));
  const more = (error.details.problem_count || 0) - problems.length;
  if (more > 0) fields.push({ field: "csv", reason: `…and ${more} more.` });
  return { message: error.message, status: error.status, code: error.code, fields };
}

/** A file box: the chosen .csv file's text lands in the textarea, which may also be typed or pasted. */
export function csvField(key, hint) {
  const text = h("textarea", { id: `${key}-csv`, name: "csv", rows: 8, required: true, spellcheck: "false" });
  const file = h("input", { type: "file", id: `${key}-file`, accept: ".csv,.txt,text/csv,text/plain" });
  file.addEventListener("change", async () => {
    const chosen = file.files?.[0];
    if (chosen) text.value = await chosen.text();
  });
  return [field("CSV file", file, "Its text goes in the box below."), field("File contents", text, hint)];
}

function openImport(ctx, card, indicator) {
  const key = "levels-import";
  const problem = errorBox(`${key}-error`);
  const result = h("p", { id: `${key}-result`, "aria-live": "polite" });
  const levels = (indicator.levels || []).map((level) => level.id).join(", ");
  const form = h("form", { id: `${key}-form`, novalidate: true },
    problem,
    ...csvField(key, `One row per contact: its code or e-mail, then its level (${levels}), separated by a comma or a ` +
      "semicolon; a first row of column names is skipped. A file with a bad row is refused whole, each bad row named."),
    h("div", { class: "buttons" },
      h("button", { type: "submit", class: "primary", id: `${key}-submit` }, "Import"),
      h("button", { type: "button", id: `${key}-close`, onclick: () => { card.hidden = true; fill(card); } }, "Close")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!checkRequired(form, problem)) return;
    whileBusy(form.querySelector(`#${key}-submit`), async () => {
      clearErrors(problem, form);
      fill(result);
      try {
        const done = await api.post(`/backoffice/indicators/${seg(indicator.id)}/import`, { csv: form.elements.csv.value });
        if (ctx.signal.aborted) return;
        fill(result, `${done.contacts} contact(s) now have their ${indicator.name} level (${done.rows} row(s) read).`);
        ctx.notify(`Levels of ${indicator.name} imported.`);
      } catch (error) {
        if (!ctx.signal.aborted) showError(problem, fileProblems(error), form);
      }
    });
  });
  fill(card, h("h2", { id: `${key}-title` }, `Import levels of ${nameOf(indicator)}`), form, result);
  card.hidden = false;
  card.scrollIntoView({ block: "nearest" });
  form.querySelector("input,textarea")?.focus();
}
