/* Words and dates: "30 Maret 2022", the one way dates are written in the area. */
import { T } from "./page.js";

const MONTHS = (T.months || "").split(",");
const pad = (n) => (n < 10 ? "0" : "") + n;

export function longDate(value) {
  const d = value instanceof Date ? value : new Date(String(value).length === 10 ? value + "T00:00:00" : value);
  if (isNaN(d)) { return String(value); }
  return d.getDate() + " " + (MONTHS[d.getMonth()] || d.getMonth() + 1) + " " + d.getFullYear();
}

export function longDateTime(value) {
  const d = new Date(value);
  return longDate(d) + ", " + pad(d.getHours()) + ":" + pad(d.getMinutes());
}

export function todayIso() {
  const d = new Date();
  return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
}

export function kindLabel(k) { return T["kind" + k.charAt(0).toUpperCase() + k.slice(1)] || k; }
