"""The field area's script: small ES modules served as they are, each kept on the phone by the
service worker, and the outbox's state machine tested on its own with Node's test runner.

Node is Debian's `nodejs` (18 or newer: ES modules and node:test); .ci/run installs it, and a
missing node fails here instead of skipping, so CI always runs the JavaScript tests."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.templatetags.static import static

from core.storage import StaticStorage
from field import assets

ROOT = Path(__file__).resolve().parents[2]
NODE_TESTS = sorted((ROOT / "tests" / "field" / "js").glob("*.test.mjs"))
IMPORT = re.compile(r"""^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)";""", re.MULTILINE | re.DOTALL)


def imports(text: str) -> list[str]:
    return IMPORT.findall(text)


def test_the_outbox_state_machine_passes_its_node_tests():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: apt-get install nodejs (Debian's, 18 or newer; .ci/run installs it)")
    run = subprocess.run([node, "--test", *map(str, NODE_TESTS)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    passed = re.search(r"^# pass (\d+)$", run.stdout, re.MULTILINE)
    assert NODE_TESTS and passed and int(passed.group(1)) >= 20, run.stdout[-2000:]


def test_the_state_machine_needs_no_page_to_run():
    source = (assets.MODULES_DIR / "outbox-state.js").read_text()
    assert imports(source) == []
    assert not re.search(r"\b(document|window|indexedDB|fetch|navigator|location)\b", source)


def test_each_module_is_small_and_imports_only_its_neighbours():
    for name in assets.MODULES:
        source = (assets.MODULES_DIR.parent.parent / name).read_text()
        assert len(source.splitlines()) <= 300, name
        for target in imports(source):
            assert target.startswith("./") and (assets.MODULES_DIR / target[2:]).is_file(), (name, target)


def test_the_service_worker_keeps_every_module_for_offline_use(client):
    body = client.get("/petugas/sw.js").content.decode()
    config = json.loads(re.match(r"self\.FIELD_SW = (.*);\n", body).group(1))
    assert len(assets.MODULES) >= 10
    assert {static(name) for name in assets.MODULES} <= set(config["assets"])


def test_the_field_pages_load_the_entry_module_and_preload_the_others(client):
    html = client.get("/petugas/masuk/").content.decode()
    assert f'<script type="module" src="{static(assets.ENTRY)}"></script>' in html
    assert html.count('<link rel="modulepreload"') == len(assets.MODULES) - 1


def test_the_hashed_modules_import_each_other_by_their_hashed_names(tmp_path):
    """In production every module has a hashed name; a plain `./outbox.js` would mix versions."""
    source = FileSystemStorage(location=assets.MODULES_DIR.parents[1])
    storage = StaticStorage(location=tmp_path, base_url="/static/")
    for name in assets.MODULES:
        with source.open(name) as file:
            storage.save(name, file)
    list(storage.post_process({name: (source, name) for name in assets.MODULES}))
    hashed = {Path(name).name for name in storage.hashed_files.values()}  # "outbox.76fceddb519c.js", ...
    targets = {name: imports((tmp_path / storage.hashed_files[name]).read_text()) for name in assets.MODULES}
    assert len(targets[assets.ENTRY]) >= 5
    assert {name: [t for t in found if t[2:] not in hashed] for name, found in targets.items()} == dict.fromkeys(
        targets, []
    )
