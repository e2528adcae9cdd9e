// Ticket control screen: type or paste (or scan into) a ticket's barcode at the entrance; the answer
// shows big, and the field is ready for the next ticket. Every scan is recorded by the server.

import { api } from "./api.js";
import { listAll } from "./crud.js";
import { clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { organisationClock } from "./organisation-zone.js";
import { localTimeLabelled } from "./time-zones.js";

const RECENT = 10;
const RESULTS = {
  valid: ["ok", "Valid: let them in"],
  already_used: ["bad", "Already used"],
  cancelled: ["bad", "Cancelled ticket"],
  wrong_performance: ["bad", "Not for this performance"],
  unknown: ["bad", "Unknown barcode"],
};

export default {
  id: "ticket-control",
  title: "Ticket control",
  area: "ticket_control",
  async render(root, ctx) {
    if (!ctx.can("ticket_control", "execute")) {
      fill(root, h("p", { id: "scan-forbidden" },
        "Controlling tickets needs the right to execute ticket control, which your roles do not give."));
      return;
    }
    const clock = await organisationClock(); // scan times on the organisation's clock, never the browser's
    if (ctx.signal.aborted) return;
    const problem = errorBox("scan-error");
    const result = h("section", { id: "scan-result", class: "scan-result", "aria-live": "assertive", hidden: true });
    const recent = h("ol", { id: "scan-recent", class: "history" });
    const barcode = h("input", {
      id: "scan-barcode", name: "barcode", required: true, maxlength: 200, autocomplete: "off", spellcheck: "false",
      class: "scan-input", placeholder: "Scan or type the barcode",
    });
    const performance = h("select", { id: "scan-performance", name: "performance_id" },
      h("option", { value: "" }, "— any performance —"));
    const gate = h("input", { id: "scan-gate", name: "gate", maxlength: 40, autocomplete: "off" });
    const form = h("form", { id: "scan-form", novalidate: true, "aria-label": "Control a ticket" },
      h("div", { class: "row" },
        field("Performance", performance, "A ticket of another performance is refused."),
        field("Gate", gate)),
      field("Barcode", barcode),
      h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "scan-submit" }, "Check")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!barcode.value.trim()) return barcode.focus();
      whileBusy(form.querySelector("#scan-submit"), () => scan());
    });

    async function scan() {
      clearErrors(problem, form);
      const body = { barcode: barcode.value.trim() };
      if (performance.value) body.performance_id = performance.value;
      if (gate.value.trim()) body.gate = gate.value.trim();
      try {
        const answer = await api.post("/backoffice/ticket-control/scan", body);
        if (ctx.signal.aborted) return;
        show(answer);
        barcode.value = "";
      } catch (error) {
        if (!ctx.signal.aborted) showError(problem, error, form);
      }
      barcode.focus();
    }

    function show(answer) {
      const [kind, text] = RESULTS[answer.result] || ["bad", answer.result];
      const details = [
        answer.place, answer.holder,
        answer.used_at ? `${answer.result === "valid" ? "admitted" : "used"} at ${clock.at(answer.used_at)} (${clock.zone})` : null,
        answer.order_id ? `order ${answer.order_id}` : null,
      ].filter(Boolean).join(" · ");
      result.className = `scan-result ${kind}`;
      result.dataset.result = answer.result;
      fill(result, h("p", { class: "scan-verdict", "data-testid": "scan-verdict" }, text), details ? h("p", {}, details) : null);
      result.hidden = false;
      recent.prepend(h("li", { "data-result": answer.result },
        h("time", { class: "muted", title: clock.zone }, clock.at(new Date().toISOString()).slice(11)), " ", h("strong", {}, text),
        details ? ` · ${details}` : ""));
      while (recent.children.length > RECENT) recent.lastChild.remove();
    }

    fill(root, problem, form, result, h("h2", {}, `Last scans (${clock.zone})`), recent);
    barcode.focus();
    if (ctx.can("catalog", "read")) {
      const performances = await listAll("performances").catch(() => []);
      if (ctx.signal.aborted) return;
      // each performance on its venue's clock, naming the zone (the API answers the venue's zone)
      performance.append(...performances.sort((a, b) => new Date(a.starts_at) - new Date(b.starts_at))
        .map((p) => h("option", { value: p.id }, `${p.code} · ${localTimeLabelled(p.starts_at, p.timezone)}`)));
    }
  },
};
