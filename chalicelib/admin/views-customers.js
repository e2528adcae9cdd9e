// Customers screen: company types, companies (schools, works councils, agencies…) and contacts; a
// contact marked relay acts for their company (requests options on a company point of sale).

import { seg } from "./api.js";
import { h } from "./dom.js";
import { areaScreen } from "./views-option-settings.js";

export default areaScreen({
  id: "customers",
  title: "Customers",
  area: "contacts",
  intro: "The organisations that buy for groups, and the people who act for them.",
  sections: (ctx) => [
    {
      plural: "company-types",
      noun: "company type",
      title: "Company types",
      columns: ["code", "name"],
      fields: [
        { name: "code", required: true, maxlength: 32 },
        { name: "name", required: true, hint: "e.g. Works council, School, Tour operator." },
        {
          name: "group", label: "Group (collectivité)", type: "bool", default: false,
          hint: "B2B points of sale may serve only group-type companies, or only the others.",
        },
      ],
    },
    {
      plural: "companies",
      noun: "company",
      title: "Companies",
      columns: ["code", "name", "company_type_id", "address", "account_status"],
      fields: [
        { name: "code", required: true, maxlength: 32 },
        { name: "name", required: true },
        { name: "company_type_id", label: "Company type", type: "ref", kind: "company-types", required: true },
        { name: "address", type: "textarea", maxlength: 500 },
        {
          name: "account_status", label: "Online account", type: "enum",
          options: ["accepted", "requested", "refused", "suspended"], required: true,
          hint: "Only an accepted company's relays buy and request options online.",
        },
      ],
    },
    {
      plural: "contacts",
      noun: "contact",
      title: "Contacts",
      columns: ["code", "name", "email", "company_id", "relay"],
      fields: [
        { name: "code", required: true, maxlength: 32 },
        { name: "name", required: true },
        { name: "email", required: true, maxlength: 254 },
        { name: "company_id", label: "Company", type: "ref", kind: "companies", nullable: true },
        {
          name: "relay", label: "Relay", type: "bool",
          hint: "Acts for the company: requests options for it (needs a company, and a shop account with this email).",
        },
      ],
      rowActions: (item) => (ctx.can("options", "read") ? h("a", {
        class: "button small", href: `#/options?contact_id=${seg(item.id)}`, "data-action": "options",
        "aria-label": `Options of ${item.name}`,
      }, "Options") : null),
    },
  ],
});
