from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join

from field.assets import ENTRY, MODULES

register = template.Library()


@register.simple_tag
def field_scripts():
    """The field area's entry module, its neighbours preloaded: one round trip instead of one per import level."""
    preloads = format_html_join(
        "\n", '<link rel="modulepreload" href="{}">', ((static(m),) for m in MODULES if m != ENTRY)
    )
    return format_html('{}\n<script type="module" src="{}"></script>', preloads, static(ENTRY))
