// Audience screen: who pays what (full price, reduced, group…), as categories and subcategories.

import { kindScreen } from "./crud.js";

export default kindScreen({
  id: "audiences",
  title: "Audience categories",
  sections: [
    {
      plural: "audience-categories",
      noun: "audience category",
      columns: ["code", "name"],
      fields: [
        { name: "code", required: true, maxlength: 32 },
        { name: "name", required: true },
      ],
    },
    {
      plural: "audience-subcategories",
      noun: "audience subcategory",
      columns: ["code", "name", "audience_category_id"],
      fields: [
        {
          name: "audience_category_id", label: "Audience category", type: "ref", kind: "audience-categories",
          required: true,
        },
        { name: "code", required: true, maxlength: 32 },
        { name: "name", required: true },
      ],
    },
  ],
});
