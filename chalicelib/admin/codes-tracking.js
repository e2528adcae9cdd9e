// Single-use code tracking: an advantage's codes by state and batch (paged), one code's detail (state,
// when and by whom it was used, in which order, why it was revoked), and revoking a selection or a
// whole batch with a reason (the outcome said per code: a used code is never revoked).

import { api, seg } from "./api.js";
import { checkRequired, clearErrors, confirmAction, errorBox, field, fill, formatTime, h, showError, whileBusy } from "./dom.js";
import { listIn } from "./advantages-common.js";
import { contactName } from "./codes-generate.js";

const PAGE = 50;
const STATES = [["free", "Free"], ["in_cart", "In a cart"], ["used", "Used"], ["revoked", "Revoked"]];
const stateText = (state) => STATES.find(([key]) => key === state)?.[1] || state;
const when = (iso) => (iso ? formatTime(iso).slice(0, 16) : "–");

function codeBadge(state) {
  const kind = { free: "ok", in_cart: "run", used: "off", revoked: "bad" }[state] || "off";
  return h("span", { class: `badge ${kind}`, "data-testid": "code-state", "data-state": state }, stateText(state));
}

/** The tracking card of one advantage: {node, load()}; onChange() runs after codes were revoked. */
export function trackingPanel(ctx, advantage, contacts, { onChange = () => {} } = {}) {
  const base = `/backoffice/advantages/${seg(advantage.advantage_id)}`;
  const problem = errorBox("codes-tracking-error");
  const state = { codes: [], after: null, batches: [] };
  const picked = new Set();
  const stateSelect = h("select", { id: "codes-filter-state", name: "state" },
    h("option", { value: "" }, "— any state —"), STATES.map(([value, text]) => h("option", { value }, text)));
  const batchSelect = h("select", { id: "codes-filter-batch", name: "batch_id" }, h("option", { value: "" }, "— any batch —"));
  const filters = h("form", { id: "codes-tracking-filters", role: "search", novalidate: true, "aria-label": "Code filters" },
    h("div", { class: "row" }, field("State", stateSelect), field("Batch", batchSelect)),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "codes-filter-show" }, "Show codes")));
  const list = h("div", { id: "codes-list", class: "scroll" });
  const more = h("button", { type: "button", id: "codes-more", hidden: true, onclick: (e) => whileBusy(e.currentTarget, () => load(true)) }, "Load more");
  const detail = h("div", { id: "code-detail", "aria-live": "polite" });
  const selection = h("p", { id: "codes-selection", class: "hint" });

  async function loadBatches() {
    try {
      state.batches = listIn(await api.get(`${base}/batches`), "batches");
    } catch (error) {
      if (error.status !== 404) throw error;
      state.batches = [];
    }
    const kept = batchSelect.value;
    batchSelect.replaceChildren(h("option", { value: "" }, "— any batch —"),
      ...state.batches.map((b) => h("option", { value: b.batch_id }, `${b.batch_id} · ${contactName(contacts, b.contact_id)}`)));
    batchSelect.value = kept;
    revokeBatch.replaceChildren(h("option", { value: "" }, "— choose a batch —"),
      ...state.batches.map((b) => h("option", { value: b.batch_id }, `${b.batch_id} · ${contactName(contacts, b.contact_id)}`)));
  }

  let asked = 0; // the latest load's number: an older answer arriving late is dropped

  async function load(next = false) {
    clearErrors(problem);
    const mine = ++asked;
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (stateSelect.value) query.set("state", stateSelect.value);
    if (batchSelect.value) query.set("batch_id", batchSelect.value);
    if (next && state.after) query.set("after", state.after);
    try {
      const page = await api.get(`${base}/codes?${query}`);
      if (ctx.signal.aborted || mine !== asked) return;
      state.codes = next ? [...state.codes, ...page.codes] : page.codes;
      state.after = page.after;
      if (!next) fill(detail); // a code shown may have changed since
      // The selection survives a reload for the codes still listed and still revocable.
      const revocable = new Set(state.codes.filter((c) => c.state !== "used" && c.state !== "revoked").map((c) => c.code));
      for (const code of [...picked]) if (!revocable.has(code)) picked.delete(code);
      draw();
    } catch (error) {
      if (!ctx.signal.aborted) showError(problem, error);
    }
  }

  function say() {
    selection.textContent = picked.size ? `${picked.size} code${picked.size > 1 ? "s" : ""} selected.` : "No code selected.";
    revokeSelected.disabled = !picked.size;
  }

  function draw() {
    more.hidden = !state.after;
    say();
    if (!state.codes.length) return fill(list, h("p", { "data-testid": "empty" }, "No code matches."));
    fill(list, h("table", { id: "codes-table", "data-testid": "codes-table" },
      h("caption", { class: "sr-only" }, `Codes of ${advantage.public_name}`),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Select")),
        ["Code", "State", "Batch", "Contact", "Used at", "Order", "Revoked because", "Actions"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, state.codes.map((code) => h("tr", { "data-code": code.code, "data-state": code.state },
        h("td", {}, h("input", {
          type: "checkbox", class: "pick", "aria-label": `Select code ${code.code}`, checked: picked.has(code.code),
          disabled: code.state === "used" || code.state === "revoked",
          onchange: (e) => { if (e.currentTarget.checked) picked.add(code.code); else picked.delete(code.code); say(); },
        })),
        h("td", { "data-col": "code" }, h("code", {}, code.code)),
        h("td", { "data-col": "state" }, codeBadge(code.state)),
        h("td", { "data-col": "batch" }, code.batch_id || "–"),
        h("td", { "data-col": "contact" }, contactName(contacts, code.contact_id)),
        h("td", { "data-col": "used_at" }, when(code.used_at)),
        h("td", { "data-col": "order" }, code.order_id ? h("a", { href: `#/orders/${seg(code.order_id)}` }, code.order_id) : "–"),
        h("td", { "data-col": "revoked_reason" }, code.revoked_reason || "–"),
        h("td", { class: "actions" }, h("button", {
          type: "button", class: "small", "data-action": "detail", "aria-label": `Details of code ${code.code}`,
          onclick: (e) => whileBusy(e.currentTarget, () => showDetail(code.code)),
        }, "Details")))))));
  }

  async function showDetail(text) {
    clearErrors(problem);
    try {
      const code = await api.get(`${base}/codes/${seg(text)}`);
      if (ctx.signal.aborted) return;
      const rows = [
        ["State", codeBadge(code.state)], ["Batch", code.batch_id || "–"], ["Contact", contactName(contacts, code.contact_id)],
        ["In cart", code.cart_id || "–"], ["Used at", when(code.used_at)], ["Used by", code.used_by || "–"],
        ["Order", code.order_id ? h("a", { href: `#/orders/${seg(code.order_id)}` }, code.order_id) : "–"],
        ["Scanned at", when(code.scanned_at)], ["Revoked at", when(code.revoked_at)], ["Revoked because", code.revoked_reason || "–"],
      ];
      fill(detail, h("section", { class: "card editor-card", "aria-labelledby": "code-detail-title" },
        h("h3", { id: "code-detail-title", tabindex: "-1" }, `Code ${code.code}`),
        h("dl", { class: "pairs" }, rows.map(([key, value]) => [h("dt", {}, key), h("dd", { "data-key": key }, value)])),
        h("div", { class: "buttons" }, h("button", { type: "button", class: "small", onclick: () => fill(detail) }, "Close"))));
      detail.querySelector("h3").focus();
    } catch (error) {
      if (!ctx.signal.aborted) showError(problem, error);
    }
  }

  // ---- revoke -------------------------------------------------------------------------------------

  const revokeProblem = errorBox("codes-revoke-error");
  const reason = h("input", { id: "codes-revoke-reason", name: "reason", required: true, maxlength: 500, autocomplete: "off" });
  const revokeBatch = h("select", { id: "codes-revoke-batch", name: "batch_id" });
  const outcome = h("div", { id: "codes-revoke-outcome", "aria-live": "polite" });
  const revokeSelected = h("button", { type: "submit", class: "danger", id: "codes-revoke-selected", name: "what", value: "selection", disabled: true },
    "Revoke the selected codes");
  const revokeForm = h("form", { id: "codes-revoke-form", novalidate: true, "aria-labelledby": "codes-revoke-title" },
    h("h3", { id: "codes-revoke-title" }, "Revoke codes"),
    revokeProblem,
    field("Reason", reason, "Said to a buyer who enters the code; kept on the code."),
    h("div", { class: "buttons" }, revokeSelected),
    h("div", { class: "row" }, field("Whole batch", revokeBatch)),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "danger", id: "codes-revoke-batch-submit", name: "what", value: "batch" }, "Revoke the whole batch")),
    outcome);
  revokeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const whole = event.submitter?.value === "batch";
    if (!checkRequired(revokeForm, revokeProblem)) return;
    if (whole && !revokeBatch.value) {
      return showError(revokeProblem, { message: "Choose the batch.", fields: [{ field: "batch_id", reason: "Required." }] }, revokeForm);
    }
    const target = whole ? { batch_id: revokeBatch.value } : { codes: [...picked] };
    const what = whole ? `every code not used yet of batch ${revokeBatch.value}` : `${picked.size} code(s)`;
    whileBusy(event.submitter, async () => {
      if (!(await confirmAction(`Revoke ${what}? A revoked code can no longer be used.`, "Revoke"))) return;
      try {
        // A batch is revoked a page at a time: each answer says where to go on (`after`) until `done`.
        const found = {};
        let after = null;
        do {
          const answer = await api.post(`${base}/codes/revoke`, { ...target, reason: reason.value.trim(), ...(after ? { after } : {}) });
          if (ctx.signal.aborted) return;
          Object.assign(found, answer.outcomes || {});
          after = whole && answer.done === false ? answer.after : null;
          if (after) fill(outcome, h("p", {}, `${Object.keys(found).length} codes looked at…`));
        } while (after);
        const outcomes = Object.entries(found);
        const revoked = outcomes.filter(([, result]) => result === "revoked").length;
        fill(outcome, h("p", {}, `${revoked} of ${outcomes.length} code${outcomes.length === 1 ? "" : "s"} revoked.`),
          outcomes.some(([, result]) => result !== "revoked") ? h("ul", { class: "plain", id: "codes-revoke-outcomes" },
            outcomes.filter(([, result]) => result !== "revoked").map(([code, result]) => h("li", {}, h("code", {}, code), `: ${result.replaceAll("_", " ")}`))) : null);
        ctx.notify(`${revoked} code${revoked === 1 ? "" : "s"} revoked.`);
        revokeForm.reset();
        await Promise.all([load(), onChange()]);
      } catch (error) {
        if (!ctx.signal.aborted) showError(revokeProblem, error, revokeForm);
      }
    });
  });

  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    whileBusy(filters.querySelector("#codes-filter-show"), () => load());
  });

  const node = h("section", { class: "card", id: "codes-tracking", "aria-labelledby": "codes-tracking-title" },
    h("h2", { id: "codes-tracking-title" }, "Code tracking"),
    filters, problem, selection, list, more, detail,
    ctx.can("advantages", "execute") ? revokeForm : null);
  return {
    node,
    load: async () => {
      await loadBatches().catch((error) => showError(problem, error));
      await load();
    },
  };
}
