"""人员信息登记表: a person's registry record as a printed form, with their household's members."""

from __future__ import annotations

import datetime as dt

from minzheng.areas.enums import AreaKind, AreaLevel
from minzheng.areas.selectors import area_path
from minzheng.core.masking import mask_phone
from minzheng.documents.formats import cn_date
from minzheng.documents.spec import (
    Column,
    Field,
    FieldTable,
    FormDocument,
    ListTable,
    SignatureBox,
    Signatures,
)
from minzheng.registry.enums import Relation
from minzheng.registry.models import Person
from minzheng.registry.selectors import household_members, household_scope, person_current_membership

TITLE = "人员信息登记表"
PRINTED_FIELDS = ["name", "id_number(masked)", "sex", "birth_date", "ethnicity", "hukou_area", "residence_area",
                  "address", "phone(masked)", "disability", "self_care", "household_members(masked)"]

_UNIT_SUFFIX = {
    AreaKind.VILLAGE: "村民委员会",
    AreaKind.COMMUNITY: "居民委员会",
    AreaKind.TOWN: "人民政府",
    AreaKind.TOWNSHIP: "人民政府",
    AreaKind.SUBDISTRICT: "办事处",
    AreaKind.DISTRICT: "民政局",
}


def unit_name(area) -> str:
    """The body that signs for an area: 甲一村 → 甲一村村民委员会, 甲镇 → 甲镇人民政府."""
    if area is None:
        return ""
    return f"{area.name}{_UNIT_SUFFIX.get(area.kind, '')}"


def _relation_order(membership) -> int:
    """户主 first, then the order of ``Relation`` (配偶, 子女, 父母 …)."""
    return Relation.values.index(membership.relation) if membership.relation in Relation.values else len(Relation)


def _disability(person: Person) -> str:
    if not person.disability_kind:
        return "无"
    return f"{person.get_disability_kind_display()}（{person.get_disability_grade_display()}）"


def person_registration_form(*, user, person: Person, now: dt.datetime | None = None) -> FormDocument:
    """The form for ``person`` as printed by ``user``. The household's members are listed only when the
    household lies in the user's area; a person living here may belong to a household registered elsewhere."""
    membership = person_current_membership(person=person)
    household = membership.household if membership else None
    household_visible = household is not None and household_scope(user).filter(pk=household.pk).exists()

    fields = [
        Field("姓名", person.name),
        Field("性别", person.get_sex_display()),
        Field("身份证号码", person.masked_id_number),
        Field("出生日期", cn_date(person.birth_date)),
        Field("民族", person.get_ethnicity_display()),
        Field("联系电话", mask_phone(person.phone) or "—"),
        Field("户籍地", area_path(person.hukou_area_id, from_level=AreaLevel.DISTRICT), span=2),
        Field("居住地", area_path(person.residence_area_id, from_level=AreaLevel.DISTRICT), span=2),
        Field("居住地址", person.address or "—", span=2),
        Field("残疾情况", _disability(person)),
        Field("生活自理能力", person.get_self_care_display()),
    ]
    if person.death_date:
        fields.append(Field("死亡日期", cn_date(person.death_date), span=2))
    if household is not None:
        fields += [Field("户编号", household.number), Field("与户主关系", membership.get_relation_display())]
    else:
        fields.append(Field("所属家庭", "未登记家庭", span=2))
    blocks: list = [FieldTable(title="基本信息", fields=fields, columns=2)]

    if household is not None:
        if household_visible:
            rows = [
                [m.person.name, m.get_relation_display(), m.person.get_sex_display(), cn_date(m.person.birth_date),
                 m.person.masked_id_number, "是" if m.living_together else "否", m.get_status_display()]
                for m in sorted(household_members(household=household), key=_relation_order)
            ]
            empty_text = "（无）"
        else:
            rows, empty_text = [], "该户登记在其他辖区，成员信息不在本表打印"
        blocks.append(ListTable(
            title="家庭成员",
            numbered=True,
            # Widths chosen so that a four-character name, 2012年12月30日 and a masked ID number each fit on one line.
            columns=[Column("姓名", 1.1), Column("与户主关系", 1.15), Column("性别", 0.7), Column("出生日期", 1.85),
                     Column("身份证号码", 2.4), Column("共同生活", 0.9), Column("状态", 0.9)],
            rows=rows,
            empty_text=empty_text,
        ))
    blocks.append(Signatures(boxes=[SignatureBox("填表人"), SignatureBox("审核人")], seal_unit=unit_name(user.area)))

    return FormDocument(
        title=TITLE,
        issuer=area_path(user.area_id, from_level=AreaLevel.DISTRICT).replace("·", ""),
        blocks=blocks,
        generated_at=now,
        generated_by=user.display_name,
        notes=["说明：身份证号码、联系电话按规定脱敏打印。本表由民政业务平台生成，涂改无效。"],
    )
