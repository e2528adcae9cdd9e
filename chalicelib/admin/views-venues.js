// Venues and halls screen: where performances happen.

import { kindScreen } from "./crud.js";

export default kindScreen({
  id: "venues",
  title: "Venues & halls",
  sections: [
    {
      plural: "venues",
      noun: "venue",
      columns: ["code", "name", "address"],
      fields: [
        { name: "code", required: true, maxlength: 32 },
        { name: "name", required: true },
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
