"""A catalogue of hostile and broken input, thrown at every URL the resolver knows.

The URLs are enumerated from the resolver, so pages added later are exercised
too: each gets hostile query parameters (wrong types, huge values, unicode,
SQL/HTML/script payloads, invalid dates) as a visitor and as staff, and every
`<converter>` in its route gets hostile values (unknown ids among them).
Never a 500, never a payload echoed unescaped.
"""

import re
from urllib.parse import quote, urlencode

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from core.middleware import HUGE_NUMBER

from ..factories import make_event, make_kim

SCRIPT = "<script>alert('kim')</script>"
HOSTILE_VALUES = [
    "' OR 1=1 --",
    "1; DROP TABLE registry_kim; --",
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "{{ settings.SECRET_KEY }}",
    "9" * 400,
    "-1",
    "0",
    "1e309",
    "NaN",
    "2022-02-30",
    "0000-00-00",
    "9999-12-31",
    "31-12-2022",
    "Désa Ünïcode 𝕂𝕀𝕄 🇮🇩 ‮ltr",
    "../../etc/passwd",
    "",
    " ",
    "%",
    "__proto__",
]
INDONESIAN_MESSAGES = ["Tanggal tidak valid", "Tanggal tidak boleh di masa depan", "Permintaan tidak valid"]
# Every query parameter a page of the portal or the admin reads, and a few it does not.
PARAMETERS = [
    "tanggal",
    "q",
    "p",
    "o",
    "page",
    "kecamatan",
    "aktif",
    "status",
    "kind",
    "tier__id__exact",
    "formed_on__gte",
    "starts_at__year",
    "starts_at__month",
    "starts_at__day",
    "starts_at__gte",
    "role__exact",
    "e",
    "_popup",
    "_changelist_filters",
    "next",
    "format",
    "kabupaten",
    "desa",
    "id__in",
    "nonexistent",
]
# The admin prefills its add forms from a query parameter named after each field (?starts_at=...).
PARAMETERS += sorted(
    {field.name for model in admin.site._registry for field in model._meta.concrete_fields} - set(PARAMETERS)
)
# Values for the <converter> parts of routes: unknown ids, huge and hostile ones.
HOSTILE_IDS = ["999999", "9" * 30, "-1", "abc", "1 OR 1=1", SCRIPT, "Désa 🇮🇩", "..%2F..%2Fetc"]


def walk(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def concrete(route: str, value: str) -> str | None:
    """A path for `route` with `value` in every converter, or None if it cannot be built."""
    # Regex routes: a history revision's unnamed groups ([^/]+) take the value, as a converter
    # does; the admin's app index takes the first alternative of its named group.
    route = route.replace("([^/]+)", quote(value, safe="%"))
    route = route.replace("^", "").replace("$", "").replace("\\Z", "")
    route = re.sub(r"\(\?P<\w+>([^|)]*)[^)]*\)", lambda m: m.group(1), route)
    route = re.sub(r"<(?:\w+:)?\w+>", lambda m: quote(value, safe="%"), route)
    if re.search(r"[()\[\]\\*+?]", route):
        return None
    return "/" + route


def all_routes() -> list[str]:
    return sorted(set(walk(get_resolver())))


ROUTES = all_routes()
BUILT_ROUTES = [r for r in ROUTES if concrete(r, "x") is not None]  # not the admin's catch-all
PLAIN_ROUTES = [r for r in BUILT_ROUTES if concrete(r, "x") == concrete(r, "y")]
ID_ROUTES = [r for r in BUILT_ROUTES if concrete(r, "x") != concrete(r, "y")]


# Values RejectHostileInputMiddleware answers with 400 before any page sees them: in a query
# string with every parameter set, one of them would hide what the page does with the others.
REJECTED_VALUES = [v for v in HOSTILE_VALUES if HUGE_NUMBER.fullmatch(v.strip())]
PAGE_VALUES = [v for v in HOSTILE_VALUES if v not in REJECTED_VALUES]


def hostile_queries():
    """Query strings with every parameter set: together they give each parameter every hostile value."""
    for shift in range(len(PAGE_VALUES)):
        yield urlencode([(name, PAGE_VALUES[(i + shift) % len(PAGE_VALUES)]) for i, name in enumerate(PARAMETERS)])


@pytest.fixture
def world(kotim):
    desa = kotim.kecamatan.get(code="62.02.04").desa.first()
    kim = make_kim(desa=desa, name="KIM Kecamatan Parenggean")
    make_event(kecamatan=desa.kecamatan, desa=desa, kims=[kim])
    return kotim


def assert_handled(response, url):
    assert response.status_code < 500, f"{url} answered {response.status_code}"
    if response.status_code < 300 and response.get("Content-Type", "").startswith("text/html"):
        body = response.content.decode()
        assert SCRIPT not in body, f"{url} echoed a script unescaped"


def test_the_catalogue_finds_the_portals_pages_and_the_admin():
    assert "" in ROUTES and "data/<slug:slug>.json" in ROUTES and "kim/" in ROUTES
    assert any("admin/registry/kim/" in r for r in ROUTES)
    assert len(ROUTES) > 50


# One test per actor over all routes (not one per route): the data is set up once.
@pytest.mark.parametrize("actor", ["visitor", "staff"])
def test_no_page_fails_on_hostile_query_parameters(client, staff, world, actor):
    if actor == "staff":
        client.force_login(staff)
    for route in PLAIN_ROUTES:
        url = concrete(route, "x")
        for query in hostile_queries():
            assert_handled(client.get(f"{url}?{query}"), f"{actor} {url}?{query[:80]}")


def test_no_page_fails_on_unknown_or_hostile_ids(staff_client, world):
    for route in ID_ROUTES:
        for value in HOSTILE_IDS:
            url = concrete(route, value)
            if url is not None:
                assert_handled(staff_client.get(url), url)


@pytest.mark.parametrize("url", ["/", "/data/coverage.json", "/data/coverage.csv"])
@pytest.mark.parametrize("value", HOSTILE_VALUES[:14])
def test_a_hostile_day_gets_a_clear_indonesian_message(client, kotim, url, value):
    response = client.get(url, {"tanggal": value})
    if response.status_code == 400:
        assert any(m in response.content.decode() for m in INDONESIAN_MESSAGES), response.content.decode()[:300]
    else:
        assert response.status_code == 200


def test_a_nul_byte_anywhere_gets_a_400_page_in_indonesian(staff_client, kotim):
    for url in ["/?tanggal=2022%00", "/admin/registry/kim/?q=KIM%00", "/admin/registry/kim/%00/change/"]:
        response = staff_client.get(url)
        assert response.status_code == 400
        assert "Permintaan tidak valid" in response.content.decode()


def test_an_overlong_parameter_gets_a_400_page(client, kotim):
    response = client.get("/", {"tanggal": "2" * 5000})
    assert response.status_code == 400
