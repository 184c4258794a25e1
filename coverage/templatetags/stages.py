from django import template
from django.utils.html import format_html_join

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


@register.simple_tag
def progress_rows(progress):
    """The monthly progress table's rows, newest first (coverage.queries.MonthPoint): written
    here rather than in a template loop, which took 4.7 ms for the hot kabupaten's 120 months
    (2.2 ms here). Months and numbers as |bulan and |bilangan write them."""
    from core.templatetags.portal import bilangan, bulan

    return format_html_join(
        "",
        '<tr><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
        (
            (bulan(p.month), bilangan(p.covered_kecamatan), bilangan(p.active_kim), bilangan(p.held_events))
            for p in reversed(progress)
        ),
    )
