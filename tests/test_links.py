"""Links to many rows of a page (core.links.reverse_arg) are Django's own reverse(), character for character."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from core.links import reverse_arg

ROUTES = {
    "coverage:kecamatan-detail": ["62.02.01", "32.01.10", "0", "7", "62.02", "a b", "é", "62.02.01.", "1..2", "x/y"],
    "coverage:kim-detail": [1, 42, 1234567, "17", "62.02.01", "abc", "-1", "0.0"],
    "coverage:yearly-report": [2026, 1, "2026.5"],
    "admin:registry_kim_change": [1, 99999, "1.5", "a b", "_3A"],
}


def reversed_by_django(viewname, arg, **kwargs):
    try:
        return reverse(viewname, args=[arg], **kwargs)
    except NoReverseMatch:
        return NoReverseMatch


def reversed_by_us(viewname, arg, **kwargs):
    try:
        return reverse_arg(viewname, arg, **kwargs)
    except NoReverseMatch:
        return NoReverseMatch


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("prefix", ["/", "/portal/"])
@pytest.mark.parametrize("viewname", ROUTES)
def test_a_rows_link_is_what_reverse_writes(viewname, language, prefix):
    kwargs = {"current_app": "admin"} if viewname.startswith("admin:") else {}
    set_script_prefix(prefix)
    try:
        with translation.override(language):
            for arg in ROUTES[viewname]:
                assert reversed_by_us(viewname, arg, **kwargs) == reversed_by_django(viewname, arg, **kwargs), arg
    finally:
        set_script_prefix("/")


def test_a_route_that_takes_no_such_argument_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        reverse_arg("coverage:kim-detail", "62.02.01")  # <int:pk>
    with pytest.raises(NoReverseMatch):
        reverse_arg("coverage:dashboard", 1)  # no argument at all
