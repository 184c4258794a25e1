from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context, language):
    """The current page in another language (/ <-> /en/)."""
    request = context["request"]
    return translate_url(request.get_full_path(), language)


@register.filter
def stage_class(stage) -> str:
    return f"stage-{int(stage)}"
