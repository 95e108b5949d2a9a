"""财政供养人员: a recipient of 低保/单人保/特困 employed by a public-sector (财政供养) employer."""

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import LOOKBACK, Rule, day_text, money, output, text, with_program


def build(ctx):
    jobs = ctx.feed("hr_employment")
    jobs = with_program(ctx, jobs.filter(jobs.employer_kind == "public_sector"))
    return output(jobs, person_key=jobs.person_key, evidence_row_id=jobs.row_id, event_date=jobs.event_date,
                  detail=day_text(jobs.event_date) + " 入职财政供养单位「" + text(jobs.employer) + "」，月工资 "
                  + money(jobs.monthly_wage.fill_null(0)) + "，享受" + jobs.program_label)


RULE = Rule(
    code="public_sector_job", version=1, title="救助对象为财政供养人员", category=AlertCategory.INELIGIBILITY,
    feeds=("hr_employment",), parameters=(LOOKBACK,), build=build,
    description="低保、单人保、特困对象在回溯期内入职机关事业单位等财政供养单位。",
)
