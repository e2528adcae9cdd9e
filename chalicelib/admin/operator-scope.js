// An operator's scope on the operators screen: the audience categories and product families they
// work on (none ticked: all). Without "single entry" they place no seat option.

import { api } from "./api.js";
import { listAll } from "./crud.js";
import { h } from "./dom.js";

/** What the scope's checkboxes list: audience categories (id -> name) and product families. */
export async function scopeChoices() {
  const [rights, audiences] = await Promise.all([
    api.get("/backoffice/rights"),
    // An operator manager may not read the catalog: the scope then names categories by id.
    listAll("audience-categories").catch(() => []),
  ]);
  return {
    families: rights.product_families || [],
    audiences: new Map(audiences.map((item) => [item.id, item.name || item.code || item.id])),
  };
}

export function familyLabel(family) {
  const text = family.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function group(legend, name, options, checked, hint) {
  const set = new Set(checked);
  const items = options.length
    ? options.map(([value, label]) => h("label", { class: "check" },
        h("input", { type: "checkbox", name, value, checked: set.has(value) }), " ", label))
    : [h("p", { class: "muted" }, "None defined yet.")];
  return h("fieldset", { class: "field checks", "data-field": name },
    h("legend", {}, legend), h("p", { class: "hint" }, hint), ...items);
}

/** The two checkbox groups of a scope, ticked as `scope` is. */
export function scopeFields(choices, scope = {}) {
  const audiences = new Map(choices.audiences);
  for (const id of scope.audience_category_ids || []) if (!audiences.has(id)) audiences.set(id, id);
  return h("div", { class: "scope", "data-testid": "operator-scope" },
    group("Scope: audience categories", "scope.audience_category_ids", [...audiences.entries()],
      scope.audience_category_ids || [], "None ticked: every audience category."),
    group("Scope: product families", "scope.product_families",
      choices.families.map((family) => [family, familyLabel(family)]), scope.product_families || [],
      "None ticked: every family. Without Single entry, no seat option may be placed."));
}

/** The scope ticked in `form`, as the API takes it. */
export function scopeOf(form) {
  const ticked = (name) => [...form.querySelectorAll(`input[type=checkbox][name="${name}"]`)]
    .filter((box) => box.checked).map((box) => box.value);
  return {
    audience_category_ids: ticked("scope.audience_category_ids"),
    product_families: ticked("scope.product_families"),
  };
}

export function sameScope(a = {}, b = {}) {
  const same = (x = [], y = []) => x.length === y.length && x.every((v) => y.includes(v));
  return same(a.audience_category_ids, b.audience_category_ids) && same(a.product_families, b.product_families);
}

/** The scope in a table cell: "All", or what it is limited to. */
export function scopeText(scope, choices) {
  if (!scope || scope.unrestricted) return "All";
  const parts = [];
  if (scope.audience_category_ids?.length) {
    parts.push(`Audiences: ${scope.audience_category_ids.map((id) => choices.audiences.get(id) || id).join(", ")}`);
  }
  if (scope.product_families?.length) {
    parts.push(`Families: ${scope.product_families.map(familyLabel).join(", ")}`);
  }
  return parts.join("; ");
}
