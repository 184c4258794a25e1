from django import template

register = template.Library()


@register.filter
def stage_class(stage) -> str:
    """The CSS class that colours a coverage stage (`stage-0` ... `stage-4`)."""
    return f"stage-{int(stage)}"
