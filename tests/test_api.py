"""The public API (``analysis.__all__``) works as documented: every name imports from the
package, from the module that defines it, in a fresh interpreter, with its docstring."""

from __future__ import annotations

import subprocess
import sys

import pytest

import analysis
from testsupport.project import PROJECT


def test_the_public_names_are_listed_once_in_order() -> None:
    assert analysis.__all__ == sorted(set(analysis.__all__))
    assert len(analysis.__all__) >= 10


@pytest.mark.parametrize("name", analysis.__all__)
def test_every_public_name_imports_from_the_package_in_a_fresh_interpreter(name: str) -> None:
    code = f"from analysis import {name}\nprint({name}.__module__, {name}.__qualname__)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=PROJECT
    )
    assert result.returncode == 0, result.stderr
    module, qualname = result.stdout.split()
    assert qualname == name
    assert module.startswith("analysis.")


@pytest.mark.parametrize("name", analysis.__all__)
def test_every_public_name_is_the_object_its_module_defines_and_says_what_it_is(
    name: str,
) -> None:
    import importlib

    value = getattr(analysis, name)
    home = importlib.import_module(value.__module__)
    assert getattr(home, name) is value
    assert name in getattr(home, "__all__", [name]), f"{value.__module__}.__all__ lacks {name}"
    assert (value.__doc__ or "").strip(), f"{name} has no docstring"


def test_the_public_names_are_in_dir_and_an_unknown_one_is_refused_naming_them() -> None:
    assert set(analysis.__all__) <= set(dir(analysis))
    with pytest.raises(AttributeError, match=r"no attribute 'no_such_name'; its public names"):
        analysis.no_such_name  # noqa: B018
