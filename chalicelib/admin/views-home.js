// Home screen: a welcome, and the logged-in operator's roles and rights (area x action).

import { h, fill } from "./dom.js";
import { rightsTable } from "./rights.js";

export default {
  id: "home",
  title: "Home",
  area: null,
  render(root, ctx) {
    const me = ctx.operator;
    const roles = me.roles.length ? me.roles.join(", ") : "none";
    fill(root,
      h("p", { class: "lead", id: "welcome" }, `Welcome, ${me.name}.`),
      h("p", {}, "You are logged in to organisation ", h("strong", {}, me.org_id), " as ",
        h("strong", {}, me.login), `. Your roles: ${roles}.`),
      h("h2", {}, "Your rights"),
      h("p", { class: "muted" }, "What you may do in each area of the back office."),
      rightsTable(me.rights, { id: "rights-table" }));
  },
};
