// A distributor interface's settings form (create or edit): its external sales channel, connection
// (the password is write-only: the page only learns whether one is set), contact, point of sale,
// deferred account, reseller-price policy, alert recipients, status and the release of unsold allotment.

import { api } from "./api.js";
import { aimErrors } from "./crud-form.js";
import { listAll, nameOf } from "./crud.js";
import { AREA, INTERFACES, interfacePath } from "./distributors-common.js";
import { checkRequired, clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { label } from "./rights.js";

const ADAPTERS = {
  file: "File (CSV and JSON in S3)",
  http: "HTTP (the JSON protocol)",
  simulated: "Simulated distributor (test stacks)",
};
const POLICIES = {
  refuse_different_price: "Refuse a sale whose price differs from ours",
  accept_distributor_price: "Accept the distributor's price and record the difference",
};
const FIELDS = ["name", "channel_id", "connection", "contact_id", "point_of_sale_id", "deferred_account",
  "reseller_price_policy", "alert_recipients", "status", "release_days_before", "release_to_quota_id"].map((name) => ({ name }));

/** The lists the form chooses from; each is empty when it cannot be read (then an id is typed). */
export async function interfaceChoices(ctx) {
  const read = (area, plural, filters) => (ctx.can(area, "read") ? listAll(plural, filters).catch(() => null) : Promise.resolve(null));
  const [channels, points, contacts, quotas] = await Promise.all([
    read("catalog", "sales-channels", { type: "external" }), read("catalog", "points-of-sale"),
    read("contacts", "contacts"), read("catalog", "quotas"),
  ]);
  return { channels, points, contacts, quotas };
}

function choice(id, name, items, value, { required = false, blank = "— none —", where = () => true } = {}) {
  if (items === null) return h("input", { id, name, value: value ?? "", required, autocomplete: "off", spellcheck: "false" });
  const select = h("select", { id, name, required },
    h("option", { value: "" }, required ? "— choose —" : blank),
    items.filter(where).map((item) => h("option", { value: item.id }, nameOf(item))));
  select.value = value ?? "";
  return select;
}

function options(id, name, entries, value) {
  const select = h("select", { id, name }, Object.entries(entries).map(([key, text]) => h("option", { value: key }, text)));
  select.value = value;
  return select;
}

/**
 * The form, in `box`: `item` is the interface to edit (null: a new one). onSaved(saved) after a save,
 * onCancel() when the operator gives up.
 */
export function interfaceForm(ctx, box, item, choices, { onSaved, onCancel }) {
  const editing = Boolean(item);
  const connection = item?.connection || { adapter: "http", url: "", login: "", password_set: false };
  const problem = errorBox("distributor-form-error");
  const channelOf = (id) => choices.channels?.find((c) => c.id === id);
  const channel = choice("distributor-channel", "channel_id", choices.channels, item?.channel_id, { required: true });
  const point = h("span");
  const quotaBox = h("span");
  const drawPoints = (value) => fill(point, choice("distributor-pos", "point_of_sale_id", choices.points, value,
    { required: true, where: (p) => !channel.value || p.channel_id === channel.value }));
  const drawQuotas = (value) => fill(quotaBox, choice("distributor-release-quota", "release_to_quota_id", choices.quotas, value,
    { where: (q) => !(channelOf(channel.value)?.quota_ids || []).includes(q.id) }));
  drawPoints(item?.point_of_sale_id);
  drawQuotas(item?.release_to_quota_id);
  channel.addEventListener("change", () => {
    drawPoints(point.querySelector("select,input")?.value);
    drawQuotas(quotaBox.querySelector("select,input")?.value);
  });
  const password = h("input", { id: "distributor-password", name: "password", type: "password", autocomplete: "new-password", value: "" });
  const forget = h("input", { id: "distributor-password-remove", name: "password_remove", type: "checkbox" });
  const passwordState = h("p", { class: "hint", id: "distributor-password-state", "data-testid": "password-set" },
    connection.password_set ? "A password is set (it is never shown). Leave empty to keep it." : "No password set.");
  const form = h("form", { id: "distributor-form", novalidate: true, "data-mode": editing ? "edit" : "create" },
    problem,
    h("div", { class: "form-grid" },
      field("Name", h("input", { id: "distributor-name", name: "name", required: true, maxlength: 200, value: item?.name ?? "", autocomplete: "off" })),
      field("External sales channel", channel, "Its quotas are the distributor's allotment; one interface per channel."),
      field("Status", options("distributor-status", "status", { active: "Active", suspended: "Suspended" }, item?.status || "active")),
      field("Contact of the orders", choice("distributor-contact", "contact_id", choices.contacts, item?.contact_id, { required: true }),
        "Reintegrated orders belong to this contact."),
      h("div", { class: "field", "data-field": "point_of_sale_id" }, h("label", { for: "distributor-pos" }, "Point of sale"), point),
      h("div", { class: "field", "data-field": "deferred_account" }, h("label", { class: "check" },
        h("input", { type: "checkbox", id: "distributor-deferred", name: "deferred_account", checked: Boolean(item?.deferred_account) }),
        " Paid through the deferred account"),
      h("p", { class: "hint" }, "Otherwise orders are marked paid externally.")),
      field("Reseller price", options("distributor-policy", "reseller_price_policy", POLICIES, item?.reseller_price_policy || "refuse_different_price")),
      field("Alert recipients", h("input", {
        id: "distributor-alerts", name: "alert_recipients", autocomplete: "off", spellcheck: "false",
        value: (item?.alert_recipients || []).join(", "),
      }), "E-mail addresses, comma-separated: told of the first failure and of the recovery."),
      field("Release unsold allotment (days before)", h("input", {
        id: "distributor-release-days", name: "release_days_before", type: "number", min: 0, max: 365, step: 1, value: item?.release_days_before ?? "",
      }), "Empty: never. Unsold seats go back to general sale that many days before a performance."),
      h("div", { class: "field", "data-field": "release_to_quota_id" }, h("label", { for: "distributor-release-quota" }, "Released seats go to quota"), quotaBox)),
    h("fieldset", { class: "field", "data-field": "connection" }, h("legend", {}, "Connection"),
      h("div", { class: "form-grid" },
        field("Adapter", options("distributor-adapter", "adapter", ADAPTERS, connection.adapter)),
        field("URL", h("input", { id: "distributor-url", name: "url", maxlength: 500, value: connection.url || "", autocomplete: "off", spellcheck: "false" }),
          "http: https://…; file: empty (the stack's bucket) or s3://bucket/prefix."),
        field("Login", h("input", { id: "distributor-login", name: "login", maxlength: 200, value: connection.login || "", autocomplete: "off", spellcheck: "false" })),
        h("div", { class: "field", "data-field": "password" },
          h("label", { for: "distributor-password" }, "Password"), password, passwordState,
          connection.password_set ? h("label", { class: "check" }, forget, " Remove the password") : null))),
    h("div", { class: "buttons" },
      h("button", { type: "submit", class: "primary", id: "distributor-save" }, editing ? "Save" : "Create interface"),
      h("button", { type: "button", id: "distributor-cancel", onclick: onCancel }, "Cancel")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });

  function body() {
    const value = (name) => form.elements[name]?.value.trim() ?? "";
    const days = value("release_days_before");
    let secret = null;
    if (forget.checked) secret = "";
    else if (password.value) secret = password.value;
    return {
      name: value("name"),
      channel_id: value("channel_id"),
      connection: { adapter: value("adapter"), url: value("url"), login: value("login"), ...(secret === null ? {} : { password: secret }) },
      contact_id: value("contact_id"),
      deferred_account: form.elements.deferred_account.checked,
      point_of_sale_id: value("point_of_sale_id"),
      reseller_price_policy: value("reseller_price_policy"),
      alert_recipients: value("alert_recipients").split(",").map((s) => s.trim()).filter(Boolean),
      status: value("status"),
      release_days_before: days === "" ? null : Number(days),
      release_to_quota_id: value("release_to_quota_id") || null,
    };
  }

  async function save() {
    if (!checkRequired(form, problem)) return;
    const sent = body();
    if (sent.release_days_before !== null && !Number.isInteger(sent.release_days_before)) {
      showError(problem, { message: "Please correct the fields marked below.", fields: [{ field: "release_days_before", reason: "Enter a whole number of days." }] }, form);
      return;
    }
    await whileBusy(form.querySelector("#distributor-save"), async () => {
      clearErrors(problem, form);
      try {
        const saved = editing
          ? await api.put(`${interfacePath(item.id)}?version=${item.version}`, sent)
          : await api.post(INTERFACES, sent);
        password.value = "";
        ctx.notify(`Interface ${saved.name} ${editing ? "saved" : "created"}.`);
        await onSaved(saved);
      } catch (error) {
        showError(problem, aimErrors(error, FIELDS), form);
      }
    });
  }

  const canWrite = ctx.can(AREA, editing ? "modify" : "create");
  fill(box,
    h("h3", { id: "distributor-editor-title" }, editing ? `Edit interface ${item.name}` : "New interface"),
    canWrite ? form : h("p", { class: "muted" }, `You do not have the right to ${editing ? "change" : "create"} interfaces (${AREA}).`));
  box.setAttribute("aria-labelledby", "distributor-editor-title");
  box.hidden = false;
  box.scrollIntoView({ block: "nearest" });
  form.querySelector("input")?.focus();
  return form;
}

/** The settings as a read-only list (the interface's General tab). */
export function interfaceSummary(item, choices) {
  const name = (list, id) => (id ? nameOf(list?.find((x) => x.id === id)) || id : "–");
  const c = item.connection || {};
  const pairs = [
    ["Channel", name(choices.channels, item.channel_id)],
    ["Status", label(item.status)],
    ["Adapter", ADAPTERS[c.adapter] || c.adapter],
    ["URL", c.url || "–"],
    ["Login", c.login || "–"],
    ["Password", c.password_set ? "Set (never shown)" : "Not set"],
    ["Contact", name(choices.contacts, item.contact_id)],
    ["Point of sale", name(choices.points, item.point_of_sale_id)],
    ["Deferred account", item.deferred_account ? "Yes" : "No (paid externally)"],
    ["Reseller price", POLICIES[item.reseller_price_policy] || item.reseller_price_policy],
    ["Alert recipients", (item.alert_recipients || []).join(", ") || "–"],
    ["Release unsold", item.release_days_before === null || item.release_days_before === undefined
      ? "Never" : `${item.release_days_before} days before, to ${name(choices.quotas, item.release_to_quota_id)}`],
  ];
  return h("dl", { class: "pairs", id: "distributor-summary" },
    pairs.map(([key, value]) => [h("dt", {}, key), h("dd", { "data-key": key }, value)]));
}

export { ADAPTERS };
