// Workflows screen: start a workflow now and read its latest runs.

import { api, seg } from "./api.js";
import { errorBox, fill, formatTime, h, showError, clearErrors, whileBusy } from "./dom.js";

const LIMIT = 50;
const REFRESH_AFTER_START_MS = 3000;

export default {
  id: "workflows",
  title: "Workflows",
  area: "workflows",
  async render(root, ctx) {
    const workflows = await api.get("/backoffice/workflows");
    if (ctx.signal.aborted) return;
    const sections = workflows.map((workflow) => section(workflow, ctx));
    fill(root, h("p", { class: "muted" }, "Background jobs: start one now, or check how its last runs went."),
      sections.map((s) => s.node));
    await Promise.all(sections.map((s) => s.load()));
  },
};

function section(workflow, ctx) {
  const { name } = workflow;
  const problem = errorBox(`workflow-error-${name}`);
  const status = h("p", { class: "status", id: `run-status-${name}`, role: "status" });
  const runs = h("div", { id: `runs-${name}`, class: "scroll", "data-testid": "runs" },
    h("p", { class: "muted" }, "Loading runs…"));

  async function load() {
    try {
      const list = await api.get(`/backoffice/workflows/${seg(name)}/runs?limit=${LIMIT}`);
      if (!ctx.signal.aborted) renderRuns(runs, name, list);
    } catch (error) {
      if (!ctx.signal.aborted) {
        fill(runs);
        showError(problem, error);
      }
    }
  }

  async function start(button) {
    clearErrors(problem);
    await whileBusy(button, async () => {
      try {
        const answer = await api.post(`/backoffice/workflows/${seg(name)}/executions`);
        status.textContent = `Started at ${formatTime(new Date())}: ${answer.execution_arn}`;
        ctx.notify(`${workflow.title} started.`);
        setTimeout(() => { if (!ctx.signal.aborted) load(); }, REFRESH_AFTER_START_MS);
      } catch (error) {
        showError(problem, error);
      }
    });
  }

  const buttons = h("div", { class: "buttons" },
    ctx.can("workflows", "execute") && workflow.manual_start ? h("button", {
      type: "button", class: "primary", id: `run-${name}`, "data-action": "run",
      onclick: (event) => start(event.currentTarget),
    }, "Run now") : null,
    h("button", {
      type: "button", id: `refresh-${name}`, "data-action": "refresh",
      onclick: (event) => whileBusy(event.currentTarget, () => { clearErrors(problem); return load(); }),
    }, "Refresh"));
  const node = h("section", { class: "card", "data-workflow": name, "aria-labelledby": `wf-title-${name}` },
    h("h2", { id: `wf-title-${name}` }, workflow.title, " ", h("code", { class: "muted" }, name)),
    h("p", {}, workflow.description, " ", schedulesOf(workflow)),
    buttons, status, problem,
    h("h3", {}, `Latest runs (up to ${LIMIT}, newest first)`),
    runs);
  return { node, load };
}

function schedulesOf(workflow) {
  if (!workflow.schedules.length) return "It has no schedule.";
  return `Scheduled: ${workflow.schedules.map((s) => s.expression).join(", ")}.`;
}

function seconds(run) {
  const ms = new Date(run.finished_at) - new Date(run.started_at);
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : "";
}

function summaryOf(summary) {
  const entries = Object.entries(summary || {});
  if (!entries.length) return "–";
  const text = (value) => (typeof value === "object" ? JSON.stringify(value) : String(value));
  return h("dl", { class: "pairs" }, entries.map(([key, value]) =>
    [h("dt", {}, key.replaceAll("_", " ")), h("dd", {}, text(value))]));
}

function badge(status) {
  const kind = { SUCCEEDED: "ok", FAILED: "bad", TIMED_OUT: "bad", ABORTED: "bad", RUNNING: "run" }[status] || "off";
  return h("span", { class: `badge ${kind}`, "data-testid": "status" }, status);
}

function renderRuns(box, name, list) {
  if (!list.length) return fill(box, h("p", { "data-testid": "no-runs" }, "No runs recorded yet."));
  const head = h("tr", {}, ["Started", "Finished", "Duration", "Status", "Summary", "Error"]
    .map((t) => h("th", { scope: "col" }, t)));
  const rows = list.map((run) =>
    h("tr", { "data-execution": run.execution },
      h("td", { title: run.started_at }, formatTime(run.started_at)),
      h("td", { title: run.finished_at }, formatTime(run.finished_at)),
      h("td", { class: "num" }, seconds(run)),
      h("td", {}, badge(run.status)),
      h("td", {}, summaryOf(run.summary)),
      h("td", { class: "error-cell" },
        run.error ? [h("strong", {}, run.error), run.cause ? h("div", {}, run.cause) : null] : "–")));
  fill(box, h("table", { id: `runs-table-${name}`, "data-testid": "runs-table" },
    h("caption", { class: "sr-only" }, `Runs of ${name}`), h("thead", {}, head), h("tbody", {}, rows)));
}
