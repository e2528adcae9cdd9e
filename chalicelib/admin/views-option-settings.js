// Option settings screen: option limitation tables (caps per company type) and seat option profiles
// (what a sales channel's customers may request as options, and when). Both are catalog kinds with the
// options rights; the season, activity and seat category option switches are on their own screens.

import { crudSection, refCache } from "./crud.js";
import { fill, h } from "./dom.js";

/**
 * A screen of crud.js sections whose kinds need the rights of `area` (crud.js asks for catalog rights):
 * the sections are given a ctx that reads "catalog" as `area`. `sections(ctx)` -> kind specs.
 */
export function areaScreen({ id, title, area, intro, sections }) {
  return {
    id,
    title,
    area,
    async render(root, ctx) {
      const scoped = { ...ctx, can: (wanted, action) => ctx.can(wanted === "catalog" ? area : wanted, action) };
      const cache = refCache();
      const specs = sections(ctx);
      const parts = specs.map((spec) => crudSection(scoped, specs.length === 1 ? { heading: false, ...spec } : spec, cache));
      fill(root, intro ? h("p", { class: "muted" }, intro) : null, parts.map((part) => part.node));
      await Promise.all(parts.map((part) => part.load()));
    },
  };
}

const EVERY = "None chosen: every one.";

export default areaScreen({
  id: "option-settings",
  title: "Option settings",
  area: "options",
  intro: "Who may ask for options, how many places, and when. Options must also be allowed by the season, " +
    "the activity (Activities screen) and the seat category (Seat categories screen).",
  sections: () => [
    {
      plural: "option-limitations",
      noun: "option limitation table",
      title: "Option limitation tables",
      intro: "Caps on the places customers of some company types (works councils, schools…) may hold in options.",
      columns: ["code", "name", "company_type_ids", "max_places_per_option", "max_places_per_performance"],
      fields: [
        { name: "code", required: true, maxlength: 32 },
        { name: "name", required: true },
        { name: "company_type_ids", label: "Company types", type: "refs", kind: "company-types", required: true },
        {
          name: "max_places_per_option", label: "Most places per option", type: "int", min: 1, max: 100000,
          nullable: true, hint: "Empty: no cap.",
        },
        {
          name: "max_places_per_performance", label: "Most places per performance", type: "int", min: 1, max: 100000,
          nullable: true, hint: "All of one company's options on a performance. Empty: no cap.",
        },
      ],
    },
    {
      plural: "seat-option-profiles",
      noun: "seat option profile",
      title: "Seat option profiles",
      intro: "What a sales channel's customers may request as seat options between two dates. Profiles apply " +
        "to customers' requests only, never to an operator's placement.",
      columns: ["code", "name", "channel_ids", "starts_on", "ends_on", "minimum_quantity", "validated"],
      fields: [
        { name: "code", required: true, maxlength: 32 },
        { name: "name", required: true },
        { name: "channel_ids", label: "Sales channels", type: "refs", kind: "sales-channels", required: true },
        { name: "starts_on", label: "From", type: "date", required: true },
        { name: "ends_on", label: "To", type: "date", required: true },
        { name: "event_ids", label: "Events", type: "refs", kind: "events", hint: EVERY },
        { name: "performance_ids", label: "Performances", type: "refs", kind: "performances", hint: EVERY },
        { name: "seat_category_ids", label: "Seat categories", type: "refs", kind: "seat-categories", hint: EVERY },
        {
          name: "minimum_quantity", label: "Minimum places", type: "int", min: 1, max: 10000, required: true,
          default: 1, hint: "Per requested seat category.",
        },
        { name: "payment_date", label: "Payment date", type: "date", nullable: true },
        { name: "validated", type: "bool", hint: "Only a validated profile is in force." },
      ],
    },
  ],
});
