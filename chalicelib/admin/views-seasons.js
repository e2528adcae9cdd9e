// Seasons screen: the selling periods (e.g. 2026-2027) that hold events.

import { kindScreen } from "./crud.js";

export default kindScreen({
  id: "seasons",
  title: "Seasons",
  intro: "A season is a selling period that holds events, products and rules.",
  sections: [{
    plural: "seasons",
    noun: "season",
    columns: ["code", "name", "starts_on", "ends_on", "options_allowed"],
    fields: [
      { name: "code", required: true, maxlength: 32, hint: "Letters, digits, '.', '_' or '-'." },
      { name: "name", required: true },
      { name: "starts_on", label: "Starts on", type: "date", required: true },
      { name: "ends_on", label: "Ends on", type: "date", required: true },
      { name: "options_allowed", label: "Options allowed", type: "bool", default: true },
    ],
  }],
});
