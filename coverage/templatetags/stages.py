from django import template

register = template.Library()


@register.filter
def stage_class(stage) -> str:
    """The CSS class that colours a coverage stage (`stage-0` ... `stage-4`)."""
    return f"stage-{int(stage)}"


@register.simple_tag
def map_labels(areas, svg):
    """The areas' numbers placed on the map without overlap (coverage.maps.numbered_labels)."""
    from coverage.maps import numbered_labels

    return numbered_labels(list(areas), svg) if svg else []
