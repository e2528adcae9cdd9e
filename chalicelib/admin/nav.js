// The main menu: screens grouped by task in collapsible groups; on a narrow screen, behind a Menu button.

import { h, fill } from "./dom.js";
import { GROUPS, SCREENS } from "./screens.js";

const CLOSED_KEY = "guichet.closed-menu-groups"; // the groups an operator folded, remembered
const PHONE = window.matchMedia("(max-width: 700px)");

function closedGroups() {
  try {
    return new Set(JSON.parse(localStorage.getItem(CLOSED_KEY) || "[]"));
  } catch {
    return new Set();
  }
}

function remember(group, open) {
  const closed = closedGroups();
  if (open) closed.delete(group);
  else closed.add(group);
  localStorage.setItem(CLOSED_KEY, JSON.stringify([...closed]));
}

const link = (screen) => h("li", {}, h("a", { href: `#/${screen.id}`, "data-nav": screen.id }, screen.title));

function group(key, screens, closed) {
  const details = h("details", { class: "nav-group", "data-group": key, open: !closed.has(key) },
    h("summary", {}, GROUPS[key]), h("ul", {}, screens.map(link)));
  details.addEventListener("toggle", () => remember(key, details.open));
  return h("li", {}, details);
}

/** Fill the menu with the screens `visible` accepts, grouped by task. */
export function renderMenu(visible) {
  const shown = SCREENS.filter(visible);
  const closed = closedGroups();
  const loose = shown.filter((screen) => !screen.group).map(link);
  const groups = Object.keys(GROUPS)
    .map((key) => [key, shown.filter((screen) => screen.group === key)])
    .filter(([, screens]) => screens.length)
    .map(([key, screens]) => group(key, screens, closed));
  fill(document.getElementById("nav-list"), loose, groups);
}

/** Mark the current screen's link, open its group, and fold the phone menu away. */
export function markCurrent(id) {
  for (const node of document.querySelectorAll("[data-nav]")) {
    if (node.dataset.nav === id) {
      node.setAttribute("aria-current", "page");
      const details = node.closest("details");
      if (details) details.open = true;
    } else {
      node.removeAttribute("aria-current");
    }
  }
  showMenu(false);
}

function showMenu(open) {
  const toggle = document.getElementById("nav-toggle");
  toggle.setAttribute("aria-expanded", String(open));
  document.getElementById("nav").classList.toggle("open", open);
}

export function setUpMenu() {
  const toggle = document.getElementById("nav-toggle");
  toggle.addEventListener("click", () => showMenu(toggle.getAttribute("aria-expanded") !== "true"));
  PHONE.addEventListener("change", () => showMenu(false));
}
