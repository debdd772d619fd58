"""Modules loaded on first use rather than when the module naming them is imported.

`kiosk run` must reach its home screen quickly (docs/PERFORMANCE.md), yet kiosk.cli names
services that only its other commands use, and kiosk.app services that only its workers use
after a scan or a tap. They are named like this instead of imported:

    staff = LazyModule("kiosk.services.staff")

and used as before (`staff.logout(session, reason)`): the first attribute looked up imports
the module, under the import system's own locks (so from any thread).
tests/test_startup_imports.py keeps them off the start-up path.
"""

from __future__ import annotations

import importlib


class LazyModule:
    """Stands for the module `name`, imported when one of its attributes is first wanted."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str):
        # after the first time the module comes straight from sys.modules
        return getattr(importlib.import_module(self._name), attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name}>"
