// Workflows screen: start a workflow now and read its latest runs: runs that changed nothing are
// folded into one line per hour with their count, and a switch shows the failures alone.

import { api, seg } from "./api.js";
import { errorBox, fill, h, showError, clearErrors, whileBusy } from "./dom.js";
import { organisationClock } from "./organisation-zone.js";
import { label } from "./rights.js";

const LIMIT = 200; // the API's most: a schedule every minute still shows its last hours
const REFRESH_AFTER_START_MS = 3000;

export default {
  id: "workflows",
  title: "Workflows",
  area: "workflows",
  async render(root, ctx) {
    // run times on the organisation's clock, never the browser's
    const [workflows, clock] = await Promise.all([api.get("/backoffice/workflows"), organisationClock()]);
    if (ctx.signal.aborted) return;
    const sections = workflows.map((workflow) => section(workflow, ctx, clock));
    fill(root, h("p", { class: "muted" }, "Background jobs: start one now, or check how its last runs went. ",
      `Times are in ${clock.zone}.`),
      sections.map((s) => s.node));
    await Promise.all(sections.map((s) => s.load()));
  },
};

function section(workflow, ctx, clock) {
  const { name } = workflow;
  const problem = errorBox(`workflow-error-${name}`);
  const status = h("p", { class: "status", id: `run-status-${name}`, role: "status" });
  const runs = h("div", { id: `runs-${name}`, class: "scroll", "data-testid": "runs" },
    h("p", { class: "muted" }, "Loading runs…"));

  const failuresOnly = h("input", {
    type: "checkbox", id: `failures-${name}`, "data-action": "failures", onchange: () => load(),
  });

  async function load() {
    try {
      const query = new URLSearchParams({ limit: String(LIMIT), ...(failuresOnly.checked ? { status: "failed" } : {}) });
      const list = await api.get(`/backoffice/workflows/${seg(name)}/runs?${query}`);
      if (!ctx.signal.aborted) renderRuns(runs, name, list, failuresOnly.checked, clock);
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
        status.textContent = `Started at ${clock.at(new Date().toISOString())} (${clock.zone}): ${answer.execution_arn}`;
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
    h("p", {}, h("label", { class: "check" }, failuresOnly, " Failures only")),
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
  const kind = { succeeded: "ok", failed: "bad", timed_out: "bad", aborted: "bad", running: "run" }[status.toLowerCase()] || "off";
  return h("span", { class: `badge ${kind}`, "data-testid": "status" }, label(status.toLowerCase()));
}

/** A run that succeeded with a summary of nothing but zeros, empty lists and falses changed nothing. */
function changedNothing(run) {
  const nothing = (value) => value === 0 || value === false || value === null || value === "" ||
    (Array.isArray(value) ? value.every(nothing) : typeof value === "object" && Object.values(value).every(nothing));
  return run.status.toLowerCase() === "succeeded" && nothing(run.summary || {});
}


/** The runs to show, in order: a run, or {quiet: [runs]} for the runs of one hour that changed nothing. */
function folded(list, clock) {
  const hourOf = (iso) => clock.at(iso).slice(0, 13); // "2026-05-28 14", the organisation's hour
  const lines = [];
  for (const run of list) {
    const last = lines[lines.length - 1];
    if (!changedNothing(run)) lines.push(run);
    else if (last?.quiet && hourOf(last.quiet[0].started_at) === hourOf(run.started_at)) last.quiet.push(run);
    else lines.push({ quiet: [run] });
  }
  return lines;
}

function quietRow(quiet, clock) {
  const newest = quiet[0];
  const oldest = quiet[quiet.length - 1];
  const runsText = quiet.length === 1 ? "1 run" : `${quiet.length} runs`;
  return h("tr", { class: "quiet", "data-quiet": quiet.length },
    h("td", { title: oldest.started_at }, clock.at(oldest.started_at)),
    h("td", { title: newest.finished_at }, clock.at(newest.finished_at)),
    h("td", { class: "num" }, ""),
    h("td", {}, badge("succeeded")),
    h("td", { colspan: 2, class: "muted" }, `${runsText} that changed nothing`));
}

function renderRuns(box, name, list, failuresOnly, clock) {
  if (!list.length) {
    return fill(box, h("p", { "data-testid": "no-runs" }, failuresOnly ? "No failed runs." : "No runs recorded yet."));
  }
  const head = h("tr", {}, [`Started (${clock.zone})`, `Finished (${clock.zone})`, "Duration", "Status", "Summary", "Error"]
    .map((t) => h("th", { scope: "col" }, t)));
  const rows = folded(list, clock).map((run) => run.quiet ? quietRow(run.quiet, clock) :
    h("tr", { "data-execution": run.execution },
      h("td", { title: run.started_at }, clock.at(run.started_at)),
      h("td", { title: run.finished_at }, clock.at(run.finished_at)),
      h("td", { class: "num" }, seconds(run)),
      h("td", {}, badge(run.status)),
      h("td", {}, summaryOf(run.summary)),
      h("td", { class: "error-cell" },
        run.error ? [h("strong", {}, run.error), run.cause ? h("div", {}, run.cause) : null] : "–")));
  fill(box, h("table", { id: `runs-table-${name}`, "data-testid": "runs-table" },
    h("caption", { class: "sr-only" }, `Runs of ${name}`), h("thead", {}, head), h("tbody", {}, rows)));
}
