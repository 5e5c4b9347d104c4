import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import ROOT


def test_it_prints_a_summary_and_writes_session_json(assets_dir, tmp_path, capsys):
    out = tmp_path / "session.json"
    call_command("analyze", str(assets_dir / "fixtures" / "single_face.jpg"), "--out", str(out))
    printed = capsys.readouterr().out
    assert "1 face(s)" in printed
    assert "face 0: 1 frames" in printed
    assert "joy" in printed and f"wrote {out}" in printed
    session = json.loads(out.read_text())
    assert session["content_type"] == "application/vnd.affectiva.session.v0+json"
    assert list(session["frames"][0]["faces"]) == ["0"]
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize("fmt, first_bytes", [("csv", "time stamp (msec)"),
                                               ("metrics", '{"content_type": "application/vnd.affectiva.metrics.v0+json"')])
def test_it_writes_the_other_formats(assets_dir, tmp_path, fmt, first_bytes):
    out = tmp_path / f"out.{fmt}"
    call_command("analyze", str(assets_dir / "fixtures" / "single_face.mp4"),
                 "--format", fmt, "--out", str(out), "--sample-fps", "5")
    assert out.read_text().startswith(first_bytes)


def test_it_explains_a_bad_file_without_a_traceback(tmp_path):
    fake = tmp_path / "notes.mp4"
    fake.write_text("these are meeting notes, not a video\n")
    with pytest.raises(CommandError, match="notes.mp4"):
        call_command("analyze", str(fake))
    # And from a shell, as a researcher would run it: one clear line, no traceback.
    result = subprocess.run([sys.executable, "manage.py", "analyze", str(fake)], cwd=ROOT,
                            capture_output=True, text=True, env=os.environ.copy(), timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "notes.mp4" in result.stderr


def test_it_rejects_a_nonsense_sample_rate(assets_dir):
    with pytest.raises(CommandError, match="positive"):
        call_command("analyze", str(assets_dir / "fixtures" / "single_face.jpg"), "--sample-fps", "0")
