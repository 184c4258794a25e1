"""The README stays true: the pictures it shows exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_image_the_readme_shows_is_in_the_repository():
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (ROOT / "README.md").read_text())
    assert images, "the README shows the field officer flow with screenshots"
    assert [i for i in images if not (ROOT / i).is_file()] == []
