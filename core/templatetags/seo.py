"""Links that tell search engines which page is which: canonical and hreflang alternates."""

import html

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import conditional_escape, format_html, format_html_join
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


@register.filter(is_safe=True)
def css_string(value) -> str:
    """`value` (text or already-escaped HTML) as the inside of a CSS string in an HTML attribute:
    quotes, backslashes and control characters as CSS escapes, then HTML-escaped."""
    text = html.unescape(str(value))
    escaped = "".join(f"\\{ord(c):x} " if c in "\\'\"" or ord(c) < 0x20 or c == "\x7f" else c for c in text)
    return conditional_escape(escaped)
