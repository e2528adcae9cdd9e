// The registry of admin screens, in menu order. To add a screen, write a views-<name>.js module
// and add one line here; admin.js builds the menu and the #/<id> route from this list.
//
// A screen module's default export:
//   id      route (#/<id>), menu link [data-nav=<id>], #screen[data-screen=<id>]
//   title   menu label and the screen's heading
//   area    rights area whose "read" right shows the menu entry and opens the screen; null: everyone
//   render(root, ctx)  fills `root` (may be async); ctx = {operator, can(area, action), signal,
//                      showError(error), clearError(), notify(text), navigate(id)}
//   signal is aborted when the operator leaves the screen: stop timers and ignore late answers then.

import activities from "./views-activities.js";
import audiences from "./views-audiences.js";
import customers from "./views-customers.js";
import emails from "./views-emails.js";
import events from "./views-events.js";
import giftVouchers from "./views-gift-vouchers.js";
import home from "./views-home.js";
import operators from "./views-operators.js";
import optionReport from "./views-option-report.js";
import optionSettings from "./views-option-settings.js";
import options from "./views-options.js";
import orders from "./views-orders.js";
import plans from "./views-plans.js";
import pointsOfSale from "./views-points-of-sale.js";
import priceGrids from "./views-price-grids.js";
import quotas from "./views-quotas.js";
import queue from "./views-queue.js";
import roles from "./views-roles.js";
import salesChannels from "./views-sales-channels.js";
import seasons from "./views-seasons.js";
import seatCategories from "./views-seat-categories.js";
import ticketControl from "./views-ticket-control.js";
import venues from "./views-venues.js";
import workflows from "./views-workflows.js";

export const SCREENS = [
  home,
  orders,
  options,
  optionReport,
  ticketControl,
  giftVouchers,
  events,
  seasons,
  activities,
  venues,
  plans,
  seatCategories,
  quotas,
  priceGrids,
  audiences,
  salesChannels,
  pointsOfSale,
  customers,
  optionSettings,
  operators,
  roles,
  workflows,
  emails,
  queue,
];
