// The generic catalog form (crud.js): a control per field type, reading the values back, and the API's
// reasons aimed at the fields they name.

import { centsText, nameOf, parseCents, toLocalInput } from "./crud.js";
import { fromZoneInput, toZoneInput } from "./time-zones.js";
import { h } from "./dom.js";
import { label } from "./rights.js";

// ---- the form -----------------------------------------------------------------------------------

export function control(key, f, value, options) {
  const id = `${key}-f-${f.name}`;
  const base = { id, name: f.name, required: f.required && f.type !== "bool" ? true : null };
  switch (f.type) {
    case "textarea":
      return h("textarea", { ...base, rows: 3, maxlength: f.maxlength, value: value ?? "" });
    case "int":
      return h("input", { ...base, type: "number", step: 1, min: f.min, max: f.max, value: value ?? "" });
    case "money":
      return h("input", {
        ...base, inputmode: "decimal", class: "money", autocomplete: "off", value: centsText(value),
      });
    case "date":
      return h("input", { ...base, type: "date", value: value ?? "" });
    case "datetime":
      // A field with a `zone` is entered on that zone's wall clock (a venue's), else the browser's.
      return h("input", { ...base, type: "datetime-local", value: f.zone ? toZoneInput(value, f.zone) : toLocalInput(value) });
    case "colour":
      return h("input", { ...base, type: "color", value: value || "#4f7cc4" });
    case "strings":
      return h("input", { ...base, autocomplete: "off", spellcheck: "false", value: (value || []).join(", ") });
    case "enum":
    case "ref": {
      const blank = f.required ? "— choose —" : "— none —";
      const choices = f.type === "enum"
        ? f.options.map((o) => ({ value: o, text: label(o) }))
        : options.map((item) => ({ value: item.id, text: nameOf(item) }));
      const select = h("select", base,
        f.type === "enum" && f.required ? null : h("option", { value: "" }, blank),
        choices.map((c) => h("option", { value: c.value }, c.text)));
      select.value = value ?? (f.type === "enum" && f.required ? f.options[0] : "");
      return select;
    }
    case "refs": {
      const chosen = new Set(value || []);
      return h("select", { ...base, multiple: true, size: Math.min(6, Math.max(3, options.length)) },
        options.map((item) => h("option", { value: item.id, selected: chosen.has(item.id) }, nameOf(item))));
    }
    default:
      return h("input", {
        ...base, maxlength: f.maxlength ?? 200, autocomplete: "off", spellcheck: "false", value: value ?? "",
      });
  }
}

export function boolField(key, f, value) {
  return h("div", { class: "field", "data-field": f.name },
    h("label", { class: "check" },
      h("input", { type: "checkbox", id: `${key}-f-${f.name}`, name: f.name, checked: Boolean(value ?? f.default) }),
      " ", f.label || label(f.name)),
    f.hint ? h("p", { class: "hint" }, f.hint) : null);
}

/** A list-of-rows editor (e.g. a channel's delivery methods): one table row per element. */
export function tableField(key, f, rows) {
  const body = h("tbody");
  const addRow = (row = {}) => {
    const index = body.children.length;
    body.append(h("tr", {},
      f.fields.map((sub) => {
        let input;
        if (sub.type === "money") {
          input = h("input", { inputmode: "decimal", class: "money", "data-sub": sub.name, value: centsText(row[sub.name] ?? 0) });
        } else if (sub.type === "int") {
          input = h("input", { type: "number", step: 1, min: sub.min, "data-sub": sub.name, value: row[sub.name] ?? "" });
        } else if (sub.type === "bool") {
          input = h("input", { type: "checkbox", "data-sub": sub.name, checked: Boolean(row[sub.name]) });
        } else {
          input = h("input", { "data-sub": sub.name, maxlength: sub.maxlength ?? 200, value: row[sub.name] ?? "" });
        }
        input.setAttribute("aria-label", `${sub.label || label(sub.name)} ${index + 1}`);
        return h("td", {}, input);
      }),
      h("td", {}, h("button", {
        type: "button", class: "small danger", "aria-label": `Remove row ${index + 1}`,
        onclick: (event) => event.currentTarget.closest("tr").remove(),
      }, "Remove"))));
  };
  for (const row of rows || []) addRow(row);
  return h("fieldset", { class: "field", "data-field": f.name, id: `${key}-f-${f.name}`, "data-table": "" },
    h("legend", {}, f.label || label(f.name)),
    h("table", { class: "rows" },
      h("thead", {}, h("tr", {}, f.fields.map((sub) => h("th", { scope: "col" }, sub.label || label(sub.name))),
        h("th", {}, h("span", { class: "sr-only" }, "Remove")))),
      body),
    h("button", { type: "button", class: "small", "data-action": "add-row", onclick: () => addRow() }, "Add"),
    f.hint ? h("p", { class: "hint" }, f.hint) : null);
}

/** Read one field; {value} or {skip: true} (leave the item's value) or {error}. */
export function readField(form, f) {
  if (f.fixed !== undefined) return { value: f.fixed };
  const node = form.querySelector(`[name="${f.name}"], fieldset[data-field="${f.name}"]`);
  if (!node) return { skip: true };
  const raw = node.value;
  const empty = f.nullable ? { value: null } : f.required ? { value: "" } : { skip: true };
  switch (f.type) {
    case "bool": return { value: node.checked };
    case "int": {
      if (raw === "") return empty;
      const n = Number(raw);
      return Number.isInteger(n) ? { value: n } : { error: "Enter a whole number." };
    }
    case "money": {
      const cents = parseCents(raw);
      if (cents === null) return empty;
      return Number.isNaN(cents) ? { error: "Enter an amount such as 12.50." } : { value: cents };
    }
    case "datetime":
      if (!raw) return empty;
      return { value: f.zone ? fromZoneInput(raw, f.zone) : new Date(raw).toISOString() };
    case "refs": return { value: [...node.selectedOptions].map((o) => o.value) };
    case "strings": return { value: raw.split(",").map((s) => s.trim()).filter(Boolean) };
    case "table": {
      const rows = [];
      for (const tr of node.querySelectorAll("tbody tr")) {
        const row = {};
        for (const sub of f.fields) {
          const input = tr.querySelector(`[data-sub="${sub.name}"]`);
          if (sub.type === "bool") {
            row[sub.name] = input.checked;
            continue;
          }
          const text = input.value.trim();
          if (sub.type === "money") {
            const cents = parseCents(text);
            if (Number.isNaN(cents)) return { error: `${sub.label || label(sub.name)}: enter an amount such as 2.50.` };
            row[sub.name] = cents ?? 0;
          } else if (sub.type === "int") {
            if (text !== "" && !Number.isInteger(Number(text))) {
              return { error: `${sub.label || label(sub.name)}: enter a whole number.` };
            }
            row[sub.name] = text === "" ? 0 : Number(text);
          } else row[sub.name] = text;
        }
        if (Object.values(row).some((v) => v !== "" && v !== 0 && v !== false)) rows.push(row);
      }
      return { value: rows };
    }
    default: {
      const text = f.type === "colour" ? raw : raw.trim();
      return text === "" ? empty : { value: text };
    }
  }
}

export const CODE_RULE = "Use letters, digits, '.', '_' or '-' only (no spaces), at most 32.";

/**
 * Make the API's reasons readable: a whole-item reason ("ends_on must not be before starts_on") goes
 * to the field it names first, a pattern mismatch says the field's rule, pydantic's prefix goes.
 */
export function aimErrors(error, fields) {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const fieldsList = (error.fields || []).map((f) => {
    let { field: name, reason } = f;
    reason = reason.replace(/^Value error, /, "");
    if (!name || name === "body" || name === "query") {
      const found = fields.map((spec) => ({ name: spec.name, at: reason.search(new RegExp(`\\b${spec.name}\\b`)) }))
        .filter((hit) => hit.at >= 0).sort((a, b) => a.at - b.at)[0];
      if (found) name = found.name;
    }
    const spec = byName.get(name.split(".")[0]);
    if (f.type === "string_pattern_mismatch" && spec?.rule) reason = spec.rule;
    return { ...f, field: name, reason };
  });
  return { message: error.message, status: error.status, code: error.code, fields: fieldsList };
}
