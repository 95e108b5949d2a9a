"""新办一、二级残疾人证 (因残): anyone alive issued a grade 1 or 2 disability certificate in the window whose
registry record does not already show that grade or a more severe one."""

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import LOOKBACK, Rule, day_text, label, output

KINDS = {"physical": "肢体", "intellectual": "智力", "mental": "精神", "visual": "视力", "hearing": "听力",
         "speech": "言语", "multiple": "多重"}
GRADES = {"1": "一级", "2": "二级", "3": "三级", "4": "四级"}


def build(ctx):
    certs = ctx.feed("disability_cert")
    certs = certs.filter(certs.grade.isin([1, 2]))
    p = ctx.alive().select("person_key", "disability_grade")
    certs = certs.join(p, "person_key")
    certs = certs.filter(certs.disability_grade.isnull() | (certs.disability_grade > certs.grade))
    return output(certs, person_key=certs.person_key, evidence_row_id=certs.row_id, event_date=certs.event_date,
                  detail=day_text(certs.event_date) + " 新办" + label(certs.disability_kind, KINDS)
                  + "残疾" + label(certs.grade.cast("string"), GRADES) + "残疾人证")


RULE = Rule(
    code="severe_disability_new", version=1, title="新办一、二级残疾人证", category=AlertCategory.RISK,
    feeds=("disability_cert",), parameters=(LOOKBACK,), build=build,
    description="回溯期内新办一级或二级残疾人证、人员信息中尚无同等或更重等级的，可能因残致困。",
)
