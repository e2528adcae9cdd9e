// Queue screen: the virtual queues in front of on-sales. Put a performance or an event behind a queue,
// watch it (waiting, admitted per minute, as a small SVG chart refreshed every 15 s), change its rate
// live, stop it or start it again.

import { api, seg } from "./api.js";
import { listAll } from "./crud.js";
import { checkRequired, clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { organisationClock } from "./organisation-zone.js";
import { fromZoneInput, localTimeLabelled } from "./time-zones.js";

const SVG = "http://www.w3.org/2000/svg";
const REFRESH_MS = 15000;
const CHART_MINUTES = 60;

export default {
  id: "queue",
  title: "Queue",
  area: "queues",
  async render(root, ctx) {
    const view = {
      clock: await organisationClock(), // a queue's times on the organisation's clock, never the browser's
      problem: errorBox("queue-error"),
      list: h("div", { id: "queue-list", class: "scroll" }),
      detail: h("section", { id: "queue-detail", hidden: true }),
      selected: null,
    };
    const form = ctx.can("queues", "create") ? await createForm(view, ctx) : null;
    if (ctx.signal.aborted) return;
    fill(root, h("p", { class: "muted" },
      "Buyers of a queued performance are admitted at its rate, in arrival order; those who came before the " +
      "opening are drawn at random at the opening. Without an admission no cart holds its seats."),
    view.problem, form, h("h2", {}, "Queues"), view.list, view.detail);
    await refresh(view, ctx);
    const timer = setInterval(() => refresh(view, ctx), REFRESH_MS);
    ctx.signal.addEventListener("abort", () => clearInterval(timer));
  },
};

async function refresh(view, ctx) {
  try {
    const queues = await api.get("/backoffice/queues");
    if (ctx.signal.aborted) return;
    renderList(view, ctx, queues);
    if (view.selected) await showQueue(view, ctx, view.selected);
  } catch (error) {
    if (!ctx.signal.aborted) showError(view.problem, error);
  }
}

async function createForm(view, ctx) {
  const kind = h("select", { id: "queue-kind", name: "target_kind" },
    h("option", { value: "performance" }, "A performance"), h("option", { value: "event" }, "An event (all its performances)"));
  const target = h("select", { id: "queue-target", name: "target_id", required: true });
  const opens = h("input", { id: "queue-opens", name: "opens_at", type: "datetime-local", required: true });
  const rate = h("input", { id: "queue-rate", name: "rate_per_minute", type: "number", min: 0, max: 100000, value: 100, required: true });
  const minutes = h("input", { id: "queue-minutes", name: "admission_minutes", type: "number", min: 1, max: 240, value: 15 });
  const choices = { performance: [], event: [] };
  if (ctx.can("catalog", "read")) {
    const [performances, events] = await Promise.all([listAll("performances"), listAll("events")]).catch(() => [[], []]);
    // each performance on its venue's clock, naming the zone (the API answers the venue's zone)
    choices.performance = performances.map((p) => [p.id, `${p.code} · ${localTimeLabelled(p.starts_at, p.timezone)}`]);
    choices.event = events.map((e) => [e.id, e.name || e.code]);
  }
  const fillTargets = () => fill(target, choices[kind.value].map(([id, text]) => h("option", { value: id }, text)));
  kind.addEventListener("change", fillTargets);
  fillTargets();
  const form = h("form", { id: "queue-form", novalidate: true, "aria-label": "Put behind a queue" },
    h("div", { class: "row" }, field("Queue for", kind), field("Which", target)),
    h("div", { class: "row" },
      field(`Opens at (${view.clock.zone})`, opens, "Arrivals before this moment are drawn at random when it comes."),
      field("Buyers admitted per minute", rate), field("Admission lasts (minutes)", minutes)),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "queue-create" }, "Put behind a queue")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!checkRequired(form, view.problem)) return;
    whileBusy(form.querySelector("#queue-create"), async () => {
      clearErrors(view.problem, form);
      try {
        const queue = await api.post("/backoffice/queues", {
          target_kind: kind.value, target_id: target.value, opens_at: fromZoneInput(opens.value, view.clock.zone),
          rate_per_minute: Number(rate.value), admission_minutes: Number(minutes.value),
        });
        ctx.notify(`Queue ${queue.queue_id} created.`);
        view.selected = queue.queue_id;
        await refresh(view, ctx);
      } catch (error) {
        showError(view.problem, error, form);
      }
    });
  });
  return form;
}

function renderList(view, ctx, queues) {
  if (!queues.length) {
    fill(view.list, h("p", { class: "muted", id: "queue-none" }, "No performance is behind a queue."));
    return;
  }
  const rows = queues.map((q) => h("tr", { "data-queue": q.queue_id },
    h("td", {}, h("a", {
      href: "#/queue", onclick: (event) => { event.preventDefault(); view.selected = q.queue_id; showQueue(view, ctx, q.queue_id); },
    }, `${q.target_kind} ${q.target_id}`)),
    h("td", {}, q.status), h("td", { title: q.opens_at }, view.clock.at(q.opens_at)), h("td", { class: "num" }, String(q.rate_per_minute)),
    h("td", { class: "num" }, String(q.waiting)), h("td", { class: "num" }, String(q.admitted))));
  fill(view.list, h("table", { id: "queue-table", class: "counts" },
    h("thead", {}, h("tr", {}, ["Queue for", "Status", `Opens at (${view.clock.zone})`, "Rate / min", "Waiting", "Admitted"].map((t) => h("th", {}, t)))),
    h("tbody", {}, rows)));
}

async function showQueue(view, ctx, queueId) {
  let state;
  try {
    state = await api.get(`/backoffice/queues/${seg(queueId)}`);
  } catch (error) {
    if (!ctx.signal.aborted) showError(view.problem, error);
    return;
  }
  if (ctx.signal.aborted || view.selected !== queueId) return;
  const figures = h("dl", { id: "queue-figures", class: "figures" },
    h("dt", {}, "Status"), h("dd", { "data-field": "status" }, state.status),
    h("dt", {}, `Opens at (${view.clock.zone})`), h("dd", {}, view.clock.at(state.opens_at)),
    h("dt", {}, "Arrived before the opening"), h("dd", { "data-field": "early" }, String(state.early_arrivals ?? 0)),
    h("dt", {}, "Waiting"), h("dd", { "data-field": "waiting" }, String(state.waiting)),
    h("dt", {}, "Admitted"), h("dd", { "data-field": "admitted" }, String(state.admitted)));
  fill(view.detail, h("h2", {}, `Queue for ${state.target_kind} ${state.target_id}`), figures,
    ctx.can("queues", "modify") ? controls(view, ctx, state) : null, chart(state.history.slice(-CHART_MINUTES), view.clock));
  view.detail.hidden = false;
}

function controls(view, ctx, state) {
  const rate = h("input", { id: "queue-new-rate", type: "number", min: 0, max: 100000, value: state.rate_per_minute });
  const change = async (button, body, text) => whileBusy(button, async () => {
    clearErrors(view.problem);
    try {
      await api.patch(`/backoffice/queues/${seg(state.queue_id)}`, body);
      ctx.notify(text);
      await refresh(view, ctx);
    } catch (error) {
      showError(view.problem, error);
    }
  });
  const stopped = state.status === "stopped";
  return h("div", { class: "row", id: "queue-controls" },
    field("Buyers admitted per minute (0 pauses)", rate),
    h("div", { class: "buttons" },
      h("button", { type: "button", id: "queue-set-rate", class: "primary",
        onclick: (e) => change(e.currentTarget, { rate_per_minute: Number(rate.value) }, `Rate set to ${rate.value} a minute.`) },
      "Change rate"),
      h("button", { type: "button", id: "queue-toggle",
        onclick: (e) => change(e.currentTarget, { status: stopped ? "active" : "stopped" },
          stopped ? "Queue open again: holds need an admission." : "Queue stopped: holds need no admission.") },
      stopped ? "Open the queue again" : "Stop the queue")));
}

function s(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  for (const child of children.flat(Infinity)) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** Admitted per minute as bars, waiting as a line, over the last runs of the admitter. */
function chart(history, clock) {
  if (!history.length) return h("p", { class: "muted", id: "queue-chart-empty" }, "No admitter run yet.");
  const width = 760;
  const height = 200;
  const left = 40;
  const top = 24;
  const plot = height - top - 24;
  const step = (width - left - 10) / history.length;
  const most = Math.max(1, ...history.map((r) => Math.max(r.admitted, r.waiting)));
  const y = (value) => top + plot - (value / most) * plot;
  const bars = history.map((r, i) => s("rect", {
    class: "bar bar-ordered", x: left + i * step + 1, y: y(r.admitted), width: Math.max(1, step - 2),
    height: top + plot - y(r.admitted), "data-admitted": r.admitted,
  }, s("title", {}, `${clock.at(r.minute).slice(11, 16)} ${clock.zone}: ${r.admitted} admitted, ${r.waiting} waiting`)));
  const line = s("polyline", {
    class: "bar-placed", fill: "none", stroke: "#e67e22", "stroke-width": 2,
    points: history.map((r, i) => `${left + i * step + step / 2},${y(r.waiting)}`).join(" "),
  });
  const legend = s("text", { x: left, y: 14, class: "legend-text" }, `Bars: admitted per minute · line: waiting (max ${most})`);
  return h("figure", { id: "queue-chart" }, s("svg", {
    viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", class: "bar-chart", "data-testid": "queue-chart",
    "aria-label": "Admitted per minute and waiting, per admitter run",
  }, legend, bars, line));
}
