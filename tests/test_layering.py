"""The package's shape holds: one package per domain, imports point one way (the registry and the
MkDocs side import the domains, never the reverse), every other package imports only the layers
below it, nothing the analysis child runs imports the MkDocs side (the two share only
``analysis.wire``), no import loop, light modules stay light, and nothing outside a module
reaches for its private names."""

from __future__ import annotations

import ast
import io
import json
import re
import subprocess
import sys
import tokenize
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import pytest

from testsupport.found import some
from testsupport.project import PROJECT

PACKAGE = PROJECT / "analysis"
MKDOCS_SIDE = "analysis.mkdocs_side"  # runs inside MkDocs: the only package importing MkDocs
HEAVY = {"pandas", "altair", "scipy", "lifelines", "numpy", "vl_convert"}
DOMAINS = ("study", "context", "appraisal", "patient_level", "notes", "stats", "figures")
# What a domain may import besides itself: the shared leaves, the chart theme, and the domains
# it builds on (the context and patient-level data are checked against the study's figures).
SHARED = {
    "analysis.artifact",
    "analysis.cells",
    "analysis.errors",
    "analysis.datafile",
    "analysis.render.theme",
}
BUILDS_ON = {
    "stats": set(),
    "notes": set(),
    "study": {"stats", "figures"},
    "context": {"study", "stats"},
    "patient_level": {"study", "stats"},
    "appraisal": {"study"},
    "figures": {"stats"},
}
LEAVES = (
    "analysis.artifact",
    "analysis.cells",
    "analysis.errors",
    "analysis.datafile",
    "analysis.lifetime",
)
# What each package (or module) that is not a domain may import of the package besides itself;
# a name stands for the module or package and everything in it.
LAYERS = {
    "analysis.wire": {"analysis.errors", "analysis.lifetime"},
    "analysis.render": {
        "analysis.artifact",
        "analysis.errors",
        "analysis.lifetime",
        "analysis.wire",
    },
    "analysis.review": {"analysis.errors", "analysis.wire"},
    "analysis.publish": {"analysis.errors", "analysis.lifetime"},
    "analysis.registry": {*(f"analysis.{d}" for d in DOMAINS), *LEAVES},
    # The bundle child files each scenario's reconstruction in the step cache: it keys it by
    # what the reconstruction reads (the study's numbers) and hands it to the registry.
    "analysis.child_side": {
        "analysis.registry",
        "analysis.patient_level",
        "analysis.study",
        "analysis.render",
        "analysis.wire",
        "analysis.errors",
        "analysis.lifetime",
    },
    # The plugins: no domain but the readers' notes (the analysis bundle brings everything else,
    # the paper's reference included, so the site generator parses no data file of the study);
    # the lifetime leaf, for serve's signal handling.
    MKDOCS_SIDE: {
        "analysis.errors",
        "analysis.lifetime",
        "analysis.wire",
        "analysis.publish",
        "analysis.notes",
    },
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in some(sorted(PACKAGE.rglob("*.py")), "modules", at_least=50)}


def _is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import that runs (at module level or inside functions), not type-only ones."""
    for child in ast.iter_child_nodes(tree):
        if _is_type_checking_block(child):
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        yield from _import_nodes(child)


def _imports(path: Path, *, name: str | None = None) -> set[tuple[str, str | None]]:
    """(module, imported name) pairs, relative imports resolved from the module ``name``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = name or _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[tuple[str, str | None]] = set()
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            found |= {(a.name, None) for a in node.names}
            continue
        if node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            module = ".".join([*base, *([node.module] if node.module else [])])
        else:
            module = node.module or ""
        found |= {(module, a.name) for a in node.names}
    return found


def _analysis_edges(name: str) -> set[str]:
    """The modules of the package that ``name`` imports when it runs."""
    edges = set()
    for module, imported in _imports(MODULES[name], name=name):
        if imported and f"{module}.{imported}" in MODULES:
            edges.add(f"{module}.{imported}")
        elif module in MODULES and module != "analysis":
            edges.add(module)
    return edges


def _domain(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in DOMAINS else None


def test_there_is_no_import_loop_inside_the_package() -> None:
    graph = {name: _analysis_edges(name) for name in MODULES}
    loops: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                loops.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert loops == []


def test_the_loop_finder_sees_a_loop_and_ignores_type_only_imports(tmp_path: Path) -> None:
    a = tmp_path / "a.py"
    a.write_text(
        "from typing import TYPE_CHECKING\nfrom .b import x\nif TYPE_CHECKING:\n    from .c import y\n"
    )
    assert _imports(a, name="analysis.study.a") == {
        ("analysis.study.b", "x"),
        ("typing", "TYPE_CHECKING"),
    }


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_domain_imports_only_itself_the_shared_leaves_and_what_it_builds_on(
    domain: str,
) -> None:
    allowed = {f"analysis.{d}" for d in (domain, *BUILDS_ON[domain])}
    offenders = {
        (name, target)
        for name in MODULES
        if _domain(name) == domain
        for target in _analysis_edges(name)
        if target not in SHARED and not any(target.startswith(a) for a in allowed)
    }
    assert offenders == set(), "registry, MkDocs side, publishing or an unrelated domain imported"


def test_the_shared_leaves_import_nothing_of_the_package_but_the_errors() -> None:
    for leaf in ("analysis.artifact", "analysis.cells", "analysis.errors", "analysis.datafile"):
        assert _analysis_edges(leaf) <= {"analysis.errors"}, leaf


def _within(name: str, prefixes: set[str] | tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(f"{p}.") for p in prefixes)


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_each_other_package_imports_only_the_layers_below_it(layer: str) -> None:
    offenders = {
        (name, target)
        for name in MODULES
        if _within(name, (layer,))
        for target in _analysis_edges(name)
        if not _within(target, (layer, *LAYERS[layer]))
    }
    assert offenders == set()


def test_every_module_is_in_a_domain_a_leaf_a_layer_or_the_mkdocs_side() -> None:
    """A new package is given its rule above before it can be added."""
    placed = (*(f"analysis.{d}" for d in DOMAINS), *LEAVES, *LAYERS)
    entry_points = {"analysis", "analysis.__main__"}  # the public names and the command line
    assert [n for n in MODULES if n not in entry_points and not _within(n, placed)] == []


def _reached_from(start: str) -> set[str]:
    """Every module of the package that running ``start`` can import (the packages of each
    module imported included: importing a module runs its packages' ``__init__.py``)."""
    reached, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(2, len(parts)) if ".".join(parts[:i])]
        todo += sorted(_analysis_edges(name))
    return reached


def test_nothing_the_analysis_child_runs_imports_the_mkdocs_side() -> None:
    """``python -m analysis …`` (the bundle, the notebook, the runtime, every tool) shares only
    ``analysis.wire`` with the site generator's side."""
    reached = _reached_from("analysis.__main__")
    assert len(reached) > 40
    assert sorted(n for n in reached if _within(n, (MKDOCS_SIDE,))) == []


def test_nothing_but_the_mkdocs_side_imports_mkdocs() -> None:
    offenders = [
        name
        for name, path in MODULES.items()
        if not _within(name, (MKDOCS_SIDE,))
        and any(module.split(".")[0] == "mkdocs" for module, _ in _imports(path))
    ]
    assert offenders == []


def test_the_mkdocs_side_loads_no_heavy_library() -> None:
    names = sorted(n for n in MODULES if n.startswith("analysis.mkdocs_side"))
    code = (
        "import importlib, json, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(set({sorted(HEAVY)!r}) & set(sys.modules))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT
    )
    assert len(names) >= 7
    assert json.loads(out.stdout) == []


def test_importing_the_package_and_its_public_names_list_loads_no_heavy_library() -> None:
    code = "import sys, analysis\nprint(sorted(analysis.__all__), sorted(set(sys.modules) & %r))"
    out = subprocess.run(
        [sys.executable, "-c", code % HEAVY],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT,
    )
    assert out.stdout.strip().endswith("[]")


def _private_uses(source: str, *, name: str) -> list[str]:
    """Private names of *other* analysis modules that ``source`` imports or reaches for."""
    tree = ast.parse(source)
    found = []
    modules_bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level or module.startswith("analysis"):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{name}: from {module} import {alias.name}")
                    if f"{module}.{alias.name}" in MODULES or (node.level and alias.name):
                        modules_bound.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("analysis"):
                    modules_bound.add((alias.asname or alias.name).split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Name)
            and node.value.id in modules_bound
        ):
            found.append(f"{name}: {node.value.id}.{node.attr}")
    return found


def _notebook_code(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def test_no_test_notebook_benchmark_or_module_uses_another_modules_private_names() -> None:
    sources = {
        str(p.relative_to(PROJECT)): p.read_text(encoding="utf-8")
        for folder in ("tests", "benchmarks", "scripts", "analysis")
        for p in sorted((PROJECT / folder).rglob("*.py"))
    }
    sources |= {
        str(p.relative_to(PROJECT)): _notebook_code(p)
        for p in sorted((PROJECT / "docs").rglob("*.ipynb"))
    }
    assert len(sources) > 50
    found = [hit for name, text in sources.items() for hit in _private_uses(text, name=name)]
    assert found == []


def test_the_private_name_finder_sees_both_kinds_of_reach() -> None:
    source = (
        "from analysis.registry import _values\nfrom analysis import registry\nregistry._tables\n"
    )
    assert _private_uses(source, name="t.py") == [
        "t.py: from analysis.registry import _values",
        "t.py: registry._tables",
    ]


# --- The tests' own shape: helpers in testsupport, fixtures in conftest, no test imports another


def _module_level_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """The imports that run when the module is imported (not in functions, not type-only)."""
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If | ast.Try) and not _is_type_checking_block(node):
            yield from _module_level_imports(ast.Module(body=list(ast.iter_child_nodes(node))))


def _test_layout_problems(root: Path) -> list[str]:
    """Every way ``root``'s tests, benchmarks and test helpers break the layout."""
    problems = []
    for folder in ("tests", "benchmarks", "testsupport"):
        for path in some(sorted((root / folder).glob("*.py")), f"modules in {folder}/"):
            name = path.relative_to(root).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in _import_nodes(tree):
                modules = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                if isinstance(node, ast.ImportFrom) and node.level and folder != "testsupport":
                    problems.append(f"{name}:{node.lineno}: a relative import (of a test module)")
                problems += [
                    f"{name}:{node.lineno}: imports {m} (helpers live in testsupport)"
                    for m in modules
                    if m == "tests" or m.startswith("tests.")
                ]
            if folder == "testsupport":
                problems += [
                    f"{name}:{node.lineno}: imports Playwright when imported (import it inside "
                    "the function that drives the browser)"
                    for node in _module_level_imports(tree)
                    for m in (
                        [a.name for a in node.names]
                        if isinstance(node, ast.Import)
                        else [node.module or ""]
                    )
                    if m.split(".")[0] in {"playwright", "axe_playwright_python"}
                ]
    conftest = ast.parse((root / "tests" / "conftest.py").read_text(encoding="utf-8"))
    for node in conftest.body:
        if isinstance(node, ast.FunctionDef):
            if not any("fixture" in ast.unparse(d) for d in node.decorator_list):
                problems.append(f"tests/conftest.py:{node.lineno}: {node.name} is not a fixture")
        elif isinstance(node, ast.ClassDef | ast.Assign | ast.AnnAssign):
            problems.append(
                f"tests/conftest.py:{node.lineno}: {ast.unparse(node).splitlines()[0]!r} is a "
                "helper, not a fixture (move it to testsupport)"
            )
    return problems


def test_tests_import_helpers_from_testsupport_never_from_each_other() -> None:
    assert _test_layout_problems(PROJECT) == []


def test_the_layout_check_finds_a_test_importing_a_test_and_a_helper_in_conftest(
    tmp_path: Path,
) -> None:
    for folder in ("tests", "benchmarks", "testsupport"):
        (tmp_path / folder).mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("from .test_b import helper\n")
    (tmp_path / "tests" / "conftest.py").write_text("X = 1\ndef helper():\n    pass\n")
    (tmp_path / "benchmarks" / "b.py").write_text("from tests.conftest import PROJECT\n")
    (tmp_path / "testsupport" / "s.py").write_text(
        "from playwright.sync_api import Page\ndef f():\n    import playwright\n"
    )
    problems = _test_layout_problems(tmp_path)
    assert [p.split(":")[0] for p in problems] == [
        "tests/test_a.py",
        "benchmarks/b.py",
        "testsupport/s.py",
        "tests/conftest.py",
        "tests/conftest.py",
    ], problems


def test_the_support_modules_and_the_build_benchmarks_load_no_browser_stack() -> None:
    code = (
        "import sys; sys.path[:0] = ['.', 'benchmarks']\n"
        "import testsupport.browser, testsupport.chart_text, testsupport.editions\n"
        "import testsupport.found, testsupport.notes, testsupport.project, testsupport.serving\n"
        "import testsupport.shared, testsupport.variants\n"
        "import build_time, serve_latency\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'playwright', 'pytest'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# Our tracker's issues are not the public repository's: a comment cites the reason instead. A
# quoted example ("issue 8") describes the pattern, and a test's own strings are its fixtures.
_TRACKER_ISSUE = re.compile(r'(?<!")\b[Ii]ssue #?[0-9]+')
_CODE = (".py", ".sh", ".js", ".css", ".html", ".yml", ".yaml", ".toml", ".cfg")


def _comments_and_docstrings(text: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of every comment and docstring line of a Python module."""
    tree = ast.parse(text)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = body[0] if body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                lines = text.splitlines()[first.lineno - 1 : first.end_lineno]
                yield from enumerate(lines, first.lineno)
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string


def _tracker_issues_in_code(root: Path) -> list[str]:
    """``file:line: text`` of every code file's comment or docstring (a whole line outside
    Python) naming an issue by number; the changelog and the data files are prose, checked
    elsewhere."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    found = []
    for name in some(filter(None, listed), "tracked files", at_least=1):
        path = root / name
        code = name.endswith(_CODE) or path.name in {"Makefile", "run", "install-chromium"}
        if not code or name.startswith(("analysis/data/", "docs/")) or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        lines = (
            _comments_and_docstrings(text)
            if name.endswith(".py")
            else enumerate(text.splitlines(), 1)
        )
        found += [f"{name}:{n}: {line.strip()}" for n, line in lines if _TRACKER_ISSUE.search(line)]
    return sorted(set(found))


def test_no_code_comment_or_docstring_names_a_tracker_issue_by_number() -> None:
    assert _tracker_issues_in_code(PROJECT) == []


def test_the_tracker_issue_check_finds_one_in_a_docstring_or_comment_not_in_a_fixture(
    tmp_path: Path,
) -> None:
    cited = f"issue {3}"  # the number apart: not a hit in this file
    docstring = f'"""Target ({cited}): at most 6x."""'
    module = (
        f"{docstring}\n"
        f"LIMIT = 6  # as {cited} asked\n"
        f"FIXTURE = 'a body that says {cited}'\n"
        f'PATTERN = "the shape of a reference (\\"{cited}\\")"\n'
    )
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "bench.py").write_text(module, encoding="utf-8")
    (tmp_path / "notes.txt").write_text(docstring + "\n", encoding="utf-8")  # not code
    (tmp_path / "run.sh").write_text(f"# see {cited}\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    assert _tracker_issues_in_code(tmp_path) == [
        f"bench.py:1: {docstring}",
        f"bench.py:2: # as {cited} asked",
        f"run.sh:1: # see {cited}",
    ]


def _entry_points() -> dict[str, str]:
    import tomllib

    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    return project["project"]["entry-points"]["mkdocs.plugins"]


def test_each_plugin_is_a_package_with_its_settings_and_its_hooks() -> None:
    """As Material splits its plugins: ``mkdocs_side/<name>/config.py`` and ``plugin.py``."""
    packages = some(
        sorted(p.parent for p in (PACKAGE / "mkdocs_side").glob("*/plugin.py")), "plugins"
    )
    assert len(packages) == 4
    targets = sorted(target.split(":")[0] for target in _entry_points().values())
    assert targets == sorted(f"{_module_name(p / 'plugin.py')}" for p in packages)
    for package in packages:
        assert (package / "config.py").is_file(), package


@pytest.mark.parametrize("name", ["artifacts", "citation", "notebooks", "notes"])
def test_every_setting_of_a_plugin_is_declared_with_its_default_and_documented(name: str) -> None:
    tree = ast.parse((PACKAGE / "mkdocs_side" / name / "config.py").read_text(encoding="utf-8"))
    (config,) = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    body = config.body
    settings = [n for n in body if isinstance(n, ast.Assign)]
    assert settings, name
    undocumented = [
        ast.unparse(n.targets[0])
        for n in settings
        if not (
            body.index(n) + 1 < len(body)
            and isinstance(nxt := body[body.index(n) + 1], ast.Expr)
            and isinstance(nxt.value, ast.Constant)
            and isinstance(nxt.value.value, str)
        )
    ]
    assert undocumented == []
    no_default = [
        ast.unparse(n.targets[0])
        for n in settings
        if "Optional(" not in ast.unparse(n.value) and "default=" not in ast.unparse(n.value)
    ]
    assert no_default == []


MAX_LINES = 500


def test_no_module_of_the_package_is_over_500_lines() -> None:
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()
    }
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


# Every domain that places artifacts is built the same way (appraisal has no chart; context and
# appraisal build from their validated file, so no results object of their own beyond it).
ROOMS = {"schema", "load", "tables", "values"}
DOMAIN_ROOMS = {
    "study": ROOMS | {"results", "charts"},
    "context": ROOMS | {"results", "charts"},
    "appraisal": ROOMS,
    "patient_level": ROOMS | {"results", "charts"},
}


@pytest.mark.parametrize("domain", sorted(DOMAIN_ROOMS))
def test_every_domain_has_the_same_rooms_and_one_domain_object_the_registry_loops_over(
    domain: str,
) -> None:
    import importlib

    from analysis.registry import DOMAINS, Inputs

    rooms = {p.stem for p in (PACKAGE / domain).glob("*.py")}
    assert DOMAIN_ROOMS[domain] <= rooms
    package = importlib.import_module(f"analysis.{domain}")
    (name,) = package.__all__
    shape = getattr(package, name)
    assert shape in DOMAINS
    assert shape.name == domain
    assert isinstance(getattr(Inputs, shape.built_from), property | cached_property)
    charts = shape.chart_builders()
    builders = [*shape.tables, *charts, *([shape.values] if shape.values else [])]
    assert builders
    assert shape.name == "appraisal" or charts, f"{domain}: no chart builder found"
    # Each builder is the domain's own, from the room of its kind.
    kinds = {"tables": shape.tables, "charts": charts}
    for kind, built in kinds.items():
        assert {b.__module__ for b in built} <= {f"analysis.{domain}.{kind}"}, kind
    assert shape.values is None or shape.values.__module__ == f"analysis.{domain}.values"


def test_the_registry_names_no_builder_and_holds_no_lambda() -> None:
    source = (PACKAGE / "registry.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    assert [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)] == []
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert not {n for n in imported if n.endswith(("_table", "_chart", "_values", "TABLES"))}


def test_a_domain_module_imported_alone_loads_no_chart_library() -> None:
    """The domain objects are made on first use: the reconstruction is imported alone, and a
    domain's schema is read without its builders."""
    code = (
        "import sys\n"
        "import analysis.patient_level.reconstruct, analysis.study.schema\n"
        "import analysis.context.schema, analysis.appraisal.schema\n"
        "print(sorted(set(sys.modules) & {'altair', 'lifelines', 'vl_convert'}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT
    )
    assert out.stdout.strip() == "[]"
