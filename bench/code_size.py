"""Module and function size figures for the application packages (workbench/, transcription/).

    python bench/code_size.py [ROOT]

Prints the number of modules, their median and largest line counts, and the function length
distribution (median, 95th percentile, largest, how many pass 60 lines), so a refactor can show
that the house stayed small.
"""

from __future__ import annotations

import ast
import statistics
import sys
from pathlib import Path


def figures(root: Path) -> dict[str, float]:
    modules, functions = [], []
    for path in sorted([*root.glob("workbench/**/*.py"), *root.glob("transcription/**/*.py")]):
        if "migrations/versions" in path.as_posix():
            continue
        text = path.read_text(encoding="utf-8")
        modules.append(len(text.splitlines()))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions.append((node.end_lineno or node.lineno) - node.lineno + 1)
    functions.sort()
    return {
        "modules": len(modules),
        "lines": sum(modules),
        "module median": statistics.median(modules),
        "module max": max(modules),
        "functions": len(functions),
        "function median": statistics.median(functions),
        "function p95": functions[int(0.95 * (len(functions) - 1))],
        "function max": functions[-1],
        "functions > 60 lines": sum(f > 60 for f in functions),
    }


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
    for name, value in figures(root).items():
        print(f"{name:>22}: {value:g}")
