"""Set-up shared by the Django benchmarks: import it first.

Points Django at a throw-away SQLite database and media folder (never the developer's
own), then calls django.setup(). `TMP` is that folder.
"""

import os
import sys
import tempfile
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="affectweb-bench-"))
os.environ.update({
    "DATABASE_URL": f"sqlite:///{TMP / 'bench.sqlite3'}", "MEDIA_ROOT": str(TMP / "media"),
    "SECRET_KEY": "bench-only", "LOG_LEVEL": "WARNING",
})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "affectweb.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()
