"""家庭唯一劳动年龄成员失业 (因失业): a person registered unemployed in the window who is the only living
member of working age (``monitoring.working_age_min`` up to but not including ``tekun.age_min``) in the household."""

import ibis

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import LOOKBACK, Rule, day_text, output


def build(ctx):
    youngest = ctx.born_by(ctx.param("monitoring.working_age_min"))
    oldest = ctx.born_by(ctx.param("tekun.age_min"))
    m = ctx.members()
    alive = m.death_date.isnull() | (m.death_date > ibis.literal(ctx.as_of))
    working = m.filter(alive & (m.birth_date <= ibis.literal(youngest)) & (m.birth_date > ibis.literal(oldest)))
    living = m.filter(alive)
    sizes = living.group_by("household_id").aggregate(size=living.person_key.nunique())
    counts = working.group_by("household_id").aggregate(workers=working.person_key.nunique())
    sole = (working.join(counts.filter(counts.workers == 1), "household_id")
            .join(sizes, "household_id").select("person_key", "size"))
    jobless = ctx.feed("hr_unemployment").join(sole, "person_key")
    return output(jobless, person_key=jobless.person_key, evidence_row_id=jobless.row_id,
                  event_date=jobless.event_date,
                  detail=day_text(jobless.event_date) + " 登记失业，是家庭唯一劳动年龄成员（家庭共 "
                  + jobless.size.cast("string") + " 人）")


RULE = Rule(
    code="sole_earner_unemployed", version=1, title="家庭唯一劳动年龄成员失业", category=AlertCategory.RISK,
    feeds=("hr_unemployment",), parameters=(LOOKBACK, "monitoring.working_age_min", "tekun.age_min"), build=build,
    description="回溯期内登记失业的人员是其家庭中唯一处于劳动年龄的在世成员，可能因失业致困。",
)
