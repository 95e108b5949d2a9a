"""工资高于核查线: a recipient of 低保/单人保/特困 with a job (人社) or a provident-fund contribution base
(公积金) above ``monitoring.wage_threshold_fen``."""

import ibis

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import LOOKBACK, Rule, day_text, money, output, text, with_program


def build(ctx):
    threshold = ctx.param("monitoring.wage_threshold_fen")
    line = "，高于核查线 " + money(ibis.literal(threshold))
    jobs = ctx.feed("hr_employment")
    jobs = with_program(ctx, jobs.filter(jobs.monthly_wage > threshold))
    fund = ctx.feed("housing_fund")
    fund = with_program(ctx, fund.filter(fund.base_wage > threshold))
    return ibis.union(
        output(jobs, person_key=jobs.person_key, evidence_row_id=jobs.row_id, event_date=jobs.event_date,
               detail=day_text(jobs.event_date) + " 在「" + text(jobs.employer) + "」就业，月工资 "
               + money(jobs.monthly_wage) + line),
        output(fund, person_key=fund.person_key, evidence_row_id=fund.row_id, event_date=fund.event_date,
               detail=day_text(fund.event_date) + " 由「" + text(fund.employer) + "」缴存住房公积金，缴存基数 "
               + money(fund.base_wage) + line),
        distinct=False,
    )


RULE = Rule(
    code="high_wage", version=1, title="救助对象工资收入高于核查线", category=AlertCategory.INELIGIBILITY,
    feeds=("hr_employment", "housing_fund"), parameters=(LOOKBACK, "monitoring.wage_threshold_fen"), build=build,
    description="低保、单人保、特困对象的就业月工资或住房公积金缴存基数高于工资核查线。",
)
