"""特困未成年人即将年满18周岁 (registry only): a 特困 recipient under 18 on ``as_of`` who turns 18 within
``monitoring.adult_notice_months`` months, so eligibility is re-checked (schooling, work capacity) in time."""

import ibis

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import Rule, add_months, day_text, output, registry_evidence


def build(ctx):
    months = ctx.param("monitoring.adult_notice_months")
    minors = ctx.recipients(("tekun",)).select("person_key").distinct()
    p = ctx.persons.semi_join(minors, "person_key")
    turning = p.filter((p.birth_date > ibis.literal(ctx.born_by(18)))
                       & (p.birth_date <= ibis.literal(ctx.born_by(18, add_months(ctx.as_of, months)))))
    return output(turning, person_key=turning.person_key,
                  evidence_row_id=registry_evidence("persons", turning.person_key),
                  event_date=ibis.literal(ctx.as_of),
                  detail=day_text(turning.birth_date) + "出生，将于" + str(months)
                  + "个月内年满18周岁，请复核特困供养条件")


RULE = Rule(
    code="tekun_minor_turning_18", version=1, title="特困未成年人即将成年", category=AlertCategory.INELIGIBILITY,
    feeds=(), parameters=("monitoring.adult_notice_months",), build=build,
    description="特困供养的未成年人将在提示期内年满18周岁，需复核是否继续符合特困条件（如在校就读）。",
)
