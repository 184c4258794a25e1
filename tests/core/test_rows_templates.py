"""The long loops of a few pages are Jinja2 templates (templates/jinja2/, core/jinja.py), written
into the Django pages by {% rows %}: what a visitor reads must be exactly what Django wrote."""

import re
from datetime import date
from pathlib import Path

import jinja2
import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from core.jinja import escape_as_django
from registry.models import Kecamatan

JINJA_DIR = Path(settings.BASE_DIR) / "templates" / "jinja2"


@pytest.mark.parametrize(
    "value",
    [
        'Ba\'amang <"Tengah"> & Co',
        mark_safe("<i>KIM</i>"),
        gettext_lazy("Kecamatan"),
        1234,
        12.5,
        None,
        date(2022, 3, 25),
        "",
    ],
)
def test_a_value_in_a_row_template_is_escaped_as_django_escapes_it(value):
    """' and " as &#x27; and &quot; (Django), not &#39; and &#34; (Jinja2's own): the same bytes."""
    assert str(escape_as_django(value)) == str(conditional_escape(value))


def test_a_kecamatan_named_with_markup_reads_as_text_in_the_dashboards_table_and_map(client, kotim):
    kecamatan = Kecamatan.objects.get(code="62.02.04")
    kecamatan.name = "Parenggean <b>\"Hulu\"</b> & 'Hilir'"
    kecamatan.save()

    page = client.get(reverse("coverage:dashboard")).content.decode()

    written = "Parenggean &lt;b&gt;&quot;Hulu&quot;&lt;/b&gt; &amp; &#x27;Hilir&#x27;"
    assert page.count(written) >= 4  # the uncovered list, the map's area and key, the table
    assert re.search(r'<th scope="row"><a href="[^"]+">' + re.escape(written) + "</a>", page)  # the table
    assert '<li value="' in page and f">{written}</li>" in page  # the map's key
    assert "<b>" not in page.split("<main", 1)[1] and "&amp;lt;" not in page  # neither raw nor escaped twice


def test_a_name_a_row_template_was_not_handed_is_an_error_not_an_empty_cell():
    with pytest.raises(jinja2.UndefinedError):
        Template('{% load portal %}{% rows "coverage/progress_rows.jinja" %}').render(Context({}))


def test_every_word_of_a_row_template_is_translated_outside_it():
    """makemessages reads Django templates and Python, not Jinja2: a word written in a row template
    would never be translated. Only markup, values and punctuation may be there."""
    templates = sorted(JINJA_DIR.rglob("*.jinja"))
    assert len(templates) >= 3
    for path in templates:
        source = path.read_text()
        assert not re.search(r"\{%-?\s*trans|\b_\(|gettext", source), path
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", "", source, flags=re.S)  # Jinja2's own
        text = re.sub(r"<[^>]*>", "", text)  # markup
        assert not re.search(r"[^\W\d_]", text), (path, re.findall(r"[^\W\d_]+", text))
