import assert from "node:assert/strict";
import { test } from "node:test";
import { labelStep, monthAxis, monthLabel } from "../src/charts.js";

test("months are said as people say them, not as API strings", () => {
  assert.equal(monthLabel("2026-07", "en-GB"), "Jul 26");
  assert.equal(monthLabel("2027-01", "de-DE"), "Jan. 27");
});

test("the y axes beside a chart leave its months less room", () => {
  const months = ["2026-12", "2027-01", "2027-02", "2027-03", "2027-04"];
  const labels = (axis) => axis.values(null, axis.splits()).filter(Boolean);
  assert.equal(labels(monthAxis(months, 720, { locale: "en-GB" })).length, 5);
  assert.equal(labels(monthAxis(months, 288, { axesPx: 120, locale: "en-GB" })).length, 3);
});

test("month labels never run together: fewer labels on a narrow chart", () => {
  // Issue 31: "month labels run together '2026-072026-08'" at 390 px.
  assert.equal(labelStep(6, 720), 1);
  assert.equal(labelStep(12, 358), 2);
  assert.equal(labelStep(12, 288), 3);
  const axis = monthAxis(["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"], 360, { locale: "en-GB" });
  const labels = axis.values(null, axis.splits());
  assert.equal(labels.length, 12);
  assert.deepEqual(labels.filter(Boolean), ["Jan 26", "Apr 26", "Jul 26", "Oct 26"]);
});
