// A warning before leaving a changed form: another screen, a reload or closing the tab asks first.
// Search and filter forms (role="search", or an id ending in -search or -filters) are never guarded:
// leaving them loses nothing.

import { confirmAction } from "./dom.js";

const UNGUARDED = "[role=search], [id$=-search], [id$=-filters]";
let changed = null; // the form typed into and not submitted since

function isChanged() {
  return changed !== null && changed.isConnected; // a form closed or re-drawn has nothing left to lose
}

/** Watch the forms inside `root`. */
export function guardForms(root) {
  root.addEventListener("input", (event) => {
    const form = event.target.closest?.("form");
    if (form && !form.matches(UNGUARDED)) changed = form;
  });
  root.addEventListener("submit", (event) => {
    if (event.target === changed) changed = null;
  }, true);
  window.addEventListener("beforeunload", (event) => {
    if (isChanged()) event.preventDefault();
  });
}

/** True when nothing is lost by leaving, or the operator agrees to lose the changes. */
export async function leaveChangedForm() {
  if (!isChanged()) return true;
  const leave = await confirmAction("This form has changes that are not saved. Leave it and lose them?", "Leave");
  if (leave) changed = null;
  else changed.querySelector("[aria-invalid=true], input, select, textarea")?.focus();
  return leave;
}
