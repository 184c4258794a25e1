#!/usr/bin/env python
"""Dump or restore KIM Portal's database (whichever DATABASE_URL names).

python scripts/db_backup.py dump backups/kimportal.dump     # PostgreSQL: pg_dump custom format
python scripts/db_backup.py dump backups/kimportal.json     # SQLite: JSON
python scripts/db_backup.py restore backups/kimportal.dump  # replaces everything
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kimportal.settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["dump", "restore"])
    parser.add_argument("file")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from kimportal.backup import BackupError, dump, restore

    path = Path(args.file)
    try:
        if args.action == "dump":
            if args.file.endswith("/") or path.is_dir():
                stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
                path /= f"kimportal-{stamp}.{'dump' if connection.vendor == 'postgresql' else 'json'}"
            path.parent.mkdir(parents=True, exist_ok=True)
            dump(path)
            print(f"dumped to {path} ({path.stat().st_size} bytes)")
        else:
            restore(path)
            print(f"restored from {path}")
    except BackupError as error:
        sys.exit(str(error))


if __name__ == "__main__":
    main()
