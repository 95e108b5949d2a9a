"""住房超过规定套数: residential properties registered to members of a 低保/单人保/特困 household, more than
``dibao.asset_max_homes`` for the household."""

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import ASSET_LOOKBACK, Rule, day_text, output, text


def build(ctx):
    homes = ctx.feed("property", window=ASSET_LOOKBACK)
    homes = homes.filter(homes.usage == "residential")
    households = ctx.recipients().select("person_key", "household_id").distinct()
    held = homes.join(households, "person_key")
    counts = held.group_by("household_id").aggregate(count=held.row_id.nunique())
    limit = ctx.param("dibao.asset_max_homes")
    held = held.join(counts.filter(counts["count"] > limit), "household_id")
    return output(held, person_key=held.person_key, evidence_row_id=held.row_id, event_date=held.event_date,
                  detail=day_text(held.event_date) + " 登记住房 " + text(held.area_m2, "?") + " 平方米（家庭名下住房 "
                  + held["count"].cast("string") + " 套，上限 " + str(limit) + " 套）")


RULE = Rule(
    code="extra_home", version=1, title="救助家庭住房超过规定套数", category=AlertCategory.INELIGIBILITY,
    feeds=("property",), parameters=(ASSET_LOOKBACK, "dibao.asset_max_homes"), build=build,
    description="低保、单人保、特困家庭成员名下登记的住宅套数超过家庭住房套数上限。",
)
