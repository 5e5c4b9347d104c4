"""The analysis pipeline: media file in, per-face, per-frame metrics out.

Plain Python with no Django import, so it runs in any worker process:

    info = probe(path)                       # validate with PyAV, raises MediaError
    result = analyze(path, AnalysisOptions(), progress=print)
    write_session_json(result, out)          # or write_metrics_json / write_csv
"""
