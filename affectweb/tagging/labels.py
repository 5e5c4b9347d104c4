"""The tagger's vocabulary: readable names of the 1000 ImageNet-1k classes.

`imagenet_classes.txt` is OpenCV's `samples/data/dnn/classification_classes_ILSVRC2012.txt`
(Apache-2.0), as Debian's `opencv-doc` 4.6.0 ships it: one line per class in the order of
the model's outputs, each the WordNet synonyms of the class ("tabby, tabby cat").
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

CLASSES_FILE = Path(__file__).with_name("imagenet_classes.txt")


def readable(synonyms: str) -> str:
    """One name per class: the first synonym, or a later one that spells it out
    ("tabby, tabby cat" → "tabby cat", "hammerhead, hammerhead shark" → "hammerhead shark")."""
    names = [name.strip() for name in synonyms.split(",")]
    longer = [name for name in names[1:] if name.lower().startswith(names[0].lower() + " ")]
    return longer[0] if longer else names[0]


@cache
def vocabulary() -> tuple[tuple[str, ...], np.ndarray]:
    """The distinct tag names, and for each model output the index of its name.

    A few ImageNet classes share a name (two "crane"s, a bird and a machine; two
    "maillot"s): a tag is a word, so their probabilities are added up under it.
    """
    lines = CLASSES_FILE.read_text().splitlines()
    names = [readable(line) for line in lines]
    distinct = tuple(dict.fromkeys(names))
    position = {name: i for i, name in enumerate(distinct)}
    return distinct, np.array([position[name] for name in names], dtype=np.intp)
