// Activities screen: families of events and their option and overbooking settings.

import { kindScreen } from "./crud.js";

export default kindScreen({
  id: "activities",
  title: "Activities",
  intro: "An activity is a family of events (e.g. live shows); it carries the option settings.",
  sections: [{
    plural: "activities",
    noun: "activity",
    columns: ["code", "name", "options_allowed", "overbooking_allowed", "overbooking_percent"],
    fields: [
      { name: "code", required: true, maxlength: 32 },
      { name: "name", required: true },
      { name: "options_allowed", label: "Options allowed", type: "bool" },
      { name: "options_count_against_availability", label: "Options count against availability", type: "bool" },
      { name: "overbooking_allowed", label: "Overbooking allowed", type: "bool" },
      { name: "overbooking_percent", label: "Overbooking (%)", type: "int", min: 0, max: 100, default: 0 },
      {
        name: "confirm_days_after_placing", label: "Confirm within (days after placing)", type: "int",
        min: 0, max: 3650, nullable: true,
      },
      {
        name: "confirm_days_before_performance", label: "Confirm at the latest (days before the performance)",
        type: "int", min: 0, max: 3650, nullable: true,
      },
    ],
  }],
});
