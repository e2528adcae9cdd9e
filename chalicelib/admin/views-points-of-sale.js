// Points of sale screen: the shop fronts of the sales channels.

import { kindScreen } from "./crud.js";

export default kindScreen({
  id: "points-of-sale",
  title: "Points of sale",
  sections: [{
    plural: "points-of-sale",
    noun: "point of sale",
    columns: ["code", "name", "channel_id", "languages", "guest_checkout"],
    fields: [
      { name: "channel_id", label: "Sales channel", type: "ref", kind: "sales-channels", required: true },
      { name: "code", required: true, maxlength: 32 },
      { name: "name", required: true },
      { name: "url", label: "URL", maxlength: 500 },
      { name: "languages", type: "strings", default: ["fr", "en"], hint: "Two-letter codes, comma-separated." },
      { name: "guest_checkout", label: "Guest checkout", type: "bool", default: true },
      {
        name: "payment_ceiling", label: "Payment ceiling", type: "money", nullable: true,
        hint: "Above it an order becomes a reservation. Empty: none.",
      },
      { name: "allowed_contact_ids", label: "Allowed contacts (ids)", type: "strings", hint: "Comma-separated." },
      { name: "allowed_company_ids", label: "Allowed companies (ids)", type: "strings", hint: "Comma-separated." },
      {
        name: "company_access", label: "Companies served (B2B)", type: "enum", options: ["any", "group", "non_group"],
        required: true, hint: "B2B only; not together with allowed companies.",
      },
    ],
  }],
});
