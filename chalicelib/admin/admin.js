// The admin page shell: log in and out, restore the session, header and menu, hash routing.

import { api, session, whenUnauthorized } from "./api.js";
import { checkRequired, clearErrors, errorBox, fill, h, notify, showError, whileBusy } from "./dom.js";
import { cardTables } from "./cards.js";
import { guardForms, leaveChangedForm } from "./guard.js";
import { markCurrent, renderMenu, setUpMenu } from "./nav.js";
import { can, setCatalogue } from "./rights.js";
import { SCREENS } from "./screens.js";

const $ = (id) => document.getElementById(id);
const HOME = "home";
// Only the organisation is remembered across visits, to prefill the form; the token stays in sessionStorage.
const ORG_KEY = "guichet.org";

let operator = null;
let shown = null; // AbortController of the screen on show, aborted when it is left

function showOnly(view) {
  for (const id of ["loading", "login-view", "app"]) $(id).hidden = id !== view;
}

function showLogin(problem) {
  operator = null;
  shown?.abort();
  fill($("screen"));
  fill($("nav-list"));
  $("whoami").textContent = "";
  $("password").value = "";
  document.title = "Log in · guichet";
  showOnly("login-view");
  clearErrors($("login-error"), $("login-form"));
  if (problem) showError($("login-error"), problem, $("login-form"));
  ($("org").value ? ($("login").value ? $("password") : $("login")) : $("org")).focus();
}

function endSession(problem) {
  session.clear();
  showLogin(problem);
}

function canRead(screen) {
  return !screen.area || can(operator.rights, screen.area, "read");
}

function renderHeader() {
  fill($("whoami"),
    h("span", { class: "who-name", "data-testid": "whoami-name" }, operator.name),
    " ", h("span", { class: "who-login", "data-testid": "whoami-login" }, `(${operator.login})`),
    " · ", h("span", { class: "who-org", "data-testid": "whoami-org" }, operator.org_id));
  renderMenu(canRead);
}

async function startSession(me) {
  setCatalogue(await api.get("/backoffice/rights"));
  operator = me;
  $("notice").hidden = true;
  renderHeader();
  showOnly("app");
  if (!routeId()) history.replaceState(null, "", `#/${HOME}`);
  route();
}

function routeId() {
  const match = location.hash.match(/^#\/([\w-]+)/);
  return match ? match[1] : "";
}

function heading(text) {
  return h("h1", { id: "screen-title", tabindex: "-1" }, text);
}

/** "Stock · Cyrano · 9 Dec 20:00": the screen's heading and the tab's title say where the operator is. */
function setTitle(...parts) {
  const text = parts.filter(Boolean).join(" · ");
  const title = $("screen-title");
  if (title) title.textContent = text;
  document.title = `${text} · guichet`;
}

let shownHash = location.hash;

async function route() {
  if (!operator) return;
  if (location.hash !== shownHash && !(await leaveChangedForm())) {
    history.replaceState(null, "", shownHash); // the operator chose to stay on the changed form
    return;
  }
  shownHash = location.hash;
  shown?.abort();
  const controller = new AbortController();
  shown = controller;
  const id = routeId() || HOME;
  const screen = SCREENS.find((s) => s.id === id);
  markCurrent(id);
  const root = $("screen");
  const problem = errorBox("screen-error");
  const body = h("div", { id: "screen-body" }, h("p", { class: "muted" }, "Loading…"));
  root.dataset.screen = id;
  root.setAttribute("aria-busy", "true");
  if (!screen) {
    fill(root, heading("Page not found"),
      h("p", { "data-testid": "not-found" }, "There is no screen here. ", h("a", { href: `#/${HOME}` }, "Go home")));
  } else if (!canRead(screen)) {
    fill(root, heading(screen.title),
      h("p", { class: "error", "data-testid": "forbidden" },
        `You do not have the right to see this screen (${screen.area}: read).`));
  } else {
    fill(root, heading(screen.title), problem, body);
  }
  document.title = `${screen ? screen.title : "Not found"} · guichet`;
  $("screen-title").focus();
  if (screen && canRead(screen)) await renderScreen(screen, body, problem, controller);
  if (shown === controller) root.setAttribute("aria-busy", "false");
}

async function renderScreen(screen, body, problem, controller) {
  const ctx = {
    operator,
    can: (area, action) => can(operator.rights, area, action),
    signal: controller.signal,
    showError: (error) => {
      showError(problem, error);
      problem.scrollIntoView({ block: "nearest" });
    },
    clearError: () => clearErrors(problem),
    notify,
    navigate: (id) => { location.hash = `#/${id}`; },
    setTitle: (...parts) => { if (!controller.signal.aborted) setTitle(...parts); },
  };
  try {
    // An entry is loaded on demand (load()); one listed as a module's own export renders as it is.
    const view = screen.load ? (await screen.load()).default : screen;
    if (controller.signal.aborted) return;
    await view.render(body, ctx);
  } catch (error) {
    if (controller.signal.aborted) return;
    console.error(error);
    fill(body);
    showError(problem, error?.status !== undefined ? error : { message: `This screen failed: ${error}` });
  }
}

async function logIn(event) {
  event.preventDefault();
  const form = $("login-form");
  if (!checkRequired(form, $("login-error"))) return;
  await whileBusy($("login-submit"), async () => {
    try {
      const answer = await api.logIn($("org").value, $("login").value, $("password").value);
      session.save(answer.token);
      localStorage.setItem(ORG_KEY, answer.operator.org_id);
      $("password").value = "";
      await startSession(answer.operator);
    } catch (error) {
      showError($("login-error"), error, form);
      if (error.code === "invalid_credentials") {
        $("password").value = "";
        $("password").focus();
      }
    }
  });
}

function sessionEnded(error) {
  return { message: `Your session has ended; please log in again. (${error.message})` };
}

async function restore() {
  if (!session.token) return showLogin();
  try {
    await startSession(await api.get("/backoffice/me"));
  } catch (error) {
    if (error.status === 401) endSession(sessionEnded(error));
    else showLogin(error);
  }
}

function boot() {
  whenUnauthorized((error) => {
    // Parallel calls of one screen may all answer 401: end the session once.
    if (operator) endSession(sessionEnded(error));
  });
  $("org").value = localStorage.getItem(ORG_KEY) || "";
  $("login-form").addEventListener("submit", logIn);
  $("logout").addEventListener("click", async () => {
    await api.logOut().catch(() => {}); // an expired session is over anyway
    endSession();
    history.replaceState(null, "", location.pathname + location.search);
    notify("You are logged out.");
  });
  $("skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    $("screen-title")?.focus();
  });
  window.addEventListener("hashchange", route);
  setUpMenu();
  guardForms($("screen"));
  cardTables($("screen"));
  restore();
}

boot();
