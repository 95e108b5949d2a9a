"""户籍迁出本区: a recipient of 低保/单人保/特困 whose hukou the police report as moved out to another county
(the first six digits of the destination differ from the person's hukou county)."""

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import LOOKBACK, Rule, day_text, output, with_program


def build(ctx):
    moves = ctx.feed("police_hukou_move")
    moves = moves.filter(moves.direction == "out")
    p = ctx.persons
    moves = moves.join(p.select("person_key", "hukou_area_code"), "person_key")
    moves = moves.filter(moves.to_area.isnull()
                         | (moves.to_area.substr(0, 6) != moves.hukou_area_code.substr(0, 6)))
    moves = with_program(ctx, moves)
    return output(moves, person_key=moves.person_key, evidence_row_id=moves.row_id, event_date=moves.event_date,
                  detail=day_text(moves.event_date) + " 户籍迁出至 " + moves.to_area.fill_null("外地") + "，享受"
                  + moves.program_label)


RULE = Rule(
    code="hukou_moved_out", version=1, title="救助对象户籍迁出本区", category=AlertCategory.INELIGIBILITY,
    feeds=("police_hukou_move",), parameters=(LOOKBACK,), build=build,
    description="低保、单人保、特困对象在回溯期内户籍迁往本区（县）以外。",
)
