"""A staff page is a module in ui/pages/ with `PAGE = PageSpec(...)` and `render()`.

`app.py` collects them, orders them by `order`, and shows each person the pages their role allows.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

ROLES = ("admin", "researcher", "reviewer")


@dataclass(frozen=True)
class PageSpec:
    #: English title, translated when shown
    title: str
    icon: str
    url_path: str
    order: int
    #: the roles that may open the page
    roles: tuple[str, ...] = ROLES
    default: bool = False


@dataclass(frozen=True)
class StaffPage:
    spec: PageSpec
    render: Callable[[], None]


def staff_pages() -> list[StaffPage]:
    """Every page module in ui/pages/, in menu order."""
    import ui.pages

    found: list[StaffPage] = []
    for info in pkgutil.iter_modules(ui.pages.__path__):
        module: ModuleType = importlib.import_module(f"ui.pages.{info.name}")
        spec = getattr(module, "PAGE", None)
        if isinstance(spec, PageSpec):
            found.append(StaffPage(spec, module.render))
    return sorted(found, key=lambda page: (page.spec.order, page.spec.url_path))
