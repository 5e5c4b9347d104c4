"""Write a .env with fresh random secrets for a local installation (never overwrites)."""

import secrets
import sys
from pathlib import Path

path = Path(sys.argv[1] if len(sys.argv) > 1 else ".env")
if not path.exists():
    path.write_text(
        "# Written by `make run` for this machine. Keep it private.\n"
        f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
    )
    path.chmod(0o600)
    print(f"wrote {path} with new random secrets")
