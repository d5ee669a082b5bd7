"""Write a thin notebook from a list of cells (used once per notebook; edit the .ipynb after)."""

from __future__ import annotations

import sys

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def build(path: str, title: str, parameters: str, cells: list[tuple[str, str]]) -> None:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3", "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells.append(new_markdown_cell(title))
    param_cell = new_code_cell(parameters)
    param_cell.metadata["tags"] = ["parameters"]
    nb.cells.append(param_cell)
    for kind, source in cells:
        nb.cells.append(new_markdown_cell(source) if kind == "md" else new_code_cell(source))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    nbformat.write(nb, path)


if __name__ == "__main__":
    sys.exit("import this module from a one-off script")
