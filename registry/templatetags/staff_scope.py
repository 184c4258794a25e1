"""`{% staff_scope_notice %}`: why a staff member sees no data (no kabupaten assigned), or nothing."""

from django import template

from registry.scope import staff_scope

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_scope_notice(context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    return staff_scope(request.user).why_empty
