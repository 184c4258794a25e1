"""`{% staff_scope_notice %}`: why a staff member sees no data (no kabupaten assigned), or nothing;
`{% staff_work_area %}`: "Wilayah kerja: Kabupaten Kotawaringin Timur" for a scoped staff member."""

from django import template
from django.utils.translation import gettext

from registry.scope import staff_scope

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_scope_notice(context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    return staff_scope(request.user).why_empty


@register.simple_tag(takes_context=True)
def staff_work_area(context) -> str:
    """Where the signed-in staff member works, for the admin's header; "" for a superuser (who sees
    everything) and for a staff member without a kabupaten (the home page says why)."""
    request = context.get("request")
    area = staff_scope(request.user).area if request is not None else ()
    return gettext("Wilayah kerja: %(area)s") % {"area": ", ".join(area)} if area else ""
