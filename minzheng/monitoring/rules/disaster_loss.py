"""灾害损失较大 (因灾): anyone alive whose disaster losses in the window add up to more than
``monitoring.disaster_loss_fen``."""

import ibis

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import LOOKBACK, Rule, day_text, label, money, output

# The feed's codes (monitoring migration 0002).
KINDS = {"flood": "洪涝", "drought": "干旱", "storm": "风雹", "typhoon": "台风", "earthquake": "地震",
         "geological": "地质灾害", "fire": "森林草原火灾", "snow": "低温雨雪冰冻", "other": "其他灾害"}


def build(ctx):
    threshold = ctx.param("monitoring.disaster_loss_fen")
    losses = ctx.feed("disaster_loss").semi_join(ctx.alive(), "person_key")
    totals = losses.group_by("person_key").aggregate(total=losses.loss_amount.fill_null(0).sum())
    over = losses.join(totals.filter(totals.total > threshold), "person_key")
    return output(over, person_key=over.person_key, evidence_row_id=over.row_id, event_date=over.event_date,
                  detail=day_text(over.event_date) + " 遭受" + label(over.disaster_kind, KINDS, "灾害") + "，损失 "
                  + money(over.loss_amount.fill_null(0)) + "（合计 " + money(over.total) + "，超过 "
                  + money(ibis.literal(threshold)) + "）")


RULE = Rule(
    code="disaster_loss", version=1, title="遭受较大灾害损失", category=AlertCategory.RISK,
    feeds=("disaster_loss",), parameters=(LOOKBACK, "monitoring.disaster_loss_fen"), build=build,
    description="回溯期内应急部门登记的灾害损失合计超过参考线，可能因灾致困。",
)
