// Venues and halls screen: where performances happen, below the organisation's time zone.

import { kindScreen } from "./crud.js";
import { fill, h } from "./dom.js";
import { renderOrganisationZone } from "./organisation-zone-form.js";

const screen = kindScreen({
  id: "venues",
  title: "Venues & halls",
  sections: [
    {
      plural: "venues",
      noun: "venue",
      columns: ["code", "name", "timezone", "address"],
      fields: [
        { name: "code", required: true, maxlength: 32 },
        { name: "name", required: true },
        {
          name: "timezone", label: "Time zone", maxlength: 64,
          hint: `Its IANA name, e.g. Europe/Paris or America/New_York: every time of its performances is shown in it. Empty: the organisation's time zone (above).`,
        },
        { name: "address", type: "textarea", maxlength: 500 },
      ],
    },
    {
      plural: "halls",
      noun: "hall",
      columns: ["code", "name", "venue_id"],
      fields: [
        { name: "venue_id", label: "Venue", type: "ref", kind: "venues", required: true },
        { name: "code", required: true, maxlength: 32 },
        { name: "name", required: true },
      ],
    },
  ],
});

export default {
  ...screen,
  async render(root, ctx) {
    const zone = h("section", { id: "organisation-zone-box", class: "card" });
    const venues = h("div", { id: "venues-and-halls" });
    fill(root, zone, venues);
    await Promise.all([renderOrganisationZone(zone, ctx), screen.render(venues, ctx)]);
  },
};
