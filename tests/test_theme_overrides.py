"""The theme partials the site overrides stay Material's own plus one intended change each, so an
upgrade of Material cannot leave a stale copy behind unnoticed."""

from __future__ import annotations

import difflib
import re
from importlib import resources

from testsupport.project import PROJECT

OUR_SEARCH = PROJECT / "overrides" / "partials" / "search.html"
# The one change: the search dialog gets an accessible name (axe rule aria-dialog-name).
DIALOG_NAME = " aria-label=\"{{ lang.t('search') }}\""
DIALOG = '<div class="md-search" data-md-component="search" role="dialog"'
LEADING_COMMENT = re.compile(r"\A\{#-.*?-#\}\n", re.DOTALL)


def installed_search_partial() -> str:
    return resources.files("material").joinpath("templates", "partials", "search.html").read_text()


def drift(ours: str, installed: str) -> list[str]:
    """Diff lines between our partial with its one change undone and Material's ([] if none).

    Each file's leading ``{#- … -#}`` comment (ours says where it comes from; Material's says it
    is generated) is left out of the comparison.
    """
    ours = LEADING_COMMENT.sub("", ours, count=1).replace(DIALOG + DIALOG_NAME, DIALOG, 1)
    installed = LEADING_COMMENT.sub("", installed, count=1)
    diff = difflib.unified_diff(
        installed.splitlines(),
        ours.splitlines(),
        "material/templates/partials/search.html (installed)",
        "overrides/partials/search.html (its one change undone)",
        lineterm="",
    )
    return list(diff)


def test_the_search_partial_is_materials_own_but_for_the_dialogs_name() -> None:
    ours = OUR_SEARCH.read_text()
    assert DIALOG + DIALOG_NAME + ">" in ours, "the intended change is missing"
    found = drift(ours, installed_search_partial())
    assert found == [], (
        "overrides/partials/search.html has drifted from the installed Material partial; copy "
        "material/templates/partials/search.html from site-packages over it, keep its leading "
        f"comment and add{DIALOG_NAME} to the search dialog's <div>:\n" + "\n".join(found)
    )


def test_a_line_changed_upstream_is_reported_as_drift() -> None:
    installed = installed_search_partial()
    upgraded = installed.replace('role="search"', 'role="search" data-new="1"', 1)
    assert upgraded != installed
    found = drift(OUR_SEARCH.read_text(), upgraded)
    assert '-  <div class="md-search__inner" role="search" data-new="1">' in found
