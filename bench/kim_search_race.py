"""Staff rename a KIM while a colleague renames its desa, each in a transaction held open a moment:
the KIM's stored search text must end with both new names (registry.models.KimSearchText).

    .venv/bin/python bench/kim_search_race.py DB            # the portal's code: both names found
    .venv/bin/python bench/kim_search_race.py DB --no-lock  # without the lock: the text is stale

DB is a PostgreSQL database with a KIM (the bench's databases). Both names are put back afterwards.
"""

import sys
import threading
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import bench  # noqa: E402

bench.django_setup(sys.argv[1])

from django.db import connection, models, transaction  # noqa: E402

from registry.models import Kim, KimSearchText  # noqa: E402

if "--no-lock" in sys.argv:
    models.QuerySet.select_for_update = lambda self, **kwargs: self

kim = Kim.objects.select_related("desa").order_by("pk").first()
old_kim, old_desa = kim.name, kim.desa.name
kim_saved = threading.Event()


def rename_kim():
    try:
        with transaction.atomic():
            k = Kim.objects.get(pk=kim.pk)
            k.name = "KIM Balapan Baru"
            k.save()
            kim_saved.set()
            time.sleep(0.5)  # still open while the desa is renamed
    finally:
        connection.close()


def rename_desa():
    try:
        kim_saved.wait()
        with transaction.atomic():
            desa = Kim.objects.get(pk=kim.pk).desa
            desa.name = "Desa Balapan Baru"
            desa.save()
    finally:
        connection.close()


threads = [threading.Thread(target=rename_kim), threading.Thread(target=rename_desa)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
stored = KimSearchText.objects.get(kim=kim).text
wrong = KimSearchText.objects.differences()
kim.refresh_from_db()
kim.name, kim.desa.name = old_kim, old_desa
kim.save()
kim.desa.save()
print(f"stored text: {stored!r}")
print(f"KIM search text: {len(wrong)} difference(s) after the race")
sys.exit(1 if wrong else 0)
