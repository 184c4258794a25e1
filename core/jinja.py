"""The Jinja2 environment of the portal's row templates (templates/jinja2/).

The pages are Django templates. Their longest loops (a dashboard's kecamatan, map and months, a
kecamatan page's desa and events, the directory's KIM, the yearly report's lists of KIM) are
Jinja2 templates, written in through {% rows "name.jinja" key=value %}
(core/templatetags/portal.py): Jinja2 compiles a template to Python code, so a row costs a few
microseconds rather than Django's node by node rendering (docs/benchmarks.md measures each).

They hold markup and values only. Every word a visitor reads is translated in the Django
template or the view and handed in (makemessages reads Django templates and Python, not Jinja2),
which tests/core/test_rows_templates.py checks. Every value a template writes ({{ ... }}) is
escaped once, as Django escapes it (`escape_as_django`, Jinja2's `finalize`; Jinja2's own
autoescape is off, or each value would be wrapped and checked twice), and shown by the same
filters as Django's templates: |bilangan, |tanggal, |bulan, |truncatechars(n); url(name, arg) is
{% url name arg %} for one id or region code (core.links.reverse_arg)."""

import html

from django.template.defaultfilters import truncatechars
from jinja2 import Environment, StrictUndefined

from .links import reverse_arg
from .templatetags.portal import bilangan, bulan, tanggal


def escape_as_django(value) -> str:
    """A value as Django's templates write it (django.utils.html.conditional_escape): safe markup
    as it is, anything else through html.escape, which writes ' and " as &#x27; and &quot; where
    Jinja2's own escaping writes &#39; and &#34;. The same bytes as the Django template had."""
    if value.__class__ is str:  # most values: skip the check for __html__
        return html.escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def environment(**options) -> Environment:
    """For Django's Jinja2 backend (settings.TEMPLATES). A name a template uses and its caller did
    not hand in is an error, never an empty string on a public page."""
    options["undefined"] = StrictUndefined
    options["autoescape"] = False  # escape_as_django escapes every value written, once
    options["finalize"] = escape_as_django
    env = Environment(**options)
    env.filters.update(bilangan=bilangan, tanggal=tanggal, bulan=bulan, truncatechars=truncatechars)
    env.globals["url"] = reverse_arg  # url("coverage:kabupaten-dashboard", "62.02"), as {% url %} writes it
    return env
