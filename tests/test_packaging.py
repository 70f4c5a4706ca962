"""What the package ships: the licence its metadata declares, and every data file
the app reads at run time (stylesheets, the shipped config, the demo's data)."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_declared_licence_is_shipped():
    project = _pyproject()["project"]
    assert project["license"] == "MIT"
    assert "LICENSE" in project["license-files"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 jagtui contributors" in text
    assert "THE SOFTWARE IS PROVIDED \"AS IS\"" in text


def test_every_data_file_is_package_data():
    package_data = _pyproject()["tool"]["setuptools"]["package-data"]
    missing = []
    for path in (ROOT / "jagtui").rglob("*"):
        if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        # The globs of the package the file is under, relative to that package's folder.
        shipped = False
        for package, globs in package_data.items():
            folder = ROOT.joinpath(*package.split("."))
            if folder in path.parents:
                inside = path.relative_to(folder).as_posix()
                shipped |= any(fnmatch.fnmatchcase(inside, glob) and inside.count("/") == glob.count("/")
                               for glob in globs)
        if not shipped:
            missing.append(str(path.relative_to(ROOT)))
    assert not missing, f"Not in [tool.setuptools.package-data]: {missing}"
