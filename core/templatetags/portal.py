from django import template
from django.urls import translate_url
from django.utils.formats import number_format

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context, language):
    """The current page in another language (/ <-> /en/)."""
    request = context.get("request")
    if request is None:  # the 500 page renders without a request
        return translate_url("/", language)
    return translate_url(request.get_full_path(), language)


@register.filter
def bilangan(value):
    """A whole number grouped in thousands the active language's way: 1.571 in Bahasa Indonesia,
    1,571 in English (Django groups only where USE_THOUSAND_SEPARATOR is on, which would also
    group years and codes). Anything that is not a number is shown as it is."""
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return number_format(value, force_grouping=True)
