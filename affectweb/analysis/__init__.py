"""The analysis pipeline: media file in, per-face, per-frame metrics out.

Plain Python with no Django import, so it runs in any worker process:

    info = probe(path)                       # validate with PyAV, raises MediaError
    result = analyze(path, AnalysisOptions(), progress=print)
    write_session_json(result, out)          # or write_metrics_json / write_csv
"""

# Lazy exports: importing `affectweb.analysis.types` (as Django code does) must not pull in
# PyAV, OpenCV or MediaPipe.
_EXPORTS = {
    "probe": "media", "iter_frames": "media", "analyze": "pipeline",
    "write_session_json": "writers", "write_metrics_json": "writers", "write_csv": "writers",
    "METRICS": "vocabulary", "CSV_HEADER": "writers",
    "MediaError": "types", "MediaInfo": "types", "AnalysisOptions": "types", "SessionResult": "types",
    "Track": "types",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
