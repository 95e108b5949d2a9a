"""名下登记机动车: vehicles registered to members of a 低保/单人保/特困 household, more than the asset limit
(``dibao.asset_max_vehicles``), leaving out the vehicle types the district exempts (motorcycles, tricycles)."""

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import ASSET_LOOKBACK, Rule, day_text, label, money, output, text

VEHICLE_TYPES = {"car": "小型汽车", "truck": "货车", "motorcycle": "摩托车", "tricycle": "三轮车"}
EXEMPTIONS = {"motorcycle": "monitoring.vehicle_exempt_motorcycle", "tricycle": "monitoring.vehicle_exempt_tricycle"}


def build(ctx):
    vehicles = ctx.feed("vehicle", window=ASSET_LOOKBACK)
    exempt = [kind for kind, code in EXEMPTIONS.items() if ctx.param(code)]
    if exempt:
        vehicles = vehicles.filter(~vehicles.vehicle_type.fill_null("").isin(exempt))
    households = ctx.recipients().select("person_key", "household_id").distinct()
    held = vehicles.join(households, "person_key")
    counts = held.group_by("household_id").aggregate(count=held.row_id.nunique())
    limit = ctx.param("dibao.asset_max_vehicles")
    held = held.join(counts.filter(counts["count"] > limit), "household_id")
    return output(held, person_key=held.person_key, evidence_row_id=held.row_id, event_date=held.event_date,
                  detail=day_text(held.event_date) + " 登记" + label(held.vehicle_type, VEHICLE_TYPES, "机动车") + " "
                  + text(held.plate) + "，购置价 " + money(held.purchase_price.fill_null(0)) + "（家庭名下 "
                  + held["count"].cast("string") + " 辆，上限 " + str(limit) + " 辆）")


RULE = Rule(
    code="vehicle_owned", version=1, title="救助家庭名下有机动车", category=AlertCategory.INELIGIBILITY,
    feeds=("vehicle",),
    parameters=(ASSET_LOOKBACK, "dibao.asset_max_vehicles", *EXEMPTIONS.values()), build=build,
    description="低保、单人保、特困家庭成员名下登记的机动车（不含地方豁免的摩托车、三轮车）超过家庭机动车数量上限。",
)
