"""Reading a whole table in chunks: every row, in order, in few large pieces of text."""

from core.db import batched_text, read_all
from registry.models import Desa


def test_reading_all_desa_in_small_chunks_returns_every_row_in_order(kotim):
    expected = list(Desa.objects.order_by("code").values_list("code", flat=True))

    read = list(read_all(Desa.objects.order_by("code").values_list("code", flat=True), chunk_size=7))

    assert read == expected and len(read) == 185


def test_many_short_lines_are_streamed_as_few_large_chunks():
    lines = [f"baris {i}\n" for i in range(10_000)]

    chunks = list(batched_text(lines, size=4096))

    assert "".join(chunks) == "".join(lines)
    assert len(chunks) < 40 and all(len(c) >= 4096 for c in chunks[:-1])
