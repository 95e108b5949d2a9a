"""Writes of areas: every change goes through here and leaves an event row."""

from __future__ import annotations

from django.db import transaction

from minzheng.accounts.permissions import Perm, require
from minzheng.areas.codes import level_of, normalize_code, parent_code, prefix_of
from minzheng.areas.enums import AreaKind, AreaLevel
from minzheng.areas.models import Area
from minzheng.areas.selectors import clear_area_cache
from minzheng.audit.actions import record_event, snapshot
from minzheng.core.errors import ApplicationError

_KINDS_BY_LEVEL = {
    AreaLevel.DISTRICT: {AreaKind.DISTRICT},
    AreaLevel.TOWN: {AreaKind.TOWN, AreaKind.TOWNSHIP, AreaKind.SUBDISTRICT},
    AreaLevel.VILLAGE: {AreaKind.VILLAGE, AreaKind.COMMUNITY},
}


_PARENT_LEVEL = {AreaLevel.TOWN: AreaLevel.DISTRICT, AreaLevel.VILLAGE: AreaLevel.TOWN}


def area_create(*, acting_user, code: str, name: str, kind: str) -> Area:
    require(acting_user, Perm.AREA_MANAGE)
    code = normalize_code(code)
    level = level_of(code)
    if kind not in AreaKind.values:
        raise ApplicationError("area_kind_invalid", "区划类型无效", field="kind")
    if AreaKind(kind) not in _KINDS_BY_LEVEL[level]:
        raise ApplicationError("area_kind_mismatch", f"{AreaLevel(level).label}不能设为「{AreaKind(kind).label}」",
                               field="kind")
    name = (name or "").strip()
    if not name:
        raise ApplicationError("area_name_required", "名称不能为空", field="name")
    if Area.objects.filter(code=code).exists():
        raise ApplicationError("area_exists", f"区划代码{code}已存在", field="code")
    parent = None
    upper = parent_code(code)
    if upper is not None:
        parent = Area.objects.filter(code=upper).first()
        if parent is None:
            raise ApplicationError("area_parent_missing", f"上级区划{upper}不存在，请先建立上级区划", field="code")
        # A village code with 000 as its town digits would hang directly under the district.
        if parent.level != _PARENT_LEVEL[level]:
            expected = _PARENT_LEVEL[level].label
            raise ApplicationError("area_parent_level", f"区划代码{code}的上级{upper}不是{expected}，请核对代码",
                                   field="code")
    if not acting_user.area_prefix or not code.startswith(acting_user.area_prefix):
        raise ApplicationError("area_out_of_scope", "只能在本人所属区划范围内新增区划", field="code")
    with transaction.atomic():
        area = Area.objects.create(code=code, name=name, level=level, kind=kind, parent=parent,
                                   prefix=prefix_of(code))
        record_event(actor=acting_user, action="area.create", obj=area, area_code=code,
                     after=snapshot(area, ["code", "name", "level", "kind"]))
        transaction.on_commit(clear_area_cache)
    return area


def area_update(*, acting_user, area: Area, name: str, is_active: bool) -> Area:
    require(acting_user, Perm.AREA_MANAGE)
    name = (name or "").strip()
    if not name:
        raise ApplicationError("area_name_required", "名称不能为空", field="name")
    with transaction.atomic():
        before = snapshot(area, ["name", "is_active"])
        area.name = name
        area.is_active = is_active
        area.save(update_fields=["name", "is_active", "updated_at"])
        record_event(actor=acting_user, action="area.update", obj=area, area_code=area.code,
                     before=before, after=snapshot(area, ["name", "is_active"]))
        transaction.on_commit(clear_area_cache)
    return area
