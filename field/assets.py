"""The field area's static files that phones keep for offline use: its styles and its script.

The script is a set of small ES modules in field/static/js/field/ (entry: main.js), served as they
are. Every module is listed here, read from that folder, so the service worker keeps each of them
(field.views.service_worker) and the pages preload them (templatetags/field_scripts.py).
"""

from pathlib import Path

MODULES_DIR = Path(__file__).resolve().parent / "static" / "js" / "field"
ENTRY = "js/field/main.js"
MODULES = sorted(f"js/field/{path.name}" for path in MODULES_DIR.glob("*.js"))
WORKER = "js/field-sw.js"
KEPT = ["css/portal.css", "css/field.css", *MODULES]  # what the service worker keeps
