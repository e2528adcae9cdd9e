// Venues and halls screen: where performances happen.

import { kindScreen } from "./crud.js";
import { DEFAULT_ZONE } from "./time-zones.js";

export default kindScreen({
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
          hint: `Its IANA name, e.g. Europe/Paris or America/New_York: every time of its performances is shown in it. Empty: ${DEFAULT_ZONE}.`,
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
