"""Links that tell search engines which page is which: canonical and hreflang alternates."""

import html

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """<link rel="canonical"> and one <link rel="alternate" hreflang> per language (and x-default),
    on pages that exist in every language; nothing on others (/petugas/, error pages).

    The canonical address leaves the query string out: `/?tanggal=2022-03-25` is a view of `/`.
    """
    request = context.get("request")
    if request is None or getattr(request, "resolver_match", None) is None:
        return ""
    urls = {code: translate_url(request.path, code) for code, _name in settings.LANGUAGES}
    if len(set(urls.values())) < len(urls):
        return ""
    origin = f"{request.scheme}://{request.get_host()}"
    alternates = [*urls.items(), ("x-default", urls[settings.LANGUAGE_CODE])]
    return format_html(
        '<link rel="canonical" href="{}">\n  {}',
        origin + urls.get(get_language(), request.path),
        format_html_join(
            "\n  ", '<link rel="alternate" hreflang="{}" href="{}">', ((c, origin + u) for c, u in alternates)
        ),
    )


CSS_SAFE = set(" .,:/?=_~%+-#@!()·")


@register.filter
def css_string(value) -> str:
    """`value` (text or already-escaped HTML) as the inside of a quoted CSS string, safe in a
    <style> element: every character but letters, digits and plain punctuation as a CSS escape."""
    text = html.unescape(str(value))
    return mark_safe("".join(c if c.isalnum() or c in CSS_SAFE else f"\\{ord(c):x} " for c in text))  # noqa: S308
