"""Eight writers add a held event to the same kecamatan and month at once, each in its own
transaction held open a moment: the stored monthly summary must count all eight (issue 23).

    .venv/bin/python bench/summary_race.py DB            # the portal's code: 8 events, row 8
    .venv/bin/python bench/summary_race.py DB --no-lock  # without the row lock: updates get lost

DB is a PostgreSQL database with Kotim's regions (the bench's small database). The events are
removed afterwards.
"""

import sys
import threading
import time
from datetime import date, datetime

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import bench  # noqa: E402

bench.django_setup(sys.argv[1])

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from coverage.models import MonthlySummary, MonthlySummaryQuerySet, OutreachEvent  # noqa: E402
from registry.models import Kecamatan  # noqa: E402

if "--no-lock" in sys.argv:
    MonthlySummaryQuerySet.select_for_update = lambda self, **kwargs: self
WRITERS, MONTH = 8, date(2023, 5, 1)
kecamatan = Kecamatan.objects.get(code="62.02.01")
barrier = threading.Barrier(WRITERS)


def writer(i):
    try:
        with transaction.atomic():
            barrier.wait()
            OutreachEvent.objects.create(
                title=f"Race {i}",
                kind="sosialisasi",
                status="held",
                starts_at=timezone.make_aware(datetime(2023, 5, 10, 9)),
                kecamatan=kecamatan,
            )
            time.sleep(0.2)  # the others recompute the row meanwhile
    finally:
        connection.close()


for _round in range(2):  # the first round creates the row, the second finds it
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    events = OutreachEvent.objects.filter(kecamatan=kecamatan, title__startswith="Race").count()
    stored = MonthlySummary.objects.get(kecamatan=kecamatan, month=MONTH).held_events
    print(f"{events} race events, summary row {stored}, differences: {len(MonthlySummary.objects.differences())}")
    OutreachEvent.objects.filter(title__startswith="Race").delete()
