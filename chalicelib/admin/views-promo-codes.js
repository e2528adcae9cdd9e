// Promo codes screen: basket-wide discounts (an amount or a percent) behind a code, with a minimum
// basket, an optional indicator level, caps on uses, channels and validity; draft -> in operation ->
// closed.

import { api, seg } from "./api.js";
import { centsText, parseCents, refCache } from "./crud.js";
import { checkRequired, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import {
  aimed, capOf, channelsField, indicatorFields, listIn, optionalList, pathOf, readIndicator, readValidity, stateActions,
  stateBadge, STATE_LABELS, validityFields,
} from "./advantages-common.js";
import { sorted, sortHeader } from "./sorting.js";

const BASE = "/backoffice/promo-codes";
const FIELDS = ["code", "public_name", "description", "discount", "minimum_basket", "indicator", "level", "max_uses",
  "max_uses_per_customer", "channel_ids", "valid_from", "valid_until", "end_of_sale"];
const COLUMNS = [
  ["code", "Code"],
  ["public_name", "Name"],
  ["discount_text", "Discount"],
  ["minimum_text", "Minimum basket"],
  ["uses_text", "Uses"],
  ["state_label", "State"],
];

export default {
  id: "promo-codes",
  title: "Promo codes",
  area: "advantages",
  async render(root, ctx) {
    const cache = refCache();
    const [channels, indicators] = await Promise.all([
      cache.list("sales-channels").catch(() => []), optionalList("indicators"),
    ]);
    if (ctx.signal.aborted) return;
    const problem = errorBox("promo-codes-error");
    const list = h("div", { id: "promo-codes-list", class: "scroll" }, h("p", { class: "muted" }, "Loading…"));
    const editor = h("section", { class: "card editor-card", id: "promo-code-editor", hidden: true, "aria-labelledby": "promo-code-editor-title" });
    const state = { rows: [], sort: { column: "code", descending: false } };

    async function load() {
      problem.hidden = true;
      const answer = await api.get(BASE);
      if (ctx.signal.aborted) return;
      state.rows = listIn(answer, "promo_codes").map((item) => ({
        ...item,
        discount_text: discountText(item.discount),
        minimum_text: item.minimum_basket ? centsText(item.minimum_basket) : "–",
        uses_text: usesText(item),
        state_label: STATE_LABELS[item.state] || item.state,
      }));
      draw();
    }
    const reload = () => load().catch((error) => showError(problem, error));

    function draw() {
      if (!state.rows.length) return fill(list, h("p", { "data-testid": "empty" }, "No promo codes yet."));
      const head = h("tr", {}, COLUMNS.map(([key, text]) => sortHeader(key, text, state.sort, (sort) => {
        state.sort = sort;
        draw();
      })), h("th", { scope: "col" }, "Actions"));
      const rows = sorted(state.rows, state.sort).map((item) => h("tr", { "data-id": item.promo_id, "data-code": item.code, "data-state": item.state },
        COLUMNS.map(([key]) => h("td", { "data-col": key }, key === "state_label" ? stateBadge(item.state) : String(item[key] ?? ""))),
        h("td", { class: "actions" },
          item.state !== "closed" && ctx.can("advantages", "modify") ? h("button", {
            type: "button", class: "small", "data-action": "edit", "aria-label": `Edit promo code ${item.code}`,
            onclick: () => open(item),
          }, "Edit") : null,
          stateActions(ctx, item, {
            path: pathOf(BASE, item.promo_id), noun: "promo code", name: item.code, problem, onDone: reload,
          }))));
      fill(list, h("table", { id: "promo-codes-table", "data-testid": "promo-codes-table" },
        h("caption", { class: "sr-only" }, "Promo codes"), h("thead", {}, head), h("tbody", {}, rows)));
    }

    function open(item) {
      fill(editor, h("h2", { id: "promo-code-editor-title" }, item ? `Edit promo code ${item.code}` : "New promo code"),
        promoForm(ctx, item, { channels, indicators }, {
          onSaved: async (saved) => {
            editor.hidden = true;
            await reload();
            list.querySelector(`tr[data-id="${CSS.escape(saved.promo_id)}"] button`)?.focus();
          },
          onCancel: () => { editor.hidden = true; },
        }));
      editor.hidden = false;
      editor.scrollIntoView({ block: "nearest" });
      editor.querySelector("input")?.focus();
    }

    fill(root,
      h("p", { class: "muted" }, "A promo code gives a discount on the whole basket to anyone who enters it; " +
        "at most one per cart, after the advantages."),
      problem,
      ctx.can("advantages", "create") ? h("div", { class: "buttons" },
        h("button", { type: "button", class: "primary", id: "promo-codes-new", onclick: () => open(null) }, "New promo code")) : null,
      h("section", { class: "card", "aria-label": "Promo codes list" }, list),
      editor);
    await load();
  },
};

/** "3 / 100" when the API says how often it was used, else its cap. */
function usesText(item) {
  const cap = item.max_uses ? `at most ${item.max_uses}` : "no cap";
  if (item.uses === undefined || item.uses === null) return cap;
  return item.max_uses ? `${item.uses} / ${item.max_uses}` : `${item.uses}`;
}

function discountText(discount) {
  if (!discount) return "–";
  return discount.kind === "percent_off" ? `${discount.value} % off` : `${centsText(discount.value)} off`;
}

function promoForm(ctx, item, { channels, indicators }, { onSaved, onCancel }) {
  const value = item || {};
  const problem = errorBox("promo-code-form-error");
  const kind = value.discount?.kind || "percent_off";
  const input = (id, name, props = {}) => h("input", { id, name, autocomplete: "off", spellcheck: "false", ...props });
  const form = h("form", { id: "promo-code-form", novalidate: true, "data-mode": item ? "edit" : "create" },
    problem,
    h("div", { class: "form-grid" },
      field("Code", input("promo-code", "code", { required: true, maxlength: 32, value: value.code ?? "" }),
        "What buyers type: 4 to 32 letters, digits or '-', read without case."),
      field("Public name", input("promo-public-name", "public_name", { required: true, maxlength: 120, value: value.public_name ?? "" })),
      field("Description", h("textarea", { id: "promo-description", name: "description", rows: 2, maxlength: 2000, value: value.description ?? "" }))),
    h("fieldset", { class: "field", "data-field": "discount", id: "promo-discount" },
      h("legend", {}, "Discount on the basket"),
      [["percent_off", "Percent off"], ["amount_off", "Amount off"]].map(([key, text]) => h("label", { class: "check", style: "margin-right: 1.25rem" },
        h("input", { type: "radio", name: "discount_kind", value: key, id: `promo-kind-${key}`, checked: key === kind }), " ", text)),
      field("Percent or amount", input("promo-discount-value", "discount_value", {
        required: true, inputmode: "decimal", class: "money",
        value: value.discount ? (kind === "percent_off" ? String(value.discount.value) : centsText(value.discount.value)) : "",
      }), "A whole percent from 1 to 100, or an amount such as 5.00.")),
    h("div", { class: "row" },
      field("Minimum basket", input("promo-minimum", "minimum_basket", {
        inputmode: "decimal", class: "money", value: value.minimum_basket ? centsText(value.minimum_basket) : "",
      }), "Empty: no minimum. Read after the advantages."),
      field("Uses overall", input("promo-max-uses", "max_uses", { type: "number", min: 1, step: 1, value: value.max_uses ?? "" }), "Empty: no limit."),
      field("Uses per customer", input("promo-max-per-customer", "max_uses_per_customer", {
        type: "number", min: 1, step: 1, value: value.max_uses_per_customer ?? "",
      }), "Empty: no limit.")),
    h("fieldset", { class: "field" }, h("legend", {}, "Only for customers with an indicator level (optional)"),
      indicatorFields("promo", indicators, value)),
    channelsField("promo", channels, value.channel_ids || []),
    validityFields("promo", value),
    h("div", { class: "buttons" },
      h("button", { type: "submit", class: "primary", id: "promo-code-save" }, item ? "Save" : "Create promo code"),
      h("button", { type: "button", id: "promo-code-cancel", onclick: onCancel }, "Cancel")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!checkRequired(form, problem)) return;
    const read = readForm(form);
    if (read.errors) return showError(problem, { message: "Please correct the fields marked below.", fields: read.errors }, form);
    whileBusy(form.querySelector("#promo-code-save"), async () => {
      try {
        const saved = item
          ? await api.put(`${BASE}/${seg(item.promo_id)}?version=${item.version}`, read.value)
          : await api.post(BASE, read.value);
        if (ctx.signal.aborted) return;
        ctx.notify(`Promo code ${saved.code} ${item ? "saved" : "created"}.`);
        await onSaved(saved);
      } catch (error) {
        if (!ctx.signal.aborted) showError(problem, aimed(error, FIELDS), form);
      }
    });
  });
  return form;
}

function readForm(form) {
  const e = form.elements;
  const errors = [];
  const kind = form.querySelector("input[name=discount_kind]:checked")?.value || "percent_off";
  const raw = e.discount_value.value.trim();
  const amount = kind === "percent_off" ? (/^\d+$/.test(raw) ? Number(raw) : NaN) : parseCents(raw);
  if (!amount || Number.isNaN(amount) || (kind === "percent_off" && amount > 100)) {
    errors.push({ field: "discount_value", reason: kind === "percent_off" ? "A whole percent from 1 to 100." : "An amount such as 5.00." });
  }
  const minimum = parseCents(e.minimum_basket.value);
  if (Number.isNaN(minimum)) errors.push({ field: "minimum_basket", reason: "An amount such as 30.00, or empty." });
  const caps = {};
  for (const name of ["max_uses", "max_uses_per_customer"]) {
    caps[name] = capOf(e[name].value);
    if (Number.isNaN(caps[name])) errors.push({ field: name, reason: "A whole number from 1, or empty." });
  }
  const { indicator, level } = readIndicator(form);
  if (Boolean(indicator) !== Boolean(level)) errors.push({ field: indicator ? "level" : "indicator", reason: "Give both the indicator and its level, or neither." });
  const validity = readValidity(form);
  if (validity.errors) errors.push(...validity.errors);
  if (errors.length) return { errors };
  return {
    value: {
      code: e.code.value.trim().toUpperCase(),
      public_name: e.public_name.value.trim(),
      description: e.description.value.trim(),
      discount: { kind, value: amount },
      minimum_basket: minimum ?? 0,
      indicator, level, ...caps, ...validity.value,
    },
  };
}
