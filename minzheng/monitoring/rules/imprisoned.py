"""服刑人员: a recipient of 低保/单人保/特困 admitted to prison in the window and not released by ``as_of``."""

import ibis

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import LOOKBACK, Rule, day_text, output, with_program


def build(ctx):
    jail = ctx.feed("justice_imprisonment")
    jail = jail.filter(jail.release_date.isnull() | (jail.release_date > ibis.literal(ctx.as_of)))
    jail = with_program(ctx, jail)
    release = ibis.ifelse(jail.release_date.isnull(), ibis.literal(""),
                          "，刑满释放日期 " + day_text(jail.release_date))
    return output(jail, person_key=jail.person_key, evidence_row_id=jail.row_id, event_date=jail.event_date,
                  detail=day_text(jail.event_date) + " 收监服刑" + release + "，享受" + jail.program_label)


RULE = Rule(
    code="imprisoned", version=1, title="救助对象在押服刑", category=AlertCategory.INELIGIBILITY,
    feeds=("justice_imprisonment",), parameters=(LOOKBACK,), build=build,
    description="低保、单人保、特困对象在回溯期内收监服刑且在基准日尚未释放。",
)
