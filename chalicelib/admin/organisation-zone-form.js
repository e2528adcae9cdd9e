// The organisation's time zone, shown (and changed with catalog:modify) above the venues: a new venue's
// default, and the clock of times tied to no venue (orders, emails, queue, scans, runs, the outbox).

import { api } from "./api.js";
import { clearErrors, errorBox, field, fill, h, showError, whileBusy } from "./dom.js";
import { forgetOrganisationZone } from "./organisation-zone.js";

const PATH = "/backoffice/organisation/time-zone";

/** Fill `box` with the organisation's zone and, for an operator who may change it, a form. */
export async function renderOrganisationZone(box, ctx) {
  const problem = errorBox("organisation-zone-error");
  let current;
  try {
    current = await api.get(PATH);
  } catch (error) {
    if (!ctx.signal.aborted) {
      fill(box, problem);
      showError(problem, error);
    }
    return;
  }
  if (ctx.signal.aborted) return;
  const heading = h("h2", { id: "organisation-zone-title" }, "Organisation time zone");
  const about = h("p", { class: "muted" }, "A new venue that names no zone is in this one; order, email, queue, scan, ",
    "workflow and outbox times are shown in it.");
  if (!ctx.can("catalog", "modify")) {
    fill(box, heading, about, h("p", { id: "organisation-zone" }, h("strong", {}, current.timezone)));
    return;
  }
  const input = h("input", {
    id: "organisation-timezone", name: "timezone", required: true, maxlength: 64, autocomplete: "off",
    spellcheck: "false", list: "organisation-zones", value: current.timezone,
  });
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const form = h("form", { id: "organisation-zone-form", novalidate: true, "aria-labelledby": "organisation-zone-title" },
    h("div", { class: "row" }, field("Time zone", input, "Its IANA name, e.g. Europe/Paris or America/New_York.")),
    h("datalist", { id: "organisation-zones" }, known.map((zone) => h("option", { value: zone }))),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary", id: "organisation-zone-save" }, "Save")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    whileBusy(form.querySelector("#organisation-zone-save"), async () => {
      clearErrors(problem, form);
      const version = current.version ? `?version=${current.version}` : "";
      try {
        current = await api.put(`${PATH}${version}`, { timezone: input.value.trim() });
        forgetOrganisationZone();
        input.value = current.timezone;
        ctx.notify(`The organisation's time zone is now ${current.timezone}.`);
      } catch (error) {
        showError(problem, error, form);
      }
    });
  });
  fill(box, heading, about, problem, form);
}
