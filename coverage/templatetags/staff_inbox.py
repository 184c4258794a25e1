"""`{% staff_inbox_items as items %}`: the admin home page's inbox for the logged-in user (coverage.inbox);
`{% staff_inbox_area as area %}`: where that inbox counts, in the words of the header's "Wilayah kerja"."""

from django import template
from django.utils import timezone

from coverage.inbox import InboxItem, staff_inbox
from registry.scope import staff_scope

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_inbox_items(context) -> list[InboxItem]:
    request = context.get("request")
    if request is None or not request.user.is_staff:
        return []
    return staff_inbox(user=request.user, on=timezone.localdate())


@register.simple_tag(takes_context=True)
def staff_inbox_area(context) -> str:
    """ "Kabupaten Kotawaringin Timur" (or "Provinsi Kalimantan Tengah" for a province coordinator);
    "" for a superuser, whose inbox counts everywhere."""
    request = context.get("request")
    return ", ".join(staff_scope(request.user).area) if request is not None else ""
