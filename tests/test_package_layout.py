"""The package's public names survive the import of every module it has."""

from __future__ import annotations

import importlib
import pkgutil

import djmigrator


def test_public_functions_are_not_shadowed_by_modules() -> None:
    # a submodule named like a public function replaces it on the package once
    # imported (``djmigrator.sync`` was the module after the first sync)
    for info in pkgutil.walk_packages(djmigrator.__path__, "djmigrator."):
        if ".management." not in info.name:
            importlib.import_module(info.name)
    assert callable(djmigrator.compare)
    assert callable(djmigrator.sync)
    assert djmigrator.sync.__module__ == "djmigrator"
    assert djmigrator.compare.__module__ == "djmigrator"
