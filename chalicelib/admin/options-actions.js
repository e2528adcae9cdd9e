// Options screen: the toolbar of actions on the selected options, and the actions themselves
// (duplicate, take up, email again, print the summary, the report).

import { api, fetchFile, seg } from "./api.js";
import { clearErrors, confirmAction, fill, h, showError, whileBusy } from "./dom.js";
import { ACTIONS, mayDo } from "./options-common.js";
import { showOption } from "./options-detail.js";
import { openDirectForm, openRequestForm } from "./options-forms.js";
import { label } from "./rights.js";
import { search } from "./views-options.js";

// ---- actions on the selected options -------------------------------------------------------------------

export function buildToolbar(view) {
  const { ctx } = view;
  // whileBusy enables its button again when done: the selection then says whether it should be.
  const busy = (action) => async (event) => {
    await whileBusy(event.currentTarget, action);
    updateToolbar(view);
  };
  const button = (id, text, onclick) =>
    h("button", { type: "button", id: `options-act-${id}`, "data-action": id, onclick }, text);
  const selected = () => [...view.selected].map((id) => view.options.get(id)).filter(Boolean);
  const one = () => selected()[0];
  fill(view.toolbar,
    ACTIONS.filter((spec) => mayDo(ctx, spec)).map((spec) => button(spec.action, spec.text,
      busy(() => runAction(view, spec, selected())))),
    h("span", { class: "toolbar-gap", "aria-hidden": "true" }),
    ctx.can("options", "create") ? [
      button("new", "New request", () => openRequestForm(view)),
      button("direct", "Direct option", () => openDirectForm(view)),
      button("duplicate", "Duplicate", busy(() => duplicate(view, one()))),
    ] : null,
    button("print", "Print summary", busy(() => printSummary(view, one()))),
    ctx.can("options", "execute")
      ? button("email", "Email confirmation again", busy(() => emailAgain(view, one())))
      : null,
    button("report", "Report", () => openReport(view)));
}

/** Enable the actions the selection allows; the page says why the others are unavailable, not a tooltip. */
export function updateToolbar(view) {
  const chosen = [...view.selected].map((id) => view.options.get(id)).filter(Boolean);
  const unavailable = []; // "Validate (not for option 3)"
  const set = (node, reason) => {
    node.disabled = Boolean(reason);
    node.title = reason;
    if (reason && chosen.length) unavailable.push(`${node.textContent} (${reason.toLowerCase()})`);
  };
  for (const spec of ACTIONS) {
    const node = view.toolbar.querySelector(`[data-action="${spec.action}"]`);
    if (!node || node.getAttribute("aria-busy")) continue;
    const refusing = chosen.filter((o) => !o.allowed_actions.includes(spec.action));
    set(node, !chosen.length ? "Select options first"
      : refusing.length ? `Not possible for option ${refusing.map((o) => o.number).join(", ")}` : "");
  }
  for (const id of ["duplicate", "print", "email"]) {
    const node = view.toolbar.querySelector(`[data-action="${id}"]`);
    if (!node || node.getAttribute("aria-busy")) continue;
    set(node, chosen.length === 1 ? "" : "Select one option");
  }
  const which = !chosen.length ? "No option selected: select options to act on them."
    : chosen.length === 1 ? `Option ${chosen[0].number} selected.`
      : `${chosen.length} options selected: ${chosen.map((o) => o.number).join(", ")}.`;
  view.selection.textContent = unavailable.length ? `${which} Unavailable: ${unavailable.join("; ")}.` : which;
  for (const node of view.toolbar.querySelectorAll("button")) node.setAttribute("aria-describedby", view.selection.id);
}

export const whichText = (options) => (options.length === 1 ? `option ${options[0].number}`
  : `options ${options.map((o) => o.number).join(", ")}`);

/** Run one action on `options` (validate: in one call); refresh the list and the option on show. */
export async function runAction(view, spec, options, problem = view.problem) {
  const { ctx } = view;
  if (!options.length) return;
  clearErrors(problem);
  if (spec.confirm) {
    const [text, yes] = spec.confirm(whichText(options));
    if (!(await confirmAction(text, yes))) return;
  }
  const failures = [];
  const done = [];
  const orders = new Set();
  if (spec.action === "validate") {
    try {
      const answer = await api.post("/backoffice/options/validate", { option_ids: options.map((o) => o.option_id) });
      for (const outcome of answer.outcomes) {
        const option = options.find((o) => o.option_id === outcome.option_id);
        if (outcome.ok) {
          done.push(option);
          if (outcome.order_id) orders.add(outcome.order_id);
        } else failures.push({ field: `Option ${option?.number ?? outcome.option_id}`, reason: outcome.error || "refused" });
      }
    } catch (error) {
      showError(problem, error);
      return;
    }
  } else {
    for (const option of options) {
      try {
        await api.post(`/backoffice/options/${seg(option.option_id)}/${spec.path}`);
        done.push(option);
      } catch (error) {
        failures.push({ field: `Option ${option.number}`, reason: error.message });
      }
    }
  }
  if (ctx.signal.aborted) return;
  if (done.length) {
    const order = orders.size ? ` Reservation ${[...orders].join(", ")}.` : "";
    ctx.notify(`${label(whichText(done))} ${spec.done}.${order}`);
  }
  await search(view);
  if (view.shown && !ctx.signal.aborted) await showOption(view, view.shown, false);
  if (failures.length) {
    // The detail was drawn again: its new error box replaces the one the action started from.
    const box = problem.isConnected ? problem : view.detail.querySelector("#option-detail-error") || view.problem;
    showError(box, { message: `Not done for ${failures.length} option(s):`, fields: failures });
    box.scrollIntoView({ block: "nearest" });
  }
}

export async function duplicate(view, option) {
  if (!option) return;
  clearErrors(view.problem);
  try {
    const copy = await api.post(`/backoffice/options/${seg(option.option_id)}/duplicate`);
    view.ctx.notify(`Option ${option.number} duplicated as option ${copy.number} (a new request).`);
    await search(view);
    await showOption(view, copy.option_id);
  } catch (error) {
    showError(view.problem, error);
  }
}

// The box office takes the option's order up: the amount due paid here, the tickets issued.
export const TAKE_UP = [["cash", "Paid in cash"], ["card_terminal", "Paid by card (terminal)"]];

export async function takeUp(view, option, method, problem = view.problem) {
  clearErrors(problem);
  try {
    const order = await api.post(`/backoffice/orders/${seg(option.order_id)}/take-up`, { method });
    view.ctx.notify(`Order ${order.order_id} of option ${option.number} is paid: its tickets are issued.`);
    await search(view);
    await showOption(view, option.option_id, false);
  } catch (error) {
    showError(problem, error);
  }
}

export async function emailAgain(view, option, problem = view.problem) {
  if (!option) return;
  clearErrors(problem);
  try {
    const sent = await api.post(`/backoffice/options/${seg(option.option_id)}/confirmation`);
    view.ctx.notify(`Summary of option ${option.number} emailed to ${sent.to} (${sent.status}).`);
  } catch (error) {
    showError(problem, error);
  }
}


/** Open the option's PDF summary in a new tab (a blob URL: the API needs the bearer token). */
export async function printSummary(view, option, problem = view.problem) {
  if (!option) return;
  clearErrors(problem);
  // Opened now, while the click still counts, so that no popup blocker stops it; filled once read.
  const tab = window.open("", "_blank");
  try {
    const blob = await fetchFile(`/backoffice/options/${seg(option.option_id)}/summary.pdf`, "application/pdf");
    const url = URL.createObjectURL(new Blob([blob], { type: "application/pdf" }));
    setTimeout(() => URL.revokeObjectURL(url), 120_000);
    if (tab) tab.location.href = url;
    else {
      const link = h("a", { href: url, target: "_blank", id: "option-pdf-link", download: `option-${option.number}.pdf` },
        `Open the summary of option ${option.number}`);
      fill(problem, h("p", {}, "The browser blocked the new tab: ", link));
      problem.hidden = false;
    }
  } catch (error) {
    tab?.close();
    showError(problem, error);
  }
}

export function openReport(view) {
  const keep = ["season_id", "event_id", "performance_id"].filter((name) => view.query[name]);
  const query = new URLSearchParams(keep.map((name) => [name, view.query[name]]));
  location.hash = `#/option-report${keep.length ? `?${query}` : ""}`;
}
