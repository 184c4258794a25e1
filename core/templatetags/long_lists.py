"""{% long_result_list cl %}: the admin list's table, its rows written by LongChangeList.

templates/admin/change_list.html uses it in place of Django's {% result_list %}; lists that are
not LongChangeLists, and rows LongChangeList leaves to Django, get Django's own."""

from django import template
from django.contrib.admin.templatetags.admin_list import result_headers, result_hidden_fields, result_list
from django.contrib.admin.templatetags.base import InclusionAdminNode

register = template.Library()


def long_result_list(cl):
    rows = cl.result_rows() if hasattr(cl, "result_rows") else None
    if rows is None:
        return result_list(cl)
    headers = list(result_headers(cl))  # the rest as Django's result_list
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": rows,
    }


@register.tag(name="long_result_list")
def long_result_list_tag(parser, token):
    return InclusionAdminNode(
        parser, token, func=long_result_list, template_name="change_list_results.html", takes_context=False
    )
