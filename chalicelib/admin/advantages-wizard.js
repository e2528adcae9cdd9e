// An advantage's step-by-step set-up (#/advantages/new, #/advantages/<id>): general, events and
// performances, prices, channels and validity, quota, target, then a review that puts it in operation.
// "Save draft" sends every step's settings at any step; the API's reasons take the operator to the
// step that holds the field they name.

import { api, seg } from "./api.js";
import { centsText, nameOf, refCache } from "./crud.js";
import { errorBox, fill, formatTime, h, showError, whileBusy } from "./dom.js";
import { aimed, END_OF_SALE, optionalList, stateBadge, TARGET_LABELS } from "./advantages-common.js";
import { catalogOf, emptySpec, RULES, STEPS, stepOfField } from "./advantages-steps.js";

const BASE = "/backoffice/advantages";
const SPEC_KEYS = Object.keys(emptySpec());
const FIELD_NAMES = STEPS.flatMap((step) => step.fields).concat(["target_list_id", "indicator", "level", "access_code"]);
const REVIEW = STEPS.length;

function specOf(advantage) {
  return Object.fromEntries(SPEC_KEYS.map((key) => [key, structuredClone(advantage[key] ?? emptySpec()[key])]));
}

export async function wizardScreen(root, ctx, advantageId) {
  const cache = refCache();
  const [seasons, subcategories, audiences, channels, targetLists, indicators, found] = await Promise.all([
    cache.list("seasons"), cache.list("audience-subcategories"), cache.byId("audience-categories"),
    cache.list("sales-channels"),
    optionalList("target-lists"), optionalList("indicators"),
    advantageId ? api.get(`${BASE}/${seg(advantageId)}`) : null,
  ]);
  if (ctx.signal.aborted) return;
  const data = catalogOf({ seasons, subcategories, audiences, channels, targetLists, indicators });
  let saved = found;
  const spec = saved ? specOf(saved) : emptySpec();
  let at = 0;
  let dirty = false;
  const canSave = () => (saved ? saved.state !== "closed" && ctx.can("advantages", "modify") : ctx.can("advantages", "create"));

  const problem = errorBox("advantage-error");
  const head = h("p", { class: "lead", id: "advantage-head" });
  const steps = h("ol", { class: "buttons compact", id: "advantage-steps", style: "list-style: none; padding: 0" });
  const title = h("h2", { id: "advantage-step-title", tabindex: "-1" });
  const body = h("div", { id: "advantage-step" });
  const button = (id, text, props = {}) => h("button", { type: "button", id, ...props }, text);
  const back = button("advantage-back", "Back", { onclick: () => go(at - 1) });
  const next = button("advantage-next", "Next", { class: "primary", onclick: () => go(at + 1) });
  const save = h("button", { type: "submit", id: "advantage-save", name: "do", value: "save" }, "Save draft");
  const operate = h("button", { type: "submit", id: "advantage-operate", name: "do", value: "operate", class: "primary" }, "Put in operation");
  const form = h("form", { id: "advantage-wizard", class: "card", novalidate: true, "aria-labelledby": "advantage-step-title" },
    title, problem, body, h("div", { class: "buttons" }, back, next, save, operate));
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("change", () => { dirty = true; });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const action = event.submitter?.value === "operate" ? putInOperation : saveDraft;
    whileBusy(event.submitter || save, action);
  });

  function drawHead() {
    const name = saved ? saved.public_name : "New advantage";
    ctx.setTitle("Advantage", saved ? saved.public_name : "New");
    fill(head, h("strong", {}, name), " · ", saved ? stateBadge(saved.state) : h("span", { class: "muted" }, "not saved yet"),
      saved ? ` · version ${saved.version}` : null, " · ", h("a", { href: "#/advantages" }, "All advantages"));
  }

  async function draw() {
    const names = [...STEPS.map((step) => step.title), "Review"];
    fill(steps, names.map((text, i) => h("li", {}, h("button", {
      type: "button", class: i === at ? "small primary" : "small", "aria-current": i === at ? "step" : null,
      "data-step": i + 1, onclick: () => go(i),
    }, `${i + 1}. ${text}`))));
    title.textContent = `Step ${at + 1} of ${names.length}: ${names[at]}`;
    form.dataset.step = at === REVIEW ? "review" : STEPS[at].key;
    fill(body, h("p", { class: "muted" }, "Loading…"));
    try {
      fill(body, at === REVIEW ? await review(spec, data, saved) : await STEPS[at].render(spec, data));
    } catch (error) {
      fill(body);
      showError(problem, error);
    }
    back.hidden = at === 0;
    next.hidden = at === REVIEW;
    save.hidden = !canSave();
    save.textContent = saved && saved.state !== "draft" ? "Save" : "Save draft";
    operate.hidden = !(at === REVIEW && (saved?.state ?? "draft") === "draft" && ctx.can("advantages", "execute") && canSave());
  }

  function readStep() {
    return at === REVIEW ? [] : STEPS[at].read(form, spec);
  }

  function refuse(errors) {
    showError(problem, { message: "Please correct the fields marked below.", fields: errors }, form);
  }

  async function go(index) {
    if (index < 0 || index > REVIEW || index === at) return;
    const errors = readStep();
    if (errors.length && index > at) return refuse(errors);
    problem.hidden = true;
    at = index;
    await draw();
    if (!ctx.signal.aborted) title.focus();
  }

  async function saveDraft() {
    const errors = readStep();
    if (errors.length) {
      refuse(errors);
      return false;
    }
    problem.hidden = true;
    try {
      const sent = structuredClone(spec);
      saved = saved
        ? await api.put(`${BASE}/${seg(saved.advantage_id)}?version=${saved.version}`, sent)
        : await api.post(BASE, sent);
      if (ctx.signal.aborted) return false;
      Object.assign(spec, specOf(saved));
      dirty = false;
      history.replaceState(null, "", `#/advantages/${seg(saved.advantage_id)}`);
      ctx.notify(`Advantage ${saved.public_name} saved (${saved.state === "draft" ? "draft" : saved.state.replace("_", " ")}).`);
      drawHead();
      await draw();
      return true;
    } catch (error) {
      if (ctx.signal.aborted) return false;
      await showApiError(error);
      return false;
    }
  }

  async function showApiError(error) {
    const aim = aimed(error, FIELD_NAMES);
    // "prices.3.rule" names the 4th rule sent: say which subcategory and event it is.
    aim.fields = aim.fields.map((f) => {
      const match = /^prices\.(\d+)/.exec(f.field);
      const price = match && spec.prices[Number(match[1])];
      return price ? { ...f, field: `Price for ${subName(data, price.audience_subcategory_id)}` } : f;
    });
    const first = (error.fields || []).map((f) => stepOfField(f.field)).find((i) => i >= 0);
    if (first !== undefined && first !== at) {
      at = first;
      await draw();
    }
    showError(problem, aim, form);
  }

  async function putInOperation() {
    if ((!saved || dirty) && !(await saveDraft())) return;
    try {
      const changed = await api.post(`${BASE}/${seg(saved.advantage_id)}/state`, { action: "put_in_operation", version: saved.version });
      ctx.notify(`Advantage ${changed.public_name} is in operation.`);
      ctx.navigate("advantages");
    } catch (error) {
      showError(problem, error);
    }
  }

  drawHead();
  fill(root, head, h("nav", { "aria-label": "Set-up steps" }, steps), form);
  await draw();
}

function subName(data, id) {
  const sub = data.subcategories.find((s) => s.id === id);
  return sub ? `${nameOf(data.audiences.get(sub.audience_category_id)) || ""} · ${sub.name}` : id;
}

function ruleText(rule) {
  const kind = RULES.find(([key]) => key === rule.kind)?.[1] || rule.kind;
  return `${kind} ${rule.kind === "percent_off" ? `${rule.value} %` : centsText(rule.value)}`;
}

async function review(spec, data, saved) {
  const events = spec.season_id ? new Map((await data.events(spec.season_id)).map((e) => [e.id, e])) : new Map();
  const channels = new Map(data.channels.map((c) => [c.id, c]));
  const t = spec.target;
  const indicator = data.indicators?.find((i) => i.id === t.indicator);
  const targetText = {
    contacts: () => data.targetLists?.find((l) => l.id === t.target_list_id)?.name || t.target_list_id,
    indicator: () => `${indicator?.name || t.indicator}, ${indicator?.levels?.find((l) => l.id === t.level)?.name || t.level}`,
    partner: () => t.access_code,
  }[t.type];
  const rows = [
    ["Public name", spec.public_name || "–"],
    ["Description", spec.description || "–"],
    ["Season", nameOf(data.seasons.find((s) => s.id === spec.season_id)) || "–"],
    ["Events", spec.event_ids.map((id) => nameOf(events.get(id)) || id).join(", ") || "–"],
    ["Performances", spec.performance_ids.length ? `${spec.performance_ids.length} chosen` : "Every performance of the events"],
    ["Prices", spec.prices.length ? h("ul", { class: "plain" }, spec.prices.map((p) => h("li", {},
      `${subName(data, p.audience_subcategory_id)}: ${ruleText(p.rule)} (${p.event_id ? nameOf(events.get(p.event_id)) || p.event_id : "every event"})`))) : "–"],
    ["Sales channels", spec.channel_ids.map((id) => nameOf(channels.get(id)) || id).join(", ") || "Every internal channel"],
    ["Valid", `${spec.valid_from ? formatTime(spec.valid_from).slice(0, 16) : "from its start"} → ${spec.valid_until ? formatTime(spec.valid_until).slice(0, 16) : "no end"}`],
    ["End of sale", END_OF_SALE.find(([key]) => key === spec.end_of_sale.rule)?.[1] +
      (spec.end_of_sale.rule === "performance_start_plus_tolerance" ? ` (${spec.end_of_sale.tolerance_minutes} min)` : "")],
    ["Quota", spec.quota ?? "No quota"],
    ["Caps", `${spec.max_per_order ?? "no cap"} per order, ${spec.max_per_customer ?? "no cap"} per customer`],
    ["Target", `${TARGET_LABELS[t.type]}${targetText ? `: ${targetText()}` : ""}`],
  ];
  return [
    h("dl", { class: "pairs", id: "advantage-review" }, rows.map(([key, value]) => [h("dt", {}, key), h("dd", { "data-key": key }, value)])),
    h("p", { class: "hint" }, saved?.state === "in_operation"
      ? "It is in operation: a saved change applies at once."
      : "Put in operation: customers of its target can use it from its validity start, on its channels."),
  ];
}
