// Seat categories screen: Cat. 1, Cat. 2, wheelchair…, ranked, each with the colour of the seat maps.

import { kindScreen } from "./crud.js";

export default kindScreen({
  id: "seat-categories",
  title: "Seat categories",
  sections: [{
    plural: "seat-categories",
    noun: "seat category",
    columns: ["colour", "code", "name", "rank", "option_allowed"],
    fields: [
      { name: "code", required: true, maxlength: 32 },
      { name: "name", required: true },
      { name: "rank", type: "int", min: 1, max: 99, required: true, default: 1, hint: "1 is the best category." },
      { name: "colour", type: "colour", required: true, hint: "The seats' colour on the plans." },
      { name: "option_allowed", label: "Options allowed", type: "bool", default: true },
    ],
  }],
});
