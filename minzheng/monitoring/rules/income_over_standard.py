"""家庭人均收入超过低保标准: for each open 低保/单人保 enrollment, the covered members' latest monthly wage (人社
employment) plus latest monthly pension (人社 pension) in the window, per covered member, above
``dibao.standard_monthly_fen``. The earners are flagged, with the rows their income comes from."""

import ibis

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import LOOKBACK, Rule, money, output

PROGRAMS = ("dibao", "individual_dibao")


def _latest(table, amount: str):
    """Per person, the rows of the latest event date and the largest amount among them."""
    last = table.group_by("person_key").aggregate(last=table.event_date.max())
    rows = table.join(last, (table.person_key == last.person_key) & (table.event_date == last["last"]))
    rows = rows.select(person_key=table.person_key, row_id=table.row_id, event_date=table.event_date,
                       amount=table[amount].fill_null(0))
    amounts = rows.group_by("person_key").aggregate(amount=rows.amount.max())
    return rows, amounts


def build(ctx):
    standard = ctx.param("dibao.standard_monthly_fen")
    wage_rows, wages = _latest(ctx.feed("hr_employment"), "monthly_wage")
    pension_rows, pensions = _latest(ctx.feed("hr_pension"), "monthly_amount")
    members = ctx.recipients(PROGRAMS).select("person_key", "enrollment_id").distinct()
    m = (members.left_join(wages, members.person_key == wages.person_key)
         .select(members.person_key, members.enrollment_id, wage=wages.amount.fill_null(0)))
    m = (m.left_join(pensions, m.person_key == pensions.person_key)
         .select(m.person_key, m.enrollment_id, m.wage, pension=pensions.amount.fill_null(0)))
    totals = m.group_by("enrollment_id").aggregate(total=(m.wage + m.pension).sum(), size=m.person_key.nunique())
    over = totals.filter(totals.total > totals.size * standard)
    over = over.mutate(per_capita=(over.total // over.size).cast("int64"))
    earners = m.join(over, "enrollment_id")
    earners = earners.filter((earners.wage + earners.pension) > 0)
    evidence = ibis.union(wage_rows.select("person_key", "row_id", "event_date"),
                          pension_rows.select("person_key", "row_id", "event_date"), distinct=False)
    rows = earners.join(evidence, "person_key")
    return output(rows, person_key=rows.person_key, evidence_row_id=rows.row_id, event_date=rows.event_date,
                  detail="家庭保障成员 " + rows.size.cast("string") + " 人，月收入合计 " + money(rows.total)
                  + "，人均 " + money(rows.per_capita) + "，高于低保标准 " + money(ibis.literal(standard))
                  + "（本人工资 " + money(rows.wage) + "，养老金 " + money(rows.pension) + "）")


RULE = Rule(
    code="income_over_standard", version=1, title="家庭人均收入超过低保标准", category=AlertCategory.INELIGIBILITY,
    feeds=("hr_employment", "hr_pension"), parameters=(LOOKBACK, "dibao.standard_monthly_fen"), build=build,
    description="低保、单人保家庭保障成员最近的月工资与月养老金合计，按保障人数平均后高于低保标准。",
)
