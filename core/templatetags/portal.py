from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context, language):
    """The current page in another language (/ <-> /en/)."""
    request = context.get("request")
    if request is None:  # the 500 page renders without a request
        return translate_url("/", language)
    return translate_url(request.get_full_path(), language)
