"""The helpers package imports without cycles, and without TensorFlow or Keras:
importing it, or any of its modules, does nothing but define things."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(p.stem for p in (ROOT / "helpers").glob("*.py")
                 if p.stem != "__init__")


def find_imports(module: str) -> set[str]:
    """The helpers modules ``module`` imports, at its top or inside functions."""
    tree = ast.parse((ROOT / "helpers" / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:  # from .x import y
                found.add(node.module.split(".")[0])
            elif node.level == 1:  # from . import x, y
                found |= {alias.name for alias in node.names}
            elif node.module and node.module.split(".")[0] == "helpers":
                parts = node.module.split(".")
                found |= ({parts[1]} if len(parts) > 1
                          else {alias.name for alias in node.names})
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names
                      if a.name.startswith("helpers.")}
    return found & set(MODULES)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in ``graph`` as the list of its modules, or ``None``."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for child in sorted(graph[node]):
            if state.get(child) == "open":
                return stack[stack.index(child):] + [child]
            if child not in state:
                cycle = visit(child)
                if cycle:
                    return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_find_cycle_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_between_helpers_modules():
    graph = {m: find_imports(m) - {m} for m in MODULES}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


@pytest.mark.parametrize("module", ["helpers", *(f"helpers.{m}" for m in MODULES)])
def test_importing_imports_no_tensorflow_or_keras(module):
    code = (f"import sys, {module}\n"
            "heavy = sorted(m for m in ('tensorflow', 'keras', 'IPython') "
            "if m in sys.modules)\n"
            "assert not heavy, heavy")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
