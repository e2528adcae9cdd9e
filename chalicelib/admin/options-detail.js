// Options screen: one option opened, its request, its confirmation, its history and its actions.

import { api, seg } from "./api.js";
import { deadlineNode } from "./deadlines.js";
import { clearErrors, errorBox, fill, h, showError, whileBusy } from "./dom.js";
import { localTimeLabelled } from "./time-zones.js";
import { duplicate, emailAgain, printSummary, runAction, TAKE_UP, takeUp, updateToolbar } from "./options-actions.js";
import { ACTIONS, ID, mayDo, orderLink, placedOf, stateBadge } from "./options-common.js";
import { placeForm } from "./options-forms.js";
import { label } from "./rights.js";

// ---- one option ---------------------------------------------------------------------------------------

export async function showOption(view, optionId, focus = true) {
  const { ctx } = view;
  clearErrors(view.problem);
  let option;
  try {
    option = await api.get(`/backoffice/options/${seg(optionId)}`);
  } catch (error) {
    if (!ctx.signal.aborted) showError(view.problem, error);
    return;
  }
  if (ctx.signal.aborted) return;
  view.shown = option.option_id;
  if (view.options.has(option.option_id)) {
    view.options.set(option.option_id, option);
    updateToolbar(view);
  }
  for (const row of view.list.querySelectorAll("tr[data-option]")) {
    row.classList.toggle("current", row.dataset.option === option.option_id);
  }
  history.replaceState(null, "", `#/${ID}/${seg(option.option_id)}`);
  // A button that was used is disabled while busy, and Chromium then moves the focus to <body>.
  const inside = () => view.detail.contains(document.activeElement) || view.editor.contains(document.activeElement);
  const wasInside = inside() || document.activeElement === document.body;
  renderDetail(view, option);
  view.detail.hidden = false;
  ctx.setTitle("Option", `No. ${option.number}`);
  if (focus) {
    view.detail.scrollIntoView({ block: "start" });
    view.detail.querySelector("#option-close").focus({ preventScroll: true });
  } else if (wasInside && !inside()) {
    // The button just used was drawn again (a placement, a take-up): the keyboard goes to the option's
    // heading, not back to the top of the page.
    view.detail.querySelector("#option-detail-title")?.focus({ preventScroll: true });
  }
}

export function pairs(id, entries) {
  return h("dl", { class: "pairs", id }, entries.filter(Boolean).map(([k, v, key]) =>
    [h("dt", {}, k), h("dd", { "data-key": key || null }, v === null || v === undefined || v === "" ? "–" : v)]));
}

export const SEATS_SHOWN = 12;

export function seatsText(line) {
  if (line.area) return `Standing: ${line.area}`;
  if (!line.seat_ids.length) return line.holds_stock ? "–" : "Not held yet (taken when validated)";
  const more = line.seat_ids.length - SEATS_SHOWN;
  return line.seat_ids.slice(0, SEATS_SHOWN).join(", ") + (more > 0 ? ` and ${more} more` : "");
}

export function renderDetail(view, option) {
  const { ctx, names } = view;
  const performance = names.performances.get(option.performance_id);
  const zone = names.zone(option.placed_performance_id || option.performance_id);
  const event = names.events.get(option.event_id);
  const contact = names.contacts.get(option.contact_id);
  const problem = errorBox("option-detail-error");
  const request = h("section", { class: "pane", id: "option-request", "aria-labelledby": "option-request-title" },
    h("h3", { id: "option-request-title" }, "Request"),
    pairs("option-request-pairs", [
      ["State", stateBadge(option), "state"],
      ["Contact", [names.contact(option.contact_id), contact?.email ? h("div", { class: "muted" }, contact.email) : null], "contact"],
      ["Company", names.company(option.company_id), "company"],
      event ? ["Season", names.seasons.get(event.season_id)?.name || event.season_id, "season"] : null,
      event ? ["Activity", names.activities.get(event.activity_id)?.name || event.activity_id, "activity"] : null,
      ["Event", names.event(option.event_id), "event"],
      ["Performance", [names.performance(option.performance_id), performance ? ` (${performance.code})` : ""], "performance"],
      ["Fallback dates", option.fallback_performance_ids.length
        ? h("ol", { class: "plain", id: "option-fallbacks" }, option.fallback_performance_ids.map((id) =>
          h("li", { "data-performance": id }, names.performance(id))))
        : "None", "fallbacks"],
      ["Places asked", Object.keys(option.requested).length
        ? h("ul", { class: "plain", id: "option-requested" }, Object.entries(option.requested).map(([category, n]) =>
          h("li", { "data-category": category }, `${names.category(category)}: ${n}`)))
        : "None (a direct option)", "requested"],
      ["Next category up accepted", option.accept_upgrade ? "Yes" : "No", "accept_upgrade"],
      ["Remark", option.remark, "remark"],
      ["Asked on", localTimeLabelled(option.created_at, zone), "created_at"],
      ["By", names.by(option.created_by), "created_by"],
      ["Sales channel", option.channel_id ? names.channels.get(option.channel_id)?.name || option.channel_id : "Back office", "channel"],
      ["Editable until", option.editable_until ? localTimeLabelled(option.editable_until, zone) : "", "editable_until"],
    ]));
  const placedLines = option.placed.length ? h("div", { class: "scroll" }, h("table", { id: "option-placed-lines", "data-testid": "option-placed-lines" },
    h("caption", { class: "sr-only" }, "Places granted"),
    h("thead", {}, h("tr", {}, ["Category", "Quota", "Places", "Seats", "Holds stock"].map((t) =>
      h("th", { scope: "col", class: t === "Places" ? "num" : null }, t)))),
    h("tbody", {}, option.placed.map((line) => h("tr", { "data-category": line.category_id, "data-quota": line.quota_id || "" },
      h("td", {}, names.category(line.category_id)), h("td", {}, names.quota(line.quota_id)),
      h("td", { class: "num", "data-col": "quantity" }, String(line.quantity)),
      h("td", { class: "seats", title: line.seat_ids.join(", ") || null }, seatsText(line)),
      h("td", {}, line.holds_stock ? "Yes" : "No")))))) : null;
  const confirmation = h("section", { class: "pane", id: "option-confirmation", "aria-labelledby": "option-confirmation-title" },
    h("h3", { id: "option-confirmation-title" }, "Confirmation"),
    option.placed.length || option.order_id ? [
      pairs("option-confirmation-pairs", [
        ["Placed on", names.performance(option.placed_performance_id || option.performance_id), "placed_performance"],
        ["Places granted", String(placedOf(option)), "placed"],
        ["Confirm by", option.deadline ? deadlineNode(option.deadline, Date.now(), zone) : "", "deadline"],
        ["Audience", option.audience_subcategory_id ? names.audiences.get(option.audience_subcategory_id)?.name || option.audience_subcategory_id : "", "audience"],
        ["Payment date", option.payment_date, "payment_date"],
        ["Firm", option.firm ? "Yes: it no longer changes" : "No", "firm"],
        ["Order", option.order_id ? orderLink(option.order_id, "option-order-link") : "Not ordered yet", "order"],
      ]),
      placedLines,
    ] : h("p", { class: "muted", id: "option-not-placed" }, "Not placed yet: no places granted."));
  const allowed = ACTIONS.filter((spec) => option.allowed_actions.includes(spec.action) && mayDo(ctx, spec));
  const act = (attrs, text, run) => h("button", {
    type: "button", ...attrs, onclick: (event) => whileBusy(event.currentTarget, run),
  }, text);
  // Validate stays in view; the option's other allowed actions, rarely used, are grouped in one menu.
  const main = allowed.filter((spec) => spec.action === "validate");
  const others = [
    ...allowed.filter((spec) => spec.action !== "validate").map((spec) =>
      act({ "data-action": spec.action }, spec.text, () => runAction(view, spec, [option], problem))),
    ctx.can("options", "execute")
      ? act({ id: "option-email" }, "Email confirmation again", () => emailAgain(view, option, problem)) : null,
    ctx.can("options", "create") ? act({ id: "option-duplicate" }, "Duplicate", () => duplicate(view, option)) : null,
  ].filter(Boolean);
  const actions = h("div", { class: "buttons", id: "option-detail-actions" },
    main.map((spec) => act({ "data-action": spec.action, class: "primary" }, spec.text,
      () => runAction(view, spec, [option], problem))),
    act({ id: "option-print" }, "Print summary", () => printSummary(view, option, problem)),
    option.state === "validated" && option.order_id && ctx.can("orders", "execute")
      ? TAKE_UP.map(([method, text]) => act({ id: `option-take-up-${method}`, "data-method": method }, text,
        () => takeUp(view, option, method, problem)))
      : null,
    others.length ? actionMenu(others) : null,
    h("button", {
      type: "button", id: "option-close",
      onclick: () => {
        view.detail.hidden = true;
        view.shown = null;
        history.replaceState(null, "", `#/${ID}`);
        view.ctx.setTitle("Options");
        for (const row of view.list.querySelectorAll("tr.current")) row.classList.remove("current");
        view.list.querySelector(`tr[data-option="${CSS.escape(option.option_id)}"] [data-action=open]`)?.focus();
      },
    }, "Close"));
  const canModify = ctx.can("options", "modify");
  const placing = canModify && option.allowed_actions.includes("place") ? placeForm(view, option, "place")
    : canModify && option.allowed_actions.includes("modify_placement") ? placeForm(view, option, "modify") : null;
  fill(view.detail,
    h("h2", { id: "option-detail-title", tabindex: "-1" }, `Option ${option.number}`, " · ", names.event(option.event_id)),
    h("p", { class: "muted" }, names.contact(option.contact_id), option.company_id ? ` · ${names.company(option.company_id)}` : ""),
    problem,
    actions,
    h("div", { class: "option-panes" }, request, confirmation),
    placing,
    h("h3", {}, "History"),
    h("ol", { id: "option-history", class: "history" }, option.history.map((entry) => h("li", { "data-state": entry.state },
      h("span", { class: "muted" }, localTimeLabelled(entry.at, zone)), " ", h("strong", {}, label(entry.state || "")),
      entry.action && entry.action !== entry.state ? ` (${label(entry.action)})` : "",
      entry.by ? ` by ${names.by(entry.by)}` : "",
      entry.order_id ? [" · order ", h("code", {}, entry.order_id)] : "",
      entry.note ? ` · ${entry.note}` : ""))));
  view.detail.setAttribute("aria-labelledby", "option-detail-title");
}

/** A disclosure "Actions ▾" holding `buttons`; Escape closes it and gives focus back to its button. */
function actionMenu(buttons) {
  const menu = h("details", { class: "action-menu", id: "option-actions-menu" },
    h("summary", { id: "option-actions-toggle" }, `More actions (${buttons.length})`),
    h("div", { class: "action-menu-items", role: "group", "aria-label": "More actions" }, buttons));
  menu.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !menu.open) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
  return menu;
}
