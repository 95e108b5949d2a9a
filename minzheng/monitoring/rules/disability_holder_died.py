"""残疾人补贴对象死亡: a person the registry records with a disability (holder of a certificate, so of the
living or care subsidy) whose death is reported by the police or a crematorium in the window while the registry
still shows the person alive."""

import ibis

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import LOOKBACK, Rule, day_text, death_events, label, output

GRADES = {"1": "一级", "2": "二级", "3": "三级", "4": "四级"}


def build(ctx):
    p = ctx.persons
    holders = p.filter(p.disability_grade.notnull()
                       & (p.death_date.isnull() | (p.death_date > ibis.literal(ctx.as_of))))
    rows = death_events(ctx).join(holders.select("person_key", "disability_grade"), "person_key")
    return output(rows, person_key=rows.person_key, evidence_row_id=rows.evidence_row_id, event_date=rows.event_date,
                  detail=day_text(rows.event_date) + " " + rows.what + "，持" + label(
                      rows.disability_grade.cast("string"), GRADES) + "残疾人证，请停发残疾人两项补贴")


RULE = Rule(
    code="disability_holder_died", version=1, title="残疾人补贴对象死亡", category=AlertCategory.INELIGIBILITY,
    feeds=("police_death", "funeral_cremation"), parameters=(LOOKBACK,), build=build,
    description="持残疾人证（享受困难残疾人生活补贴或重度残疾人护理补贴）的人员有死亡记录，人员信息尚未登记死亡。",
)
