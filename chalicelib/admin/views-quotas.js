// Quotas screen: named shares of a performance's seats (box office, group, distributor).

import { kindScreen } from "./crud.js";

export default kindScreen({
  id: "quotas",
  title: "Quotas",
  sections: [{
    plural: "quotas",
    noun: "quota",
    columns: ["code", "name", "type", "exclusive", "channel_ids"],
    fields: [
      { name: "code", required: true, maxlength: 32 },
      { name: "name", required: true },
      { name: "type", type: "enum", options: ["other", "group", "external"], required: true },
      { name: "exclusive", type: "bool", hint: "Only its channels may sell its seats." },
      {
        name: "channel_ids", label: "Sales channels", type: "refs", kind: "sales-channels",
        hint: "An external quota belongs to exactly one external channel.",
      },
    ],
  }],
});
