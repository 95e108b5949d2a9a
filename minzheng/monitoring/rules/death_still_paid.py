"""死亡仍在享受救助: a recipient of 低保/单人保/特困 whose death is reported by the police (hukou cancellation) or
a crematorium, or already recorded in the registry, while the enrollment is still open."""

import ibis

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import LOOKBACK, Rule, day_text, death_events, output, registry_evidence, with_program


def build(ctx):
    events = with_program(ctx, death_events(ctx))
    from_feeds = output(events, person_key=events.person_key, evidence_row_id=events.evidence_row_id,
                        event_date=events.event_date,
                        detail=day_text(events.event_date) + " " + events.what + "，仍在享受" + events.program_label)
    p = ctx.persons
    dead = p.filter(p.death_date.notnull() & (p.death_date <= ibis.literal(ctx.as_of)))
    dead = with_program(ctx, dead.select("person_key", "death_date"))
    from_registry = output(dead, person_key=dead.person_key,
                           evidence_row_id=registry_evidence("persons", dead.person_key), event_date=dead.death_date,
                           detail="人员信息已登记死亡（" + day_text(dead.death_date) + "），仍在享受"
                           + dead.program_label)
    return from_feeds.union(from_registry, distinct=False)


RULE = Rule(
    code="death_still_paid", version=1, title="死亡人员仍在享受救助", category=AlertCategory.INELIGIBILITY,
    feeds=("police_death", "funeral_cremation"), parameters=(LOOKBACK,), build=build,
    description="低保、单人保、特困对象在回溯期内有公安死亡注销或火化记录，或人员信息已登记死亡，救助仍未停止。",
)
