"""The in-app metric help: `docs/metrics.md` itself, rendered, with an index of every metric.

One source: the help page shows the document the repository ships, so whoever changes how
a metric is computed changes the page by editing the docs. The index adds only what the
code knows (label, group, scale) and links each metric to the section that explains it:
the first section with a table row starting with the metric's name, or the name in bold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import markdown
from django.conf import settings

from affectweb.dashboard.metrics import GROUPS, describe

SOURCE = Path(settings.BASE_DIR) / "docs" / "metrics.md"


@dataclass(frozen=True)
class MetricHelp:
    html: str  # the document
    index: list[dict]  # [{"name", "label", "group", "low", "high", "unit", "scale", "anchor", "section"}]


def _sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) per `##`/`###` section, in order."""
    parts = re.split(r"^(#{2,3} .+)$", text, flags=re.M)
    return [(parts[i].lstrip("#").strip(), parts[i + 1]) for i in range(1, len(parts) - 1, 2)]


def _bold_names(body: str) -> set[str]:
    """Names in bold: "**pitch, yaw, roll**", "**face box x/y/width/height**"."""
    names = set()
    for span in re.findall(r"\*\*([^*\n]+)\*\*", body):
        for term in re.split(r", | / ", span):
            head, _, tail = term.strip().rpartition(" ")
            names.update(f"{head} {alt}".strip() for alt in tail.split("/"))
    return names


def _explains(body: str, metric: str) -> bool:
    return bool(re.search(rf"^\| *{re.escape(metric)} *\|", body, re.M)) or metric in _bold_names(body)


# A list straight after a paragraph line, as GitHub renders it; Python-Markdown wants a
# blank line before it, and would print "- " inside the paragraph instead.
_LIST_AFTER_TEXT = re.compile(r"^((?![ \t]*(?:[-*+]|\d+\.)[ \t]).*\S.*)\n(?=[-*+] |\d+\. )", re.M)


def _scale(m: dict) -> str:
    """"0–100", "−90 to 90 degrees", "0 or more pixels": the range said once."""
    if any(c.isdigit() for c in m["unit"]):
        return m["unit"]  # the unit is the range ("0–100", "−100…100", "grey level 0–255")
    lo, hi = m["low"], m["high"]
    if lo is not None and hi is not None:
        return f"{lo:g} to {hi:g} {m['unit']}".replace("-", "−")
    return f"{lo:g} or more {m['unit']}" if lo is not None else m["unit"]


@lru_cache(maxsize=4)
def _render(text: str) -> MetricHelp:
    # The page has its own title: the document's headings sit one level under it.
    md = markdown.Markdown(extensions=["tables", "toc"], extension_configs={"toc": {"baselevel": 2}})
    html = md.convert(_LIST_AFTER_TEXT.sub(r"\1\n\n", text))
    anchors = {entry["name"]: entry["id"] for entry in _flatten(md.toc_tokens)}
    sections = _sections(text)
    index = []
    for _, members in GROUPS:
        for metric in members:
            heading = next((h for h, body in sections if _explains(body, metric)), "")
            m = describe(metric)
            index.append({**m, "scale": _scale(m), "section": heading, "anchor": anchors.get(heading, "")})
    return MetricHelp(html, index)


def _flatten(tokens: list[dict]) -> list[dict]:
    out = []
    for t in tokens:
        out.append(t)
        out += _flatten(t.get("children", []))
    return out


def metric_help() -> MetricHelp:
    return _render(SOURCE.read_text(encoding="utf-8"))
