"""The long loops of a few pages are Jinja2 templates (templates/jinja2/, core/jinja.py), written
into the Django pages by {% rows %}: what a visitor reads must be exactly what Django wrote."""

import re
from datetime import date, timedelta
from pathlib import Path

import jinja2
import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from core.jinja import escape_as_django
from registry.models import Desa, Kecamatan

JINJA_DIR = Path(settings.BASE_DIR) / "templates" / "jinja2"
# coverage/_map.html before its loops became templates/jinja2/coverage/map.jinja
OLD_MAP_TEMPLATE = '{% load l10n stages %}{% comment %}An SVG map of `areas` (coverage.maps.MapArea) on `map`, titled `title`; shared by\nthe dashboards and the kecamatan page. Areas with a url are links. Each area carries a number\n(placed without overlap, legible on a phone), keyed to the list below the map. `wide`: a wide\nmap (the whole country\'s provinces) takes the page\'s width, without numbers.{% endcomment %}{% if not wide %}{% map_labels areas map as labels %}{% endif %}{% localize off %}\n    <svg viewBox="0 0 {{ map.width }} {{ map.height }}" role="{% if links %}group{% else %}img{% endif %}" aria-labelledby="peta-judul" class="map-svg{% if wide %} map-wide{% endif %}">\n      <title id="peta-judul">{{ title }}</title>\n      {% for a in areas %}{% if a.url %}<a href="{{ a.url }}" aria-label="{{ a.label }}">{% endif %}<path class="{{ a.css_class }}" d="{{ a.shape.path }}"><title>{{ a.label }}</title></path>{% if a.url %}</a>{% endif %}{% endfor %}\n      {% if labels %}<g class="map-labels" aria-hidden="true">{% for l in labels %}{% if l.moved %}<line x1="{{ l.anchor_x }}" y1="{{ l.anchor_y }}" x2="{{ l.x }}" y2="{{ l.y }}" class="map-leader"/><circle cx="{{ l.anchor_x }}" cy="{{ l.anchor_y }}" class="map-anchor"/>{% endif %}<circle cx="{{ l.x }}" cy="{{ l.y }}" class="map-number-bg"/><text x="{{ l.x }}" y="{{ l.y }}" class="map-label">{{ l.number }}</text>{% endfor %}</g>{% endif %}\n    </svg>\n    {% endlocalize %}\n    {% if labels %}<ol class="map-key">{% for l in labels %}<li value="{{ l.number }}">{{ l.area.name }}</li>{% endfor %}</ol>{% endif %}\n'


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


# What each row template replaced: the Django template's own loop, kept here as the reference the
# row template must equal, byte for byte, on data that tries every branch.
DJANGO_LOOPS = {
    "dashboard table": (
        "coverage/dashboard.html",
        """{% load i18n portal %}{% translate "Status" as label_status %}{% translate "Tahap" as label_stage %}{% translate "KIM aktif" as label_kim %}{% translate "Desa/kelurahan ber-KIM" as label_desa %}{% translate "Kegiatan terakhir" as label_last %}{% translate "Kegiatan berikutnya" as label_next %}{% translate "Sudah ada KIM" as label_has_kim %}{% translate "Belum ada KIM" as label_no_kim %}{% for k, url in kecamatan_rows %}
      <tr class="{% if k.covered %}is-covered{% else %}is-uncovered{% endif %}">
        <th scope="row"><a href="{{ url }}">{{ k.name }}</a> <span class="code">{{ k.code }}</span></th>
        <td data-label="{{ label_status }}">{% if k.covered %}<span class="badge ok">{{ label_has_kim }}</span>{% else %}<span class="badge warn">{{ label_no_kim }}</span>{% endif %}</td>
        <td data-label="{{ label_stage }}">{{ k.stage.label }}</td>
        <td data-label="{{ label_kim }}" class="num">{{ k.active_kim|bilangan }}</td>
        <td data-label="{{ label_desa }}" class="num">{{ k.desa_covered|bilangan }} / {{ k.desa_total|bilangan }}</td>
        <td data-label="{{ label_last }}">{% if k.last_event %}{{ k.last_event.kind_label }}, {{ k.last_event.day|tanggal }}{% else %}—{% endif %}</td>
        <td data-label="{{ label_next }}">{% if k.next_event %}{{ k.next_event.kind_label }}, {{ k.next_event.day|tanggal }}{% else %}—{% endif %}{% if k.overdue_events %} <span class="badge warn">{% blocktranslate count n=k.overdue_events %}{{ n }} kegiatan terlambat{% plural %}{{ n }} kegiatan terlambat{% endblocktranslate %}</span>{% endif %}</td>
      </tr>
      {% endfor %}""",
        """{% load i18n portal %}{% translate "Status" as label_status %}{% translate "Tahap" as label_stage %}{% translate "KIM aktif" as label_kim %}{% translate "Desa/kelurahan ber-KIM" as label_desa %}{% translate "Kegiatan terakhir" as label_last %}{% translate "Kegiatan berikutnya" as label_next %}{% translate "Sudah ada KIM" as label_has_kim %}{% translate "Belum ada KIM" as label_no_kim %}{% rows "coverage/kecamatan_rows.jinja" rows=kecamatan_rows label_status=label_status label_stage=label_stage label_kim=label_kim label_desa=label_desa label_last=label_last label_next=label_next label_has_kim=label_has_kim label_no_kim=label_no_kim %}""",
    ),
    "dashboard uncovered": (
        "coverage/dashboard.html",
        """{% load i18n stages %}{% url 'coverage:forming-kim' as forming_kim %}{% for k, url in kecamatan_rows %}{% if not k.covered %}<li><a href="{{ url }}">{{ k.name }}</a> <span class="stage-badge {{ k.stage|stage_class }}">{{ k.stage.label }}</span> <a class="wish-cta" href="{{ forming_kim }}?kecamatan={{ k.code }}#minat" aria-label="{% blocktranslate with name=k.name %}Bentuk KIM di Kecamatan {{ name }}{% endblocktranslate %}">{% translate "Bentuk KIM" %}</a></li>{% endif %}{% endfor %}""",
        """{% load i18n portal %}{% url 'coverage:forming-kim' as forming_kim %}{% translate "Bentuk KIM" as word_form_kim %}{% rows "coverage/uncovered_rows.jinja" rows=kecamatan_rows forming_kim=forming_kim word_form_kim=word_form_kim %}""",
    ),
    "dashboard months": (
        "coverage/dashboard.html",
        """{% load portal %}{% for p in progress reversed %}<tr><th scope="row">{{ p.month|bulan }}</th><td class="num">{{ p.covered_kecamatan|bilangan }}</td><td class="num">{{ p.active_kim|bilangan }}</td><td class="num">{{ p.held_events|bilangan }}</td></tr>{% endfor %}""",
        """{% load portal %}{% rows "coverage/progress_rows.jinja" progress=progress %}""",
    ),
    "dashboard map": (
        "coverage/dashboard.html",
        OLD_MAP_TEMPLATE.replace(
            "{% load l10n stages %}", "{% load l10n stages %}{% with areas=map_areas title='Peta' links=True %}"
        )
        + "{% endwith %}",
        '{% include "coverage/_map.html" with areas=map_areas title="Peta" links=True %}',
    ),
    "kecamatan map": (
        "coverage/kecamatan_detail.html",
        OLD_MAP_TEMPLATE.replace(
            "{% load l10n stages %}", "{% load l10n stages %}{% with areas=map_areas title='Peta' links=True %}"
        )
        + "{% endwith %}",
        '{% include "coverage/_map.html" with areas=map_areas title="Peta" links=True %}',
    ),
    "kecamatan desa": (
        "coverage/kecamatan_detail.html",
        """{% load i18n portal %}{% for d in desa %}
      <tr class="{% if d.covered %}is-covered{% else %}is-uncovered{% endif %}">
        <th scope="row">{% if d.kind == "kelurahan" %}{% translate "Kelurahan" %}{% else %}{% translate "Desa" %}{% endif %} {{ d.name }} <span class="code">{{ d.code }}</span></th>
        <td>{% for kim in d.kims %}<a href="{{ kim.get_absolute_url }}">{{ kim.name }}</a>{% if not kim.active %} ({% translate "tidak aktif" %}){% endif %}{% if not forloop.last %}, {% endif %}{% empty %}<span class="badge warn">{% translate "Belum ada KIM" %}</span>{% endfor %}{% if not d.covered %}{% if d.wishes_open %} <span class="wish-count">{% blocktranslate count n=d.wishes_open %}Ada minat warga: {{ n }}{% plural %}Ada minat warga: {{ n }}{% endblocktranslate %}</span>{% endif %} <a class="wish-cta" href="{% url 'coverage:forming-kim' %}?desa={{ d.code }}#minat" aria-label="{% blocktranslate with name=d.name %}Bentuk KIM di {{ name }}{% endblocktranslate %}">{% translate "Bentuk KIM" %}</a>{% endif %}</td>
      </tr>
      {% endfor %}""",
        """{% load i18n portal %}{% translate "Kelurahan" as word_kelurahan %}{% translate "Desa" as word_desa %}{% translate "tidak aktif" as word_inactive %}{% translate "Belum ada KIM" as word_no_kim %}{% translate "Bentuk KIM" as word_form_kim %}{% url 'coverage:forming-kim' as forming_kim %}{% rows "coverage/desa_rows.jinja" desa=desa forming_kim=forming_kim word_kelurahan=word_kelurahan word_desa=word_desa word_inactive=word_inactive word_no_kim=word_no_kim word_form_kim=word_form_kim %}""",
    ),
    "kecamatan planned": (
        "coverage/kecamatan_detail.html",
        """{% load i18n portal %}{% for e in planned_events %}<li><strong>{{ e.day|tanggal }}</strong> · {{ e.get_kind_display }}: {{ e.title }}{% if e.desa %} ({{ e.desa }}){% endif %}{% if e.is_overdue %} <span class="badge warn">{% translate "terlambat" %}</span>{% endif %}</li>{% endfor %}""",
        """{% load i18n portal %}{% translate "terlambat" as word_overdue %}{% rows "coverage/planned_events.jinja" events=planned_events word_overdue=word_overdue %}""",
    ),
    "kecamatan past": (
        "coverage/kecamatan_detail.html",
        """{% load i18n portal %}{% for e in past_events %}<li><strong>{{ e.day|tanggal }}</strong> · {{ e.get_kind_display }}: {{ e.title }}{% if e.desa %} ({{ e.desa }}){% endif %} — {{ e.get_status_display }}{% if e.participants %}, {% blocktranslate count n=e.participants %}{{ n }} peserta{% plural %}{{ n }} peserta{% endblocktranslate %}{% endif %}{% if e.summary %}<br><span class="note">{{ e.summary|truncatechars:e.TEXT_MAX }}</span>{% endif %}</li>{% endfor %}""",
        """{% load portal %}{% rows "coverage/past_events.jinja" events=past_events %}""",
    ),
    "yearly report's KIM": (
        "coverage/yearly_report.html",
        """{% for k in report.formed %}<tr><th scope="row"><a href="{{ k.get_absolute_url }}">{{ k.name }}</a></th><td>{{ k.desa }}</td><td>{{ k.kecamatan }}</td><td>{{ k.day|date:"j F Y"|default:"—" }}</td></tr>{% endfor %}"""
        """{% for k in report.quiet %}<tr><th scope="row"><a href="{{ k.get_absolute_url }}">{{ k.name }}</a></th><td>{{ k.desa }}</td><td>{{ k.kecamatan }}</td><td>{{ k.day|date:"j F Y"|default:"—" }}</td></tr>{% endfor %}"""
        """{% for k in report.sk_ended %}<tr><th scope="row"><a href="{{ k.get_absolute_url }}">{{ k.name }}</a></th><td>{{ k.desa }}</td><td>{{ k.kecamatan }}</td><td>{{ k.day|date:"j F Y"|default:"—" }}</td></tr>{% endfor %}""",
        """{% load portal %}{% rows "coverage/report_kim_rows.jinja" rows=report.formed %}"""
        """{% rows "coverage/report_kim_rows.jinja" rows=report.quiet %}"""
        """{% rows "coverage/report_kim_rows.jinja" rows=report.sk_ended %}""",
    ),
}


@pytest.fixture
def hostile_kecamatan(kotim):
    """Parenggean with names and texts in markup, a wish, a long summary, one and many participants,
    an inactive KIM and a desa without one: every branch of its page's and its dashboard's rows."""
    from coverage.models import OutreachEvent

    from ..factories import make_event, make_kim, make_wish

    kecamatan = Kecamatan.objects.get(code="62.02.04")
    kecamatan.name = "Parenggean <b>\"Hulu\"</b> & 'Hilir'"
    kecamatan.save()
    desa = list(Desa.objects.filter(kecamatan=kecamatan).order_by("code"))
    desa[0].name = "Tumbang <i>'Sapiri'</i>"
    desa[0].save()
    make_kim(desa=desa[0], name='KIM "Suara" <Warga> & Co')
    make_kim(desa=desa[0], name="KIM Lama", inactive_since=date(2023, 1, 1))
    make_wish(desa=desa[-1])
    make_wish(desa=desa[-1])
    held = OutreachEvent.Status.HELD
    make_event(kecamatan=kecamatan, desa=desa[0], title="Sosialisasi <script>x</script> & 'KIM'", participants=1)
    long = make_event(kecamatan=kecamatan, status=held, participants=1234, summary="Hasil")
    OutreachEvent.objects.filter(pk=long.pk).update(summary="Hasil <b>baik</b> & " + "x" * 2100)  # stored longer
    make_event(kecamatan=kecamatan, status=OutreachEvent.Status.PLANNED, starts_at=timezone.now() - timedelta(days=3))
    make_event(kecamatan=kecamatan, status=OutreachEvent.Status.PLANNED, starts_at=timezone.now() + timedelta(days=3))
    return kecamatan


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("loop", DJANGO_LOOPS)
def test_each_row_template_writes_what_its_django_loop_wrote(client, hostile_kecamatan, monkeypatch, loop, language):
    import coverage.views

    page, reference, rows = DJANGO_LOOPS[loop]
    contexts = {}
    render = coverage.views.render
    monkeypatch.setattr(
        coverage.views,
        "render",
        lambda request, name, context, **kw: (
            contexts.setdefault(name, context) and render(request, name, context, **kw)
        ),
    )
    prefix = "" if language == "id" else "/en"
    assert client.get(prefix + reverse("coverage:dashboard")).status_code == 200
    assert client.get(prefix + hostile_kecamatan.get_absolute_url().removeprefix("/en")).status_code == 200
    assert client.get(prefix + reverse("coverage:yearly-report", args=[2021]).removeprefix("/en")).status_code == 200
    context = contexts[page]

    with translation.override(language):
        djangos = Template(reference).render(Context(context))
        ours = Template(rows).render(Context(context))

    assert ours == djangos
    assert len(djangos) > 150  # rows were written


DIRECTORY_LOOP = """{% load i18n %}{% for kim in page %}
    <tr>
      <th scope="row"><a href="{{ kim.get_absolute_url }}">{{ kim.name }}</a></th>
      <td data-label="{% translate "Desa/kelurahan" %}">{{ kim.desa }}</td>
      <td data-label="{% translate "Kecamatan" %}"><a href="{{ kim.desa.kecamatan.get_absolute_url }}">{{ kim.desa.kecamatan }}</a></td>
      {% if not kabupaten %}<td data-label="{% translate "Kabupaten/kota" %}"><a href="{% url 'coverage:kabupaten-dashboard' kim.desa.kecamatan.kabupaten.code %}">{{ kim.desa.kecamatan.kabupaten }}</a></td>{% endif %}
      <td data-label="{% translate "Tingkatan" %}">{{ kim.tier|default:"—" }}</td>
      <td data-label="{% translate "Status" %}">{% if kim.active_then %}<span class="badge ok">{% translate "Aktif" %}</span>{% else %}<span class="badge warn">{% translate "Tidak aktif" %}</span>{% endif %} {% include "_partials/vitality.html" with vitality=kim.vitality %}</td>
    </tr>
    {% endfor %}"""
DIRECTORY_ROWS = """{% load i18n portal %}{% translate "Desa/kelurahan" as label_desa %}{% translate "Kecamatan" as label_kecamatan %}{% translate "Kabupaten/kota" as label_kabupaten %}{% translate "Tingkatan" as label_tier %}{% translate "Status" as label_status %}{% translate "Aktif" as word_active %}{% translate "Tidak aktif" as word_inactive %}{% translate "Vakum" as word_quiet %}{% translate "SK berakhir, perlu SK baru" as word_sk_ended %}{% rows "registry/kim_rows.jinja" page=page kabupaten=kabupaten label_desa=label_desa label_kecamatan=label_kecamatan label_kabupaten=label_kabupaten label_tier=label_tier label_status=label_status word_active=word_active word_inactive=word_inactive word_quiet=word_quiet word_sk_ended=word_sk_ended %}"""


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("region", ["62.02", "62"])
def test_the_directorys_row_template_writes_what_its_django_loop_wrote(
    client, hostile_kecamatan, monkeypatch, settings, region, language
):
    """On a kabupaten's portal and on its province's (a kabupaten column), with a tier, none,
    an inactive KIM, a quiet one and one whose SK has ended."""
    import registry.views

    from ..factories import make_kim, make_tier

    desa = Desa.objects.filter(kecamatan=hostile_kecamatan).order_by("code").first()
    make_kim(desa=desa, name="KIM <Bertingkat>", tier=make_tier(name="Madya & 'Utama'"), formed_on=date(2015, 1, 1))
    make_kim(desa=desa, name="KIM SK Lama", sk_number="1/2018", sk_date=date(2018, 1, 1), sk_term_end=date(2020, 1, 1))
    settings.PORTAL_REGION = region
    contexts = []
    render = registry.views.render
    monkeypatch.setattr(
        registry.views,
        "render",
        lambda request, name, context, **kw: contexts.append(context) or render(request, name, context, **kw),
    )
    prefix = "" if language == "id" else "/en"
    assert client.get(prefix + reverse("registry:kim-list") + "?q=KIM").status_code == 200
    context = contexts[0]

    with translation.override(language):
        djangos = Template(DIRECTORY_LOOP).render(Context(context))
        ours = Template(DIRECTORY_ROWS).render(Context(context))

    assert ours == djangos
    assert "&lt;Bertingkat&gt;" in ours and ("vitality-" in ours)
    assert ("/kabupaten/62.02/" in ours) is (region == "62")
