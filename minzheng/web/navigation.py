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
    groups: dict[str, dict] = {}
    for entry in all_entries():
        if not has_perm(user, entry.perm):
            continue
        url = reverse(entry.url_name)
        prefix = entry.match_prefix or url
        section = SECTIONS[entry.section]
        group = groups.setdefault(section.key, {"label": section.label, "order": section.order, "items": []})
        group["items"].append({"label": entry.label, "url": url, "icon": entry.icon,
                               "active": path.startswith(prefix)})
    return sorted(groups.values(), key=lambda g: g["order"])
