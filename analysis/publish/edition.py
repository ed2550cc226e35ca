"""Which edition of the summary a build is: named by the publish command, never typed twice.

Editions are named by year and number (``2026.1``); ``dev`` is the moving edition built from
``main``. A build made by ``python -m analysis publish`` (through mike) has ``MIKE_DOCS_VERSION``
set; any other build is an unpublished preview of the project's version: the edition typed in
``CITATION.cff``, which ``pyproject.toml`` reads too (a dynamic version, so that an edition needs
no new ``uv.lock``).
Standard library only: the site glue calls this on every build.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from ..errors import PublishError

__all__ = [
    "DEV",
    "EDITION_PATTERN",
    "VERSION_FILE",
    "Edition",
    "current_edition",
    "edition_key",
    "parse_edition_name",
    "project_version",
    "published_address",
]

DEV = "dev"
EDITION_PATTERN = re.compile(r"^(?P<year>20\d\d)\.(?P<number>[1-9]\d{0,2})$")
DISTRIBUTION = "mll-relapse-study"
VERSION_VAR = "MIKE_DOCS_VERSION"  # set by mike (and the publish command) for a versioned build
COMMIT_VAR = "STUDY_SOURCE_COMMIT"  # set by the publish command: the commit being published
VERSION_FILE = "CITATION.cff"
# The line hatchling reads the version from ([tool.hatch.version] in pyproject.toml has the same
# pattern; a test checks that they agree).
VERSION_LINE = re.compile(r'(?m)^version: "(?P<version>[^"]+)"$')


def parse_edition_name(name: str) -> str:
    """Return ``name`` if it names an edition (``YYYY.N``) or ``dev``; raise otherwise.

    Parameters
    ----------
    name
        The proposed edition name, e.g. ``"2026.1"``.

    Raises
    ------
    PublishError
        With the name found and the form expected.
    """
    if name == DEV or EDITION_PATTERN.match(name):
        return name
    hint = ""
    if name.startswith("v") and EDITION_PATTERN.match(name[1:]):
        hint = f" (the tag is v{name[1:]}; the edition is {name[1:]})"
    msg = (
        f"edition name {name!r} is malformed{hint}: expected the year and a number "
        f"from 1, like 2026.1 or 2026.2, or {DEV!r} for the development edition"
    )
    raise PublishError(msg)


def edition_key(name: str) -> tuple[int, int]:
    """Sort key of an edition name: ``"2026.10"`` comes after ``"2026.9"``."""
    match = EDITION_PATTERN.match(name)
    if match is None:
        msg = f"{name!r} is not an edition name (YYYY.N)"
        raise ValueError(msg)
    return int(match["year"]), int(match["number"])


def project_version(project_dir: Path | None = None) -> str:
    """The edition typed in ``CITATION.cff`` (or, without one, the installed package's version)."""
    if project_dir is not None:
        citation = project_dir / VERSION_FILE
        if citation.is_file():
            found = VERSION_LINE.search(citation.read_text(encoding="utf-8"))
            if found is None:
                msg = f'{citation}: found no line `version: "YYYY.N"` (the edition, quoted)'
                raise PublishError(msg)
            return found["version"]
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class Edition:
    """The edition a build belongs to, as the pages and templates show it.

    Attributes
    ----------
    name
        ``"2026.1"``, ``"dev"``, or ``None`` for a build the publish command did not make.
    version
        The project's version (``CITATION.cff``) when the build was made.
    commit
        The commit published (full hash), if the publish command made the build.
    date
        The build's date (from ``SOURCE_DATE_EPOCH``) as ``YYYY-MM-DD``, if set.
    """

    name: str | None
    version: str
    commit: str | None = None
    date: str | None = None

    @property
    def kind(self) -> str:
        """``"edition"``, ``"dev"`` or ``"preview"``."""
        if self.name is None:
            return "preview"
        return "dev" if self.name == DEV else "edition"

    @property
    def label(self) -> str:
        """How a reader should name this edition when citing it."""
        if self.kind == "edition":
            return f"edition {self.name}"
        if self.kind == "dev":
            return f"development edition (after {self.version})"
        return f"unpublished preview (version {self.version})"

    def to_dict(self) -> dict[str, str | None]:
        """Plain values for templates: the fields plus ``kind``, ``label`` and ``short_commit``."""
        return {
            **asdict(self),
            "kind": self.kind,
            "label": self.label,
            "short_commit": self.commit[:7] if self.commit else None,
        }


def current_edition(
    environ: Mapping[str, str] | None = None, *, project_dir: Path | None = None
) -> Edition:
    """The edition of the build running now, from the environment the publish command sets."""
    env = os.environ if environ is None else environ
    name = env.get(VERSION_VAR) or None
    if name is not None:
        parse_edition_name(name)
    date = None
    epoch = env.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        date = datetime.fromtimestamp(int(epoch), tz=UTC).date().isoformat()
    return Edition(
        name=name,
        version=project_version(project_dir),
        commit=env.get(COMMIT_VAR) or None,
        date=date,
    )


def published_address(edition: Mapping[str, str | None]) -> str:
    """ " · online at URL" for a build the publish command made (an edition or dev), else "".

    ``edition`` is the build's edition as templates see it (:meth:`Edition.to_dict` with its
    ``url``). An unpublished preview has no address a reader could return to: its ``site_url``
    is the local default (``http://127.0.0.1:8000/``) or wherever it happens to be served.
    """
    if edition["kind"] == "preview" or not edition["url"]:
        return ""
    return f" · online at {edition['url']}"
