"""The left navigation. Each app declares its entries in its own ``nav.py``; sections follow the work plan.

Only apps that exist contribute entries and only entries the user may use are shown, so the menu never
points at a page that is not there.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache

from django.apps import apps
from django.urls import reverse

from minzheng.accounts.permissions import Perm, has_perm


@dataclass(frozen=True)
class NavSection:
    key: str
    label: str
    order: int


# The ten sections of the work plan, plus system administration.
SECTIONS = {
    s.key: s
    for s in [
        NavSection("party", "一、党的建设", 10),
        NavSection("assistance", "二、社会救助", 20),
        NavSection("children", "三、儿童福利", 30),
        NavSection("eldercare", "四、养老服务", 40),
        NavSection("socialorgs", "五、社会组织", 50),
        NavSection("charity", "六、慈善事业", 60),
        NavSection("affairs", "七、社会事务", 70),
        NavSection("governance", "八、基层治理", 80),
        NavSection("support", "九、支撑保障", 90),
        NavSection("system", "系统管理", 100),
    ]
}


@dataclass(frozen=True)
class NavEntry:
    section: str
    label: str
    url_name: str
    perm: Perm
    icon: str = "circle"
    order: int = 50
    match_prefix: str = ""  # path prefix that marks the entry active


@lru_cache(maxsize=1)
def all_entries() -> tuple[NavEntry, ...]:
    entries: list[NavEntry] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("minzheng."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.nav")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.nav":
                raise
            continue
        entries.extend(module.ENTRIES)
    return tuple(sorted(entries, key=lambda e: (SECTIONS[e.section].order, e.order, e.label)))


def menu_for(user, path: str) -> list[dict]:
    """The user's menu by section. One entry is active: the one whose prefix is the longest match for the page
    (``/monitoring/`` is 监测预警, ``/monitoring/alerts/…`` is 预警任务, not both)."""
    visible = []
    for entry in all_entries():
        if has_perm(user, entry.perm):
            url = reverse(entry.url_name)
            visible.append((entry, url, entry.match_prefix or url))
    longest = max((len(prefix) for _, _, prefix in visible if path.startswith(prefix)), default=0)
    groups: dict[str, dict] = {}
    for entry, url, prefix in visible:
        section = SECTIONS[entry.section]
        group = groups.setdefault(section.key, {"label": section.label, "order": section.order, "items": []})
        group["items"].append({"label": entry.label, "url": url, "icon": entry.icon,
                               "active": path.startswith(prefix) and len(prefix) == longest})
    return sorted(groups.values(), key=lambda g: g["order"])
