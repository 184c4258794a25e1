// The field outbox's state machine on its own (field/static/js/field/outbox-state.js), with Node's
// test runner: `node --test tests/field/js/` (tests/field/test_scripts.py runs it under pytest).
import { describe, test } from "node:test";
import assert from "node:assert/strict";

import {
  answered, counts, decided, dueOldestFirst, flashOf, flashText, isExpired, isStaffRefused, lost, sending, sessionEnded,
  shownState,
} from "../../../field/static/js/field/outbox-state.js";

const NOW = new Date("2026-03-30T09:15:00Z");
const TEXTS = { refusedUnknown: "Server menolak kiriman ini tanpa alasan yang dapat dibaca.", serverError: "Server belum dapat menerima; dicoba lagi nanti." };
const T = {
  flashSent: "Terkirim dan diterima server.", receipt: "Nomor tanda terima", flashReview: "Laporan menunggu pemeriksaan.",
  flashActivityReview: "Aktivitas menunggu pemeriksaan.", flashQueued: "Disimpan di HP dan menunggu sinyal; dikirim otomatis saat sinyal kembali.",
  flashRefused: "Ditolak server:", flashRefusedHelp: "Tekan Perbaiki, betulkan isiannya, lalu kirim lagi.",
};

function queued(overrides = {}) {
  return {
    id: "0b5c8f1e-6a0e-4c1e-9d6f-2f1c3b4a5d6e", kind: "report", user: "petugas.demo", state: "waiting",
    savedAt: "2026-03-30T08:00:00.000Z", title: "Sosialisasi KIM di Desa Tehang (30 Maret 2026)",
    fields: [["title", "Sosialisasi"], ["client_id", "0b5c8f1e-6a0e-4c1e-9d6f-2f1c3b4a5d6e"]],
    files: [{ field: "photos", name: "kegiatan.jpg", type: "image/jpeg", blob: { size: 1000 } }],
    submit: "/petugas/laporan/kirim/", page: "/petugas/laporan/baru/", ...overrides,
  };
}

describe("a queued item being sent", () => {
  test("is marked sending, the item as it was left untouched", () => {
    const record = queued();
    assert.equal(sending(record).state, "sending");
    assert.equal(record.state, "waiting");
  });

  test("with a receipt from the server is delivered, its photos dropped from the phone", () => {
    const delivered = answered(sending(queued({ lastError: "HTTP 502" })), 201, { receipt: "LAP-2026-0001", url: "/petugas/laporan/7/" }, { now: NOW });
    assert.equal(delivered.state, "delivered");
    assert.deepEqual([delivered.receipt, delivered.url, delivered.deliveredAt], ["LAP-2026-0001", "/petugas/laporan/7/", NOW.toISOString()]);
    assert.deepEqual(delivered.files, [{ field: "photos", name: "kegiatan.jpg", type: "image/jpeg" }]);
    assert.equal("lastError" in delivered, false);
  });

  test("answered 200 without a receipt is not taken for delivered", () => {
    const record = answered(sending(queued()), 200, { hello: "a captive portal's page" }, { now: NOW, texts: TEXTS });
    assert.equal(record.state, "waiting");
    assert.equal(record.lastError, "Server belum dapat menerima; dicoba lagi nanti. (HTTP 200)");
  });

  for (const status of [400, 409, 413, 422]) {
    test(`refused with ${status} keeps the server's reasons`, () => {
      const errors = [{ field: "day", label: "Tanggal", messages: ["Tanggal pelaksanaan tidak boleh di masa depan."] }];
      const record = answered(sending(queued()), status, { message: "Ditolak server.", errors }, { texts: TEXTS });
      assert.deepEqual([record.state, record.message, record.errors], ["refused", "Ditolak server.", errors]);
      assert.equal(record.files[0].blob.size, 1000, "the photos stay on the phone to be fixed and sent again");
    });
  }

  test("refused with an unreadable answer says so", () => {
    const record = answered(sending(queued()), 400, null, { texts: TEXTS });
    assert.deepEqual([record.state, record.message, record.errors], ["refused", TEXTS.refusedUnknown, []]);
  });

  for (const status of [500, 502, 503, 401, 403, 404, 429]) {
    test(`answered ${status} waits to be sent again, the reason kept`, () => {
      const record = answered(sending(queued()), status, { message: "Server sedang bermasalah." }, { texts: TEXTS });
      assert.deepEqual([record.state, record.lastError], ["waiting", `Server sedang bermasalah. (HTTP ${status})`]);
    });
  }

  test("whose answer is lost waits to be sent again with the same id", () => {
    const record = lost(sending(queued()));
    assert.deepEqual([record.state, record.id], ["waiting", queued().id]);
  });

  test("answered 401 or 403 means the officer must log in again", () => {
    assert.deepEqual([401, 403, 400, 500].map(sessionEnded), [true, true, false, false]);
  });
});

describe("which items are sent", () => {
  test("the waiting and half-sent ones of the logged-in officer, oldest first", () => {
    const stored = [ // newest first, as the store lists them
      queued({ id: "c", state: "waiting", savedAt: "2026-03-30T10:00:00Z" }),
      queued({ id: "x", state: "waiting", user: "petugas.lain" }),
      queued({ id: "d", state: "delivered" }),
      queued({ id: "r", state: "refused" }),
      queued({ id: "b", state: "sending", savedAt: "2026-03-30T09:00:00Z" }),
      queued({ id: "a", state: "waiting", savedAt: "2026-03-30T08:00:00Z" }),
    ];
    assert.deepEqual(dueOldestFirst(stored, "petugas.demo").map((r) => r.id), ["a", "b", "c"]);
  });
});

describe("what the phone shows", () => {
  test("an item left sending by a closed page is shown waiting, unless this page is sending it", () => {
    assert.equal(shownState(queued({ state: "sending" }), false), "waiting");
    assert.equal(shownState(queued({ state: "sending" }), true), "sending");
  });

  test("the counts add a half-sent item to the waiting ones", () => {
    const records = ["waiting", "sending", "refused", "delivered", "delivered"].map((state) => queued({ state }));
    assert.deepEqual(counts(records), { waiting: 2, refused: 1, delivered: 2, accepted: 0 });
  });

  test("a delivered item is kept 30 days", () => {
    const day = 86400000;
    const at = (daysAgo) => queued({ state: "delivered", deliveredAt: new Date(NOW - daysAgo * day).toISOString() });
    assert.deepEqual([at(29), at(31)].map((r) => isExpired(r, NOW.getTime(), 30)), [false, true]);
    assert.equal(isExpired(queued({ state: "refused", deliveredAt: "2020-01-01" }), NOW.getTime(), 30), false);
  });
});

describe("the notice at the top after sending", () => {
  test("of an item still on the phone says it waits for signal", () => {
    assert.deepEqual(flashText(flashOf(queued({ state: "sending" })), T), [T.flashQueued]);
  });

  test("of a delivered report gives its receipt and what happens next", () => {
    const flash = flashOf(answered(queued(), 201, { receipt: "LAP-2026-0001" }, { now: NOW }));
    assert.deepEqual(flashText(flash, T), ["Terkirim dan diterima server. Nomor tanda terima: LAP-2026-0001. Laporan menunggu pemeriksaan."]);
  });

  test("of a refused item says it was refused and what to do, never that it waits for signal", () => {
    const errors = [{ label: "Tanggal", messages: ["Tanggal pelaksanaan tidak boleh di masa depan."] }];
    const flash = flashOf(answered(queued(), 400, { message: "Ditolak server. Perbaiki isian berikut lalu kirim lagi.", errors }));
    const lines = flashText(flash, T);
    assert.deepEqual(lines, ["Ditolak server: Ditolak server. Perbaiki isian berikut lalu kirim lagi.", T.flashRefusedHelp]);
    assert.deepEqual([flash.state, flash.errors, flash.page], ["refused", errors, "/petugas/laporan/baru/"]);
    assert.ok(!lines.join(" ").includes("menunggu sinyal"));
  });
});

describe("a delivered item once staff decided on it (the phone online again)", () => {
  const REFUSAL = { status: "refused", reason: "Foto tidak jelas.", fix_url: "/petugas/laporan/baru/?perbaiki=x", corrected: false };
  const delivered = () => queued({ state: "delivered", receipt: "LAP-2026-00001" });

  test("refused by staff, it is shown refused with the reason and counted refused, not delivered", () => {
    const record = decided(delivered(), REFUSAL);
    assert.equal(isStaffRefused(record), true);
    assert.deepEqual([record.reviewReason, record.fixUrl], ["Foto tidak jelas.", REFUSAL.fix_url]);
    assert.deepEqual(counts([record]), { waiting: 0, refused: 1, delivered: 0, accepted: 0 });
  });

  test("accepted by staff, it counts as accepted", () => {
    const record = decided(delivered(), { status: "accepted", reason: "" });
    assert.deepEqual([record.review, counts([record]).accepted, counts([record]).delivered], ["accepted", 1, 1]);
  });

  test("a decision already followed changes nothing, so nothing is stored again", () => {
    const once = decided(delivered(), REFUSAL);
    assert.equal(decided(once, REFUSAL), once);
    assert.equal(decided(queued(), REFUSAL).state, "waiting"); // not delivered yet: no decision to follow
  });

  test("a corrected refusal is no longer counted", () => {
    const record = decided(delivered(), { ...REFUSAL, corrected: true });
    assert.equal(counts([record]).refused, 0);
  });

  test("staff's decisions on items no longer on this phone count too, each once", () => {
    const onPhone = decided(delivered(), REFUSAL);
    const decisions = {
      [onPhone.id]: REFUSAL, "another-id": REFUSAL, "third-id": { status: "accepted" },
      "fixed-id": { ...REFUSAL, corrected: true },
    };
    assert.deepEqual(counts([onPhone], decisions), { waiting: 0, refused: 2, delivered: 0, accepted: 1 });
  });
});
