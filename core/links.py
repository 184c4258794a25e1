"""Links to many rows of one page: reverse(viewname, args=[arg]) at a fraction of its cost.

Django's reverse() walks the namespaces and tries the route's pattern on every call: 25 to 30
µs on the ninth session's bench machine (this takes 10), and the directory links each of its
KIM and their kecamatan, a kecamatan page up to 150 KIM, a yearly report thousands. For an argument of digits, or digits and dots (an id, a region
code), reverse_arg reverses the route once per language, script prefix and URLconf with a
stand-in argument and puts the real one in its place: the same string, as digits and dots read
the same whether quoted or not (tests/test_links.py compares them with reverse()'s;
tests/test_admin.py compares the admin lists that use it with Django's).
"""

import re
from functools import lru_cache

from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)*")  # an id, or a region code such as 62.02.01


def reverse_arg(viewname: str, arg, *, current_app: str | None = None) -> str:
    """reverse(viewname, args=[arg], current_app=current_app), the same string."""
    text = str(arg)
    if _PLAIN.fullmatch(text):
        around = _around(
            viewname, current_app, "." in text, get_resolver(get_urlconf()), get_language(), get_script_prefix()
        )
        if around:
            return f"{around[0]}{text}{around[1]}"
    return reverse(viewname, args=[arg], current_app=current_app)


@lru_cache(maxsize=256)
def _around(viewname, current_app, dotted, resolver, language, prefix) -> tuple[str, str] | None:
    """The route's address before and after its argument; None where a stand-in will not do (the
    route refuses it, or it appears twice). A dotted stand-in for a dotted argument: a route that
    takes "0" may refuse "0.0" (`<int:pk>`), and then reverse() refuses the argument too.
    `resolver` is the URLconf's (a new one after clear_url_caches); language and prefix, the
    request's, as reverse() reads them."""
    stand_in = "0.0" if dotted else "0"
    try:
        url = reverse(viewname, args=[stand_in], current_app=current_app)
    except NoReverseMatch:
        return None
    before, found, after = url.partition(f"/{stand_in}/")
    if not found or f"/{stand_in}/" in after:
        return None
    return f"{before}/", f"/{after}"
