"""监护人死亡或服刑 → 事实无人抚养儿童排查: a child under 18 whose parent in the same household (the head or
spouse for a 子女, a 子女 or 儿媳/女婿 for a 孙子女) died or was imprisoned (not released by ``as_of``) in the
window. Whether the child is 事实无人抚养 depends on the other parent; the visit decides."""

import ibis

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import (
    LOOKBACK,
    RELATION_LABELS,
    Rule,
    day_text,
    death_events,
    label,
    output,
    registry_evidence,
)


def build(ctx):
    as_of = ibis.literal(ctx.as_of)
    m = ctx.members()
    children = m.filter((m.birth_date > ibis.literal(ctx.born_by(18)))
                        & (m.death_date.isnull() | (m.death_date > as_of))
                        & m.relation.isin(["child", "grandchild"]))
    children = children.select(child_key=children.person_key, household_id=children.household_id,
                               child_relation=children.relation)
    guardians = m.select(guardian_key=m.person_key, household_id=m.household_id, guardian_relation=m.relation)
    pairs = children.join(guardians, "household_id")
    pairs = pairs.filter(((pairs.child_relation == "child") & pairs.guardian_relation.isin(["head", "spouse"]))
                         | ((pairs.child_relation == "grandchild")
                            & pairs.guardian_relation.isin(["child", "child_in_law"])))

    jail = ctx.feed("justice_imprisonment")
    jail = jail.filter(jail.release_date.isnull() | (jail.release_date > as_of))
    p = ctx.persons
    start = ibis.literal(ctx.window_start())
    recorded = p.filter(p.death_date.notnull() & (p.death_date > start) & (p.death_date <= as_of))
    events = ibis.union(
        death_events(ctx).select("person_key", "evidence_row_id", "event_date", what=ibis.literal("死亡")),
        jail.select(person_key=jail.person_key, evidence_row_id=jail.row_id, event_date=jail.event_date,
                    what=ibis.literal("收监服刑")),
        recorded.select(person_key=recorded.person_key,
                        evidence_row_id=registry_evidence("persons", recorded.person_key),
                        event_date=recorded.death_date, what=ibis.literal("死亡（人员信息登记）")),
        distinct=False,
    )
    rows = pairs.join(events, pairs.guardian_key == events.person_key)
    return output(rows, person_key=rows.child_key, evidence_row_id=rows.evidence_row_id, event_date=rows.event_date,
                  detail=day_text(rows.event_date) + " 监护人（" + label(rows.guardian_relation, RELATION_LABELS)
                  + "）" + rows.what + "，请核查是否属于事实无人抚养儿童")


RULE = Rule(
    code="guardian_lost", version=1, title="未成年人监护人死亡或服刑", category=AlertCategory.RISK,
    feeds=("police_death", "funeral_cremation", "justice_imprisonment"), parameters=(LOOKBACK,), build=build,
    description="未满18周岁的子女（孙子女）的父母在回溯期内死亡或收监服刑，需排查是否属于事实无人抚养儿童。",
)
