"""Serve plotly.js from the installed plotly package: no CDN, no copy to keep in sync.

Only `vendor/plotly.min.js` is exposed, not the package's other data files.
"""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PACKAGE_DATA = Path(plotly.__file__).parent / "package_data"
PREFIX = "vendor"
FILENAME = "plotly.min.js"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=PACKAGE_DATA)
        self.storage.prefix = PREFIX  # collectstatic copies it to STATIC_ROOT/vendor/

    def check(self, **kwargs):
        return []

    def find(self, path: str, find_all: bool = False, **kwargs):
        if path == f"{PREFIX}/{FILENAME}":
            match = str(PACKAGE_DATA / FILENAME)
            return [match] if find_all else match
        return []  # like Django's own finders: find() would wrap a None in a list

    def list(self, ignore_patterns):
        yield FILENAME, self.storage
