"""The analysis bundle, as the analysis child writes it and the site generator reads it.

A cache entry is a folder ``bundle-<fingerprint>/`` holding ``bundle.json`` (HTML blocks,
values, text files: :class:`Bundle`) and ``files/`` (pictures, stored as files). The child that
computes an entry prints :data:`READY` and the path of ``bundle.json`` as soon as it is written,
and draws the pictures after, so the site generator builds its pages while they are drawn.
Standard library only: a build whose inputs have not changed reads the cached bundle and never
imports pandas, scipy, altair or lifelines.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

__all__ = ["BUNDLE_FORMAT", "BUNDLE_JSON", "FILES_DIR", "READY", "ROOT_TOKEN", "Bundle"]

BUNDLE_FORMAT = 4
BUNDLE_JSON = "bundle.json"
FILES_DIR = "files"  # beside bundle.json: the files listed in Bundle.external
READY = "ready"  # what the child prints, with the path of bundle.json, once it is written
ROOT_TOKEN = "__SITE_ROOT__/"  # replaced by the site glue with the page's path to the site root


@dataclass(frozen=True)
class Bundle:
    """Rendered output: HTML blocks by ``"kind:name"``, inline values, and files for the site.

    ``files`` maps a site path to its text; ``external`` lists site paths whose content is a
    file under ``files/`` beside the bundle (pictures, drawn after the bundle is handed over).
    ``citation`` is the paper's reference (:func:`analysis.study.citation.citation_record`):
    the site generator reads it here and never parses a data file.
    """

    blocks: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    external: list[str] = field(default_factory=list)
    fingerprint: str = ""
    citation: dict[str, object] = field(default_factory=dict)

    def names(self, kind: str) -> list[str]:
        if kind == "value":
            return sorted(self.values)
        prefix = f"{kind}:"
        return sorted(k.removeprefix(prefix) for k in self.blocks if k.startswith(prefix))

    def to_json(self) -> str:
        return json.dumps({"format": BUNDLE_FORMAT, **asdict(self)}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Bundle:
        raw = json.loads(text)
        if raw.pop("format", None) != BUNDLE_FORMAT:
            msg = "bundle written by another version of the analysis package"
            raise ValueError(msg)
        return cls(**raw)
