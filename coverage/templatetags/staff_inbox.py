"""`{% staff_inbox as items %}`: the admin home page's inbox for the logged-in user (coverage.inbox)."""

from django import template
from django.utils import timezone

from coverage.inbox import InboxItem, staff_inbox

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_inbox_items(context) -> list[InboxItem]:
    request = context.get("request")
    if request is None or not request.user.is_staff:
        return []
    return staff_inbox(user=request.user, on=timezone.localdate())
