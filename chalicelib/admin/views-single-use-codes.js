// Single-use codes screen (#/single-use-codes?advantage=<id>): pick an advantage whose target is
// single-use codes, then generate, import, download and send its codes (codes-generate.js), follow
// them on the dashboard (codes-dashboard.js) and track or revoke them (codes-tracking.js).

import { api } from "./api.js";
import { listAll, refCache } from "./crud.js";
import { errorBox, field, fill, h } from "./dom.js";
import { listIn, stateBadge } from "./advantages-common.js";
import { dashboardPanel } from "./codes-dashboard.js";
import { generatePanel } from "./codes-generate.js";
import { trackingPanel } from "./codes-tracking.js";

const ID = "single-use-codes";

function chosenInHash() {
  return new URLSearchParams(location.hash.split("?")[1] || "").get("advantage") || "";
}

export default {
  id: ID,
  title: "Single-use codes",
  area: "advantages",
  async render(root, ctx) {
    const cache = refCache();
    const [answer, seasons, contacts] = await Promise.all([
      api.get("/backoffice/advantages"),
      cache.list("seasons").catch(() => []),
      // Contacts need the contacts:read right: without it the contact is typed as an id.
      listAll("contacts").catch(() => null),
    ]);
    if (ctx.signal.aborted) return;
    const advantages = listIn(answer, "advantages").filter((a) => a.target?.type === "single_use_codes");
    const problem = errorBox("codes-error");
    const picker = h("select", { id: "codes-advantage", name: "advantage" },
      h("option", { value: "" }, "— choose an advantage —"),
      advantages.map((a) => h("option", { value: a.advantage_id }, `${a.public_name} (${a.state.replace("_", " ")})`)));
    picker.value = advantages.some((a) => a.advantage_id === chosenInHash()) ? chosenInHash() : (advantages.length === 1 ? advantages[0].advantage_id : "");
    const head = h("p", { id: "codes-advantage-state" });
    const work = h("div", { id: "codes-work" });
    const dashboard = dashboardPanel(ctx, { seasons, contacts, advantages, advantageId: picker.value });

    async function show() {
      const advantage = advantages.find((a) => a.advantage_id === picker.value);
      history.replaceState(null, "", `#/${ID}${advantage ? `?advantage=${encodeURIComponent(advantage.advantage_id)}` : ""}`);
      if (!advantage) {
        fill(head);
        return fill(work);
      }
      fill(head, stateBadge(advantage.state),
        advantage.state === "draft" ? " Its codes can be prepared now; customers can use them once it is in operation." : null,
        advantage.state === "closed" ? " It is closed: its codes can no longer be used." : null);
      const tracking = trackingPanel(ctx, advantage, contacts, { onChange: () => dashboard.load() });
      const onChange = () => Promise.all([tracking.load(), dashboard.load()]);
      const parts = [
        ctx.can("advantages", "execute") && advantage.state !== "closed" ? generatePanel(ctx, advantage, contacts, { onChange }) : null,
        tracking,
      ].filter(Boolean);
      fill(work, parts.map((part) => part.node));
      await Promise.all(parts.map((part) => part.load()));
    }

    picker.addEventListener("change", () => show().catch((error) => ctx.showError(error)));
    fill(root,
      h("p", { class: "muted" }, "Codes used exactly once, for an advantage whose target is single-use codes: generate them " +
        "for a company or partner, send them, and follow them from issued to scanned at the door."),
      problem,
      advantages.length
        ? h("div", { class: "row" }, field("Advantage", picker))
        : h("p", { "data-testid": "empty" }, "No advantage targets single-use codes yet: set one up on the ",
          h("a", { href: "#/advantages" }, "Advantages"), " screen."),
      head,
      work,
      dashboard.node);
    await Promise.all([show(), dashboard.load()]);
  },
};
