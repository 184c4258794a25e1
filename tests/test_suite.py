"""The suite itself: no test skips quietly for a tool the machine lacks (CI would not notice)."""

import ast
from pathlib import Path

import pytest

from .tools import missing_tool

TESTS = Path(__file__).resolve().parent
SKIPS = {"skip", "skipif", "importorskip", "skipIf", "skipUnless"}
# A skip may name the database it needs (the other suite runs it), or go through tools.missing_tool,
# which fails instead under CI.
OTHER_DATABASE = ("postgres", "sqlite", "vendor", "ENGINE")
# Not a tool: on PostgreSQL, autovacuum may already have analysed the table the test needs unanalysed.
KNOWN = {"the test database's kabupaten table has statistics"}


def quiet_skips(source: str) -> list[str]:
    """The skip calls in `source` that name neither a database nor a known condition."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in SKIPS:
            call = ast.get_source_segment(source, node)
            if not any(word.lower() in call.lower() for word in OTHER_DATABASE) and not any(k in call for k in KNOWN):
                found.append(f"line {node.lineno}: {call}")
    return found


def test_a_skip_for_a_missing_tool_is_found():
    source = 'import shutil, pytest\n@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler missing")\ndef test_x(): pass\n'
    assert quiet_skips(source) == [
        'line 2: pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler missing")'
    ]
    assert quiet_skips('import pytest\npytest.importorskip("PIL")\n') != []
    assert quiet_skips('pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")\n') == []


def test_no_test_skips_for_a_missing_tool_except_through_missing_tool():
    """tools.missing_tool skips on a developer's machine but fails under CI (CI=true)."""
    found = {
        str(path.relative_to(TESTS)): quiet_skips(path.read_text())
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != "tools.py"
    }
    assert {path: skips for path, skips in found.items() if skips} == {}


def test_a_missing_tool_skips_on_a_developers_machine_and_fails_under_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("KIM_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="poppler"):
        missing_tool("poppler missing")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        missing_tool("poppler missing")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="poppler"):
        missing_tool("poppler missing")


# Kotim's regions are written once for every test that asks for them (tests/conftest.py SharedRows):
# what one such test writes is rolled back before the next, which still finds all 185 desa.
def test_a_test_on_the_shared_regions_writes_to_them(kotim):
    from registry.models import Desa, Kecamatan

    from .factories import make_kim

    Kecamatan.objects.filter(code="62.02.04").update(name="Diganti oleh tes")
    make_kim(desa=Desa.objects.filter(kecamatan__code="62.02.04").first())


def test_the_next_test_on_the_shared_regions_finds_them_as_loaded(kotim):
    from registry.models import Desa, Kecamatan, Kim

    assert Kecamatan.objects.get(code="62.02.04").name == "Parenggean"
    assert (Kecamatan.objects.filter(kabupaten=kotim).count(), Desa.objects.count()) == (17, 185)
    assert not Kim.objects.exists()
