"""Test helpers: in-memory documents fed to the file-based ingestion; uploads as the page sends them."""

import io
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from affectweb.protocols.affectiva import SESSION_V0
from affectweb.clients.results import ParsedResult, parse
from affectweb.dashboard.ingest import ingest


def ingest_bytes(media, raw: bytes, content_type: str = SESSION_V0) -> bool:
    """Ingest a document given in memory, as the tasks do with a downloaded file."""
    with tempfile.NamedTemporaryFile() as tmp:
        tmp.write(raw)
        tmp.flush()
        return ingest(media, Path(tmp.name), content_type)


def parse_bytes(raw: bytes, content_type: str) -> ParsedResult:
    return parse(io.StringIO(raw.decode()), content_type)


def upload(client, study, path: Path) -> dict:
    """Upload a file to `study` as the page does; the JSON answer about it."""
    response = client.post(f"/studies/{study.pk}/upload", {"files": [SimpleUploadedFile(path.name, path.read_bytes())]},
                           HTTP_ACCEPT="application/json")
    return response.json()["results"][0]
