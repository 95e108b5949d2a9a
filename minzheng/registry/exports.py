"""Excel exports of registry lists. ID numbers and phones are masked in every export."""

from __future__ import annotations

from minzheng.areas.selectors import area_path
from minzheng.core.masking import mask_id_number, mask_phone
from minzheng.web.listing import Column, xlsx_bytes

PERSON_EXPORT_FIELDS = ["name", "id_number(masked)", "sex", "birth_date", "hukou_area", "residence_area",
                        "phone(masked)", "disability", "self_care", "death_date"]
HOUSEHOLD_EXPORT_FIELDS = ["number", "area", "head", "head_id_number(masked)", "member_count", "address"]

PERSON_COLUMNS = [
    Column("姓名", lambda p: p.name, 10),
    Column("身份证号码", lambda p: mask_id_number(p.id_number), 22),
    Column("性别", lambda p: p.get_sex_display(), 6),
    Column("出生日期", lambda p: p.birth_date, 12),
    Column("民族", lambda p: p.get_ethnicity_display(), 8),
    Column("户籍地", lambda p: area_path(p.hukou_area_id), 20),
    Column("居住地", lambda p: area_path(p.residence_area_id), 20),
    Column("联系电话", lambda p: mask_phone(p.phone), 14),
    Column("残疾情况", lambda p: f"{p.get_disability_kind_display()}{p.get_disability_grade_display()}"
           if p.disability_kind else "", 14),
    Column("生活自理能力", lambda p: p.get_self_care_display(), 18),
    Column("死亡日期", lambda p: p.death_date, 12),
]

HOUSEHOLD_COLUMNS = [
    Column("户编号", lambda h: h.number, 18),
    Column("所在村/社区", lambda h: area_path(h.area_id), 20),
    Column("户主", lambda h: h.head.name if h.head else "", 10),
    Column("户主身份证号码", lambda h: mask_id_number(h.head.id_number) if h.head else "", 22),
    Column("家庭人口", lambda h: h.member_count, 10),
    Column("家庭住址", lambda h: h.address, 30),
]


class _Counter:
    def __init__(self, rows):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def persons_xlsx(queryset) -> tuple[bytes, int]:
    rows = _Counter(queryset.iterator(chunk_size=2000))
    return xlsx_bytes(title="人员名单", columns=PERSON_COLUMNS, rows=rows), rows.count


def households_xlsx(queryset) -> tuple[bytes, int]:
    rows = _Counter(queryset.iterator(chunk_size=2000))
    return xlsx_bytes(title="家庭名单", columns=HOUSEHOLD_COLUMNS, rows=rows), rows.count
