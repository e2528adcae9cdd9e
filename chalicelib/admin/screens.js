// The registry of admin screens, in menu order and grouped by task. To add a screen, write a
// views-<name>.js module and add one line here; admin.js builds the menu and the #/<id> route from
// this list, and loads a screen's module only when the screen is first opened.
//
// An entry: id (route #/<id>, menu link [data-nav=<id>], #screen[data-screen=<id>]), title (menu
// label and heading), area (rights area whose "read" right shows the entry; null: everyone),
// group (a key of GROUPS; none: above the groups) and load() (the module, imported on demand).
//
// A screen module's default export has render(root, ctx), which fills `root` (may be async);
// ctx = {operator, can(area, action), signal, showError(error), clearError(), notify(text),
//        navigate(id), setTitle(...parts)}.
// signal is aborted when the operator leaves the screen: stop timers and ignore late answers then.

export const GROUPS = {
  sales: "Sales",
  catalog: "Catalog",
  distribution: "Distribution",
  customers: "Customers",
  offers: "Advantages & codes",
  administration: "Administration",
};

export const SCREENS = [
  { id: "home", title: "Home", area: null, load: () => import("./views-home.js") },
  { id: "orders", title: "Orders", area: "orders", group: "sales", load: () => import("./views-orders.js") },
  { id: "carts", title: "Carts", area: "orders", group: "sales", load: () => import("./views-cart.js") },
  { id: "options", title: "Options", area: "options", group: "sales", load: () => import("./views-options.js") },
  { id: "option-report", title: "Option report", area: "options", group: "sales", load: () => import("./views-option-report.js") },
  { id: "reports", title: "Reports", area: "reports", group: "sales", load: () => import("./views-reports.js") },
  { id: "producer-space", title: "Producer space", area: "reports", group: "sales", load: () => import("./views-producer-space.js") },
  { id: "ticket-control", title: "Ticket control", area: "ticket_control", group: "sales", load: () => import("./views-ticket-control.js") },
  { id: "deferred-accounts", title: "Deferred accounts", area: "orders", group: "sales", load: () => import("./views-deferred-accounts.js") },
  { id: "gift-vouchers", title: "Gift vouchers", area: "orders", group: "sales", load: () => import("./views-gift-vouchers.js") },
  { id: "waiting-lists", title: "Waiting lists", area: "orders", group: "sales", load: () => import("./views-waiting-lists.js") },
  { id: "queue", title: "Queue", area: "queues", group: "sales", load: () => import("./views-queue.js") },
  { id: "events", title: "Events", area: "catalog", group: "catalog", load: () => import("./views-events.js") },
  { id: "season-tickets", title: "Season tickets", area: "season_tickets", group: "catalog", load: () => import("./views-season-tickets.js") },
  { id: "seasons", title: "Seasons", area: "catalog", group: "catalog", load: () => import("./views-seasons.js") },
  { id: "activities", title: "Activities", area: "catalog", group: "catalog", load: () => import("./views-activities.js") },
  { id: "venues", title: "Venues & halls", area: "catalog", group: "catalog", load: () => import("./views-venues.js") },
  { id: "seating-plans", title: "Seating plans", area: "catalog", group: "catalog", load: () => import("./views-plans.js") },
  { id: "seat-categories", title: "Seat categories", area: "catalog", group: "catalog", load: () => import("./views-seat-categories.js") },
  { id: "quotas", title: "Quotas", area: "catalog", group: "catalog", load: () => import("./views-quotas.js") },
  { id: "price-grids", title: "Price grids", area: "catalog", group: "catalog", load: () => import("./views-price-grids.js") },
  { id: "audiences", title: "Audience categories", area: "catalog", group: "catalog", load: () => import("./views-audiences.js") },
  { id: "sales-channels", title: "Sales channels", area: "catalog", group: "distribution", load: () => import("./views-sales-channels.js") },
  { id: "distributors", title: "Distributors", area: "distributors", group: "distribution", load: () => import("./views-distributors.js") },
  { id: "points-of-sale", title: "Points of sale", area: "catalog", group: "distribution", load: () => import("./views-points-of-sale.js") },
  { id: "customers", title: "Customers", area: "contacts", group: "customers", load: () => import("./views-customers.js") },
  { id: "company-accounts", title: "Company accounts", area: "contacts", group: "customers", load: () => import("./views-company-accounts.js") },
  { id: "indicators", title: "Indicators", area: "contacts", group: "customers", load: () => import("./views-indicators.js") },
  { id: "target-lists", title: "Target lists", area: "contacts", group: "customers", load: () => import("./views-target-lists.js") },
  { id: "emails", title: "Email outbox", area: "orders", group: "customers", load: () => import("./views-emails.js") },
  { id: "advantages", title: "Advantages", area: "advantages", group: "offers", load: () => import("./views-advantages.js") },
  { id: "promo-codes", title: "Promo codes", area: "advantages", group: "offers", load: () => import("./views-promo-codes.js") },
  { id: "single-use-codes", title: "Single-use codes", area: "advantages", group: "offers", load: () => import("./views-single-use-codes.js") },
  { id: "option-settings", title: "Option settings", area: "options", group: "administration", load: () => import("./views-option-settings.js") },
  { id: "outbox", title: "Outbox", area: "orders", group: "administration", load: () => import("./views-outbox.js") },
  { id: "operators", title: "Operators", area: "operators", group: "administration", load: () => import("./views-operators.js") },
  { id: "roles", title: "Roles", area: "operators", group: "administration", load: () => import("./views-roles.js") },
  { id: "workflows", title: "Workflows", area: "workflows", group: "administration", load: () => import("./views-workflows.js") },
];
