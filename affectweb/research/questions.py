"""The questions a participant answers before recording, as the setup form writes them."""

from __future__ import annotations


def parse_questions(text: str) -> list[dict]:
    """`key: Label | choice, choice` lines; no choices means a free field."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        key, _, rest = line.partition(":")
        label, _, choices = rest.partition("|")
        key = key.strip()[:100]
        if not key:
            raise ValueError(f"“{line.strip()}” has no key.")
        out.append({"key": key, "label": label.strip() or key,
                    "choices": [c.strip() for c in choices.split(",") if c.strip()]})
    return out


def as_text(questions: list[dict]) -> str:
    """The questions back as the form's text (what `parse_questions` reads)."""
    return "\n".join(
        f"{q['key']}: {q.get('label', q['key'])}" + (f" | {', '.join(q['choices'])}" if q.get("choices") else "")
        for q in questions)
