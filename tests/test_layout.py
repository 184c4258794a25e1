"""The rooms of the code: each app has one job, and imports point one way.

core <- registry <- coverage <- field, opendata; kimportal (settings, URLs,
demo data) sits on top. A newcomer can then tell from the tree where a
change belongs, and a lower room never breaks because a higher one moved.
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# How far up each room stands; a room may import only rooms below it.
LEVEL = {"core": 0, "registry": 1, "coverage": 2, "field": 3, "opendata": 3, "kimportal": 4}


def python_files(app):
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


def imported_rooms(path: Path) -> set[str]:
    """Every room of the project that `path` imports, at any depth of the file."""
    rooms = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        rooms.update(name.split(".")[0] for name in names if name.split(".")[0] in LEVEL)
    return rooms


def upward_imports():
    found = []
    for app, level in LEVEL.items():
        for path in python_files(app):
            for room in imported_rooms(path) - {app}:
                if LEVEL[room] >= level:
                    found.append(f"{path.relative_to(ROOT)} imports {room}")
    return found


def code_lines(app) -> int:
    return sum(1 for p in python_files(app) for line in p.read_text(encoding="utf-8").splitlines() if line.strip())


def test_imports_point_only_down_from_field_and_opendata_to_core():
    assert upward_imports() == []


@pytest.fixture
def copy_of_the_code(tmp_path, monkeypatch) -> Path:
    """The rooms' Python files copied, and the checks pointed at the copy: a test plants a bad
    import there, never in the work tree, where the other tests (side by side under pytest-xdist)
    read the code at the same moment."""
    for app in LEVEL:
        for path in python_files(app):
            copy = tmp_path / path.relative_to(ROOT)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(path.read_bytes())
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    return tmp_path


def test_the_import_check_sees_an_upward_import(copy_of_the_code):
    planted = copy_of_the_code / "registry" / "_planted_upward_import.py"
    planted.write_text("from coverage.models import OutreachEvent\n", encoding="utf-8")
    assert upward_imports() == ["registry/_planted_upward_import.py imports coverage"]


def test_core_knows_no_app_of_the_portal():
    assert set().union(*(imported_rooms(p) for p in python_files("core"))) <= {"core"}


def test_no_room_holds_more_than_a_third_of_the_code():
    sizes = {app: code_lines(app) for app in LEVEL}
    total = sum(sizes.values())
    assert {app: n for app, n in sizes.items() if n > total / 3} == {}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """The project's modules `path` imports, at any depth (an import inside a function counts too)."""
    package = module_name(path).rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], *filter(None, [base])]
                )
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def import_circles() -> list[list[str]]:
    """Modules of the project that import each other, directly or round a loop."""
    files = {module_name(p): p for app in LEVEL for p in python_files(app)}
    graph = {name: sorted(imported_modules(path) & files.keys() - {name}) for name, path in files.items()}
    circles, done = [], set()

    def visit(name, trail):
        if name in trail:
            circles.append(trail[trail.index(name) :])
            return
        if name in done:
            return
        for target in graph[name]:
            visit(target, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    return circles


def test_no_two_modules_import_each_other_even_from_inside_a_function():
    """registry/models.py, scope.py and vitality.py once did, each hiding the loop in a function's import."""
    assert import_circles() == []


def test_the_circle_check_sees_a_loop_hidden_in_a_function(copy_of_the_code):
    planted = copy_of_the_code / "registry" / "_planted_circle.py"
    planted.write_text("def f():\n    from registry import _planted_circle_b\n", encoding="utf-8")
    other = copy_of_the_code / "registry" / "_planted_circle_b.py"
    other.write_text("from . import _planted_circle\n", encoding="utf-8")
    assert import_circles() == [["registry._planted_circle", "registry._planted_circle_b"]]
