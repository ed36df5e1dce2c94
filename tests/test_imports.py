"""reportkit's own modules are imported at the top of the modules that use them; the few that
must wait (for ``reportkit --help`` and the no-change rebuild) go through ``reportkit.lazy``,
which says why, and only from the modules it names."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

import reportkit
from reportkit import lazy

PACKAGE = Path(reportkit.__file__).parent
#: The modules ``reportkit.lazy``'s docstring names as its callers.
LAZY_CALLERS = {"cli.py", "publish/output_folder.py", "render/engines.py"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _own_import(node: ast.AST) -> str | None:
    if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0]
                                             == "reportkit"):
        return f"from {'.' * node.level}{node.module or ''} import ..."
    if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "reportkit"
                                            for a in node.names):
        return "import reportkit..."
    return None


def test_no_function_imports_a_reportkit_module() -> None:
    found = []
    for path in _modules():
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                found += [f"{path.relative_to(PACKAGE)}:{node.lineno} {function.name}: "
                          f"{_own_import(node)}"
                          for node in ast.walk(function) if _own_import(node)]
    assert found == []


def test_only_the_modules_lazy_names_import_through_it() -> None:
    callers = {str(path.relative_to(PACKAGE)) for path in _modules()
               if "lazy.module(" in path.read_text(encoding="utf-8")}
    assert callers - {"lazy.py"} == LAZY_CALLERS
    text = " ".join(lazy.__doc__.split())
    for phrase in ("the CLI", "``publish.output_folder``", "registry"):
        assert phrase in text


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(("reportkit", *parts)).removesuffix(".__init__")


def _top_level_imports(path: Path, name: str) -> set[str]:
    """The reportkit modules ``path`` imports when it is imported (not under TYPE_CHECKING)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for child in ast.walk(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    base = ".".join(package.split(".")[:len(package.split(".")) - child.level + 1]
                                    + ([base] if base else []))
                if base.split(".")[0] == "reportkit":
                    found.add(base)
                    found |= {f"{base}.{a.name}" for a in child.names}
            elif isinstance(child, ast.Import):
                found |= {a.name for a in child.names if a.name.split(".")[0] == "reportkit"}
    return found


def test_the_modules_import_one_another_without_a_cycle() -> None:
    modules = {_module_name(p): p for p in _modules()}
    graph = {name: sorted(_top_level_imports(path, name) & set(modules) - {name})
             for name, path in modules.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in graph[name]:
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [target] if target in path
                              else [name, target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


#: The stages from the bottom up (docs/architecture.md): a module may import from its own layer
#: or a lower one, never a higher one. The shared top-level modules are the lowest layer.
LAYERS = (
    {"reportkit", "reportkit.errors", "reportkit.paths", "reportkit.period_ids",
     "reportkit.digests", "reportkit.escape", "reportkit.executed_notebooks", "reportkit.lazy",
     "reportkit.config"},
    {"reportkit.data"},
    {"reportkit.analysis"},
    {"reportkit.render"},
    {"reportkit.publish"},
    {"reportkit.build"},
    {"reportkit.commands"},
    {"reportkit.cli"},
)


def _layer(name: str) -> int:
    for depth in (2, 1):
        prefix = ".".join(name.split(".")[:depth])
        for index, layer in enumerate(LAYERS):
            if prefix in layer:
                return index
    raise AssertionError(f"{name} is in no layer: add it to LAYERS and docs/architecture.md")


def test_each_stage_imports_only_from_the_stages_below_it() -> None:
    modules = {_module_name(p): p for p in _modules()}
    upward = [f"{name} -> {target}"
              for name, path in modules.items()
              for target in sorted(_top_level_imports(path, name) & set(modules) - {name})
              if _layer(target) > _layer(name)]
    assert upward == []


def test_every_subpackage_says_what_belongs_in_it() -> None:
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert len(doc.split()) >= 15, f"{init.relative_to(PACKAGE)} needs a docstring"


def test_a_module_of_the_flat_layout_says_where_it_went() -> None:
    for old, new in reportkit.MOVED.items():
        assert importlib.util.find_spec(new) is not None, new
        with pytest.raises(ImportError, match=f"reportkit.{old} has moved to {new}"):
            exec(f"from reportkit import {old}", {})
    with pytest.raises(AttributeError):
        reportkit.no_such_thing  # noqa: B018
