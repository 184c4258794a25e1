"""The interface speaks Bahasa Indonesia by default and has a full English translation."""

import re
from pathlib import Path

from django.utils import translation

PO_FILE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def po_entries():
    """(msgid, [msgstr...]) pairs of the English catalogue, header excluded."""
    entries, current, field = [], None, None
    for line in PO_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current = {"msgid": "", "msgstr": []}
            entries.append(current)
            field = "msgid"
        elif line.startswith("msgstr"):
            current["msgstr"].append("")
            field = "msgstr"
        elif not line.startswith('"') or current is None:
            continue
        if field and line.rstrip().endswith('"'):
            text = re.search(r'"(.*)"\s*$', line).group(1)
            if field == "msgid" and not line.startswith("msgid_plural"):
                current["msgid"] += text
            elif field == "msgstr":
                current["msgstr"][-1] += text
    return [e for e in entries if e["msgid"]]


def test_every_interface_string_has_an_english_translation():
    untranslated = [e["msgid"] for e in po_entries() if not all(e["msgstr"])]
    assert untranslated == []
    assert len(po_entries()) > 200


def test_translations_keep_every_placeholder_and_no_fuzzy_guess_is_left():
    text = PO_FILE.read_text(encoding="utf-8")
    placeholders = re.compile(r"%\((\w+)\)[sd]")
    wrong = [
        e["msgid"]
        for e in po_entries()
        if any(set(placeholders.findall(e["msgid"])) != set(placeholders.findall(s)) for s in e["msgstr"])
    ]
    assert wrong == []
    assert "\n#| msgid" not in text
    assert text.count("#, fuzzy") <= 1  # the catalogue header only


def test_the_catalogue_is_compiled():
    with translation.override("en"):
        assert translation.gettext("Kecamatan yang belum memiliki KIM") == "Kecamatan without a KIM"


def test_english_pages_write_english_dates(client, demo):
    html = client.get("/en/", {"tanggal": "2022-03-25"}).content.decode()
    assert "State on 25 March 2022" in html
    assert "Consolidation meeting, 24 March 2022" in html


def test_indonesian_pages_write_indonesian_dates(client, demo):
    html = client.get("/", {"tanggal": "2022-03-25"}).content.decode()
    assert "Keadaan per 25 Maret 2022" in html
