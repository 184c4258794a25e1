"""Eight writers add a KIM to the same kabupaten at once, each in its own transaction held open a
moment: the stored KIM summary must count all eight (issue 23).

    .venv/bin/python bench/kim_summary_race.py DB            # the portal's code: 8 more KIM counted
    .venv/bin/python bench/kim_summary_race.py DB --no-lock  # without the lock: writers fail

DB is a PostgreSQL database with Kotim's regions (the bench's databases). The KIM are removed
afterwards.
"""

import sys
import threading
import time
from datetime import date

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import bench  # noqa: E402

bench.django_setup(sys.argv[1])

from django.db import IntegrityError, connection, transaction  # noqa: E402

from registry.models import Desa, Kabupaten, KabupatenQuerySet, Kim, KimMonthlySummary  # noqa: E402

if "--no-lock" in sys.argv:
    KabupatenQuerySet.select_for_update = lambda self, **kwargs: self
WRITERS, FORMED = 8, date(1999, 5, 10)  # a month no other KIM of the bench is formed in
kabupaten = Kabupaten.objects.get(code="62.02")
desa = list(Desa.objects.filter(kecamatan__kabupaten=kabupaten).order_by("code")[:WRITERS])
barrier = threading.Barrier(WRITERS)


failed = []


def writer(i):
    try:
        with transaction.atomic():
            barrier.wait()
            Kim.objects.create(name=f"KIM Balapan {i}", desa=desa[i], formed_on=FORMED)
            time.sleep(0.2)  # the others recompute the kabupaten's rows meanwhile
    except IntegrityError as error:  # without the lock: two writers insert the same month's row
        failed.append(str(error).splitlines()[0])
    finally:
        connection.close()


threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
[t.start() for t in threads]
[t.join() for t in threads]
kims = Kim.objects.filter(name__startswith="KIM Balapan").count()
row = KimMonthlySummary.objects.get(kabupaten=kabupaten, month=FORMED.replace(day=1))
differences = KimMonthlySummary.objects.differences()
counting = Kim.objects.in_kabupaten(kabupaten).active_on(date(1999, 5, 31)).count()
print(f"{len(failed)} writer(s) failed: {sorted(set(failed))}")
print(
    f"{kims} race KIM, {counting} counting at the month's end, summary row {row.active_kim}, differences: {len(differences)}"
)
Kim.objects.filter(name__startswith="KIM Balapan").delete()
