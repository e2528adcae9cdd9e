// Sales channels screen: box office, internet, external…, with their selling rules and delivery methods.

import { kindScreen } from "./crud.js";

const CHANNEL_TYPES = ["box_office", "internet_b2c", "internet_company", "internet_agency", "external"];
const SEAT_SELECTION = ["map", "auto_with_view", "auto_with_modification", "no_plan"];

export default kindScreen({
  id: "sales-channels",
  title: "Sales channels",
  sections: [{
    plural: "sales-channels",
    noun: "sales channel",
    columns: ["code", "name", "type", "hold_timeout_minutes", "max_tickets_per_performance", "delivery_methods"],
    fields: [
      { name: "code", required: true, maxlength: 32 },
      { name: "name", required: true },
      { name: "type", type: "enum", options: CHANNEL_TYPES, required: true },
      { name: "seat_selection", label: "Seat selection", type: "enum", options: SEAT_SELECTION, required: true },
      {
        name: "hold_timeout_minutes", label: "Hold timeout (minutes)", type: "int", min: 1, max: 1440, default: 20,
        hint: "An unpaid cart's seats are released after this time.",
      },
      {
        name: "max_tickets_per_performance", label: "Max tickets per performance", type: "int", min: 1, max: 1000,
        default: 10,
      },
      {
        name: "orphan_seat_trigger", label: "Orphan seat trigger", type: "int", min: 0, default: 0,
        hint: "Below this many free seats, isolated seats are allowed.",
      },
      { name: "always_allow_orphan_seats", label: "Always allow orphan seats", type: "bool" },
      { name: "booking_fee", label: "Booking fee", type: "money", default: 0 },
      { name: "booking_fee_cap", label: "Booking fee cap", type: "money", nullable: true, hint: "Empty: no cap." },
      { name: "quota_ids", label: "Quotas", type: "refs", kind: "quotas" },
      {
        name: "delivery_methods", label: "Delivery methods", type: "table",
        fields: [
          { name: "code", maxlength: 32 }, { name: "name" }, { name: "fee", type: "money" },
          { name: "immediate", label: "Immediate", type: "bool" },
        ],
      },
      {
        name: "immediate_delivery_only", label: "Only immediate delivery methods", type: "bool",
        hint: "Offer only the methods that give the tickets at once (e-ticket, print at home).",
      },
      {
        name: "filter_by_quantity", label: "Filter performances by quantity", type: "bool",
        hint: "The shop lists only performances with the quantity asked free.",
      },
      { name: "ticket_download", label: "Ticket download", type: "bool", default: true },
      { name: "direct_option_requests", label: "Direct option requests online", type: "bool" },
      {
        name: "option_confirmation_days", label: "Direct options: confirm within (days)", type: "int", min: 1,
        max: 365, nullable: true, hint: "Empty: the option settings' own deadline.",
      },
      {
        name: "beneficiary_change_hours", label: "Beneficiary changes until (hours before)", type: "int", min: 0,
        default: 24,
      },
      { name: "hide_waiting_list", label: "Hide the waiting list", type: "bool" },
      {
        name: "waiting_list_offer_hours", label: "Waiting-list offer held (hours)", type: "int", min: 1, max: 336,
        default: 24,
      },
    ],
  }],
});
