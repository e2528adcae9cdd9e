// What the advantages, promo codes and single-use codes screens share: state badges and actions, the
// validity fields (channels, from / until, end-of-sale rule), the indicator + level picker, and lists
// read from routes that may not exist yet on an older server.

import { api, seg } from "./api.js";
import { listAll, nameOf, toLocalInput } from "./crud.js";
import { aimErrors } from "./crud-form.js";
import { confirmAction, field, h, showError, whileBusy } from "./dom.js";

export const STATE_LABELS = { draft: "Draft", in_operation: "In operation", closed: "Closed" };

export function stateBadge(state) {
  const kind = { in_operation: "ok", draft: "run", closed: "off" }[state] || "off";
  return h("span", { class: `badge ${kind}`, "data-testid": "state", "data-state": state }, STATE_LABELS[state] || state);
}

export const TARGET_LABELS = {
  general_public: "General public",
  contacts: "Contacts (a target list)",
  indicator: "Indicator level",
  partner: "Partner access code",
  single_use_codes: "Single-use codes",
};

export const END_OF_SALE = [
  ["performance_end_of_sale", "The performance's end of sale"],
  ["performance_start_plus_tolerance", "The performance's start plus a tolerance"],
  ["no_limit", "No limit"],
];

/** The array in an answer: a bare list, or {key: [...]}, {items: [...]}. */
export function listIn(answer, key) {
  if (Array.isArray(answer)) return answer;
  return answer?.[key] ?? answer?.items ?? [];
}

/** Every item of a catalog kind another screen keeps (indicators, target lists); null when the route is
 * absent (404) or the operator may not read it (403): the screens then take a typed id instead. */
export async function optionalList(plural) {
  try {
    return await listAll(plural);
  } catch (error) {
    if (error.status === 404 || error.status === 403) return null;
    throw error;
  }
}

/**
 * The state buttons of an advantage or promo code: put in operation, close, delete a draft.
 * spec = {path: "/backoffice/advantages/ID", noun: "advantage", name, onDone(changed|null), problem}
 */
export function stateActions(ctx, item, { path, noun, name, onDone, problem }) {
  const act = (action, verb) => async (event) => {
    const button = event.currentTarget;
    const wording = action === "close"
      ? `Close ${noun} ${name}? It can no longer be used nor changed.`
      : `Put ${noun} ${name} in operation? Customers can use it from its validity start.`;
    if (!(await confirmAction(wording, verb))) return button.focus();
    await whileBusy(button, async () => {
      try {
        const changed = await api.post(`${path}/state`, { action, version: item.version });
        ctx.notify(`${noun[0].toUpperCase()}${noun.slice(1)} ${name} ${action === "close" ? "closed" : "put in operation"}.`);
        await onDone(changed);
      } catch (error) {
        showError(problem, error);
      }
    });
  };
  const remove = async (event) => {
    const button = event.currentTarget;
    if (!(await confirmAction(`Delete the draft ${noun} ${name}? This cannot be undone.`))) return button.focus();
    await whileBusy(button, async () => {
      try {
        await api.del(`${path}?version=${item.version}`);
        ctx.notify(`Draft ${noun} ${name} deleted.`);
        await onDone(null);
      } catch (error) {
        showError(problem, error);
      }
    });
  };
  const small = (action, text, onclick, extra = "") => h("button", {
    type: "button", class: `small ${extra}`.trim(), "data-action": action, "aria-label": `${text} ${noun} ${name}`, onclick,
  }, text);
  return [
    item.state === "draft" && ctx.can("advantages", "execute")
      ? small("operate", "Put in operation", act("put_in_operation", "Put in operation"), "primary") : null,
    item.state !== "closed" && ctx.can("advantages", "execute") ? small("close", "Close", act("close", "Close")) : null,
    item.state === "draft" && ctx.can("advantages", "delete") ? small("delete", "Delete", remove, "danger") : null,
  ];
}

export const pathOf = (base, id) => `${base}/${seg(id)}`;

// ---- validity: channels, from / until, end of sale ------------------------------------------------

/** Checkboxes of the sales channels (none ticked: every internal channel). */
export function channelsField(prefix, channels, chosen = []) {
  const set = new Set(chosen);
  return h("fieldset", { class: "field checks", "data-field": "channel_ids", id: `${prefix}-channels` },
    h("legend", {}, "Sales channels"),
    channels.length ? channels.map((channel) => h("label", { class: "check" },
      h("input", { type: "checkbox", name: "channel_ids", value: channel.id, checked: set.has(channel.id) }),
      " ", nameOf(channel))) : h("p", { class: "muted" }, "No sales channel defined yet."),
    h("p", { class: "hint" }, "None ticked: every internal sales channel."));
}

export function validityFields(prefix, value = {}) {
  const rule = value.end_of_sale?.rule || "performance_end_of_sale";
  return [
    h("div", { class: "row" },
      field("Valid from", h("input", {
        id: `${prefix}-valid-from`, name: "valid_from", type: "datetime-local", value: toLocalInput(value.valid_from),
      }), "Empty: from when it is put in operation."),
      field("Valid until", h("input", {
        id: `${prefix}-valid-until`, name: "valid_until", type: "datetime-local", value: toLocalInput(value.valid_until),
      }), "Empty: no end.")),
    h("fieldset", { class: "field", "data-field": "end_of_sale", id: `${prefix}-end-of-sale` },
      h("legend", {}, "End of sale"),
      END_OF_SALE.map(([key, text]) => h("div", {}, h("label", { class: "check" },
        h("input", { type: "radio", name: "end_of_sale_rule", value: key, id: `${prefix}-eos-${key}`, checked: key === rule }),
        " ", text))),
      field("Tolerance (minutes after the start)", h("input", {
        id: `${prefix}-tolerance`, name: "tolerance_minutes", type: "number", min: 0, max: 1440, step: 1,
        value: value.end_of_sale?.tolerance_minutes ?? 0,
      }), "Used with the start plus a tolerance.")),
  ];
}

const isoOf = (raw) => (raw ? new Date(raw).toISOString() : null);

/** {value: {channel_ids, valid_from, valid_until, end_of_sale}} or {errors: [{field, reason}]}. */
export function readValidity(form) {
  const channelIds = [...form.querySelectorAll("input[name=channel_ids]:checked")].map((box) => box.value);
  const rule = form.querySelector("input[name=end_of_sale_rule]:checked")?.value || "performance_end_of_sale";
  const tolerance = form.elements.tolerance_minutes?.value ?? "0";
  const errors = [];
  if (!/^\d+$/.test(String(tolerance).trim() || "0")) {
    errors.push({ field: "end_of_sale", reason: "The tolerance is a whole number of minutes." });
  }
  const value = {
    channel_ids: channelIds,
    valid_from: isoOf(form.elements.valid_from?.value),
    valid_until: isoOf(form.elements.valid_until?.value),
    end_of_sale: { rule, tolerance_minutes: rule === "performance_start_plus_tolerance" ? Number(tolerance || 0) : 0 },
  };
  return errors.length ? { errors } : { value };
}

/** An optional whole number field's value: null when empty; NaN when not a whole number >= 1. */
export function capOf(raw) {
  const text = String(raw ?? "").trim();
  if (!text) return null;
  return /^\d+$/.test(text) && Number(text) >= 1 ? Number(text) : NaN;
}

// ---- indicator + level ---------------------------------------------------------------------------

/**
 * An indicator select and its levels' select (the levels follow the indicator); text inputs when the
 * indicators cannot be listed (indicators === null).
 */
export function indicatorFields(prefix, indicators, value = {}, { required = false } = {}) {
  if (indicators === null) {
    return h("div", { class: "row" },
      field("Indicator", h("input", { id: `${prefix}-indicator`, name: "indicator", value: value.indicator ?? "", autocomplete: "off" }),
        "The indicator's id (the indicators cannot be listed here)."),
      field("Level", h("input", { id: `${prefix}-level`, name: "level", value: value.level ?? "", autocomplete: "off" })));
  }
  const level = h("select", { id: `${prefix}-level`, name: "level", required });
  const indicator = h("select", { id: `${prefix}-indicator`, name: "indicator", required, onchange: () => levels() },
    h("option", { value: "" }, required ? "— choose —" : "— none —"),
    indicators.map((item) => h("option", { value: item.id }, item.name || item.code || item.id)));
  indicator.value = value.indicator ?? "";
  const levels = (chosen = "") => {
    const found = indicators.find((item) => item.id === indicator.value);
    level.replaceChildren(h("option", { value: "" }, found ? "— choose —" : "— choose an indicator first —"),
      ...(found?.levels || []).map((item) => h("option", { value: item.id }, item.name || item.id)));
    level.value = chosen;
  };
  levels(value.level ?? "");
  return h("div", { class: "row" }, field("Indicator", indicator), field("Level", level));
}

export function readIndicator(form) {
  return { indicator: form.elements.indicator?.value.trim() || null, level: form.elements.level?.value.trim() || null };
}

/** The API's reasons made readable and aimed at the fields they name (see crud-form.js aimErrors). */
export function aimed(error, names) {
  return aimErrors(error, names.map((name) => ({ name })));
}
