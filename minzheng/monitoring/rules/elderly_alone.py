"""高龄独居老人 (registry only): a living person aged ``monitoring.elderly_alone_age`` or more on ``as_of``
who is the only living member of the household living together."""

import ibis

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import Rule, day_text, output, registry_evidence


def build(ctx):
    age = ctx.param("monitoring.elderly_alone_age")
    m = ctx.members()
    together = m.filter(m.living_together.fill_null(True)
                        & (m.death_date.isnull() | (m.death_date > ibis.literal(ctx.as_of))))
    sizes = together.group_by("household_id").aggregate(size=together.person_key.nunique())
    alone = together.join(sizes.filter(sizes.size == 1), "household_id")
    old = alone.filter(alone.birth_date <= ibis.literal(ctx.born_by(age)))
    return output(old, person_key=old.person_key, evidence_row_id=registry_evidence("persons", old.person_key),
                  event_date=ibis.literal(ctx.as_of),
                  detail="年满" + str(age) + "周岁（" + day_text(old.birth_date) + "出生），户内无其他共同生活成员")


RULE = Rule(
    code="elderly_alone", version=1, title="高龄独居老人", category=AlertCategory.RISK,
    feeds=(), parameters=("monitoring.elderly_alone_age",), build=build,
    description="人员信息显示年满高龄年龄线、户内无其他在世共同生活成员的老人，需主动探访。",
)
