"""低收入家庭新生学费 (因学): a first-year student enrolled in the window, with tuition of at least
``monitoring.tuition_min_fen``, living in a household with an open 低保/单人保/特困/低保边缘/刚性支出 enrollment."""

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import (
    LOOKBACK,
    LOW_INCOME_PROGRAMS,
    PROGRAM_LABELS,
    Rule,
    day_text,
    label,
    money,
    output,
    text,
)

STAGES = {"primary": "小学", "junior": "初中", "senior": "高中", "vocational": "职业院校", "college": "高等院校"}


def build(ctx):
    students = ctx.feed("education_enrolment")
    students = students.filter(students.first_year.fill_null(False)
                               & (students.tuition >= ctx.param("monitoring.tuition_min_fen")))
    m = ctx.members().select("person_key", "household_id")
    low_income = ctx.recipients(LOW_INCOME_PROGRAMS).select("household_id", "program").distinct()
    homes = m.join(low_income, "household_id")
    rows = students.join(homes, "person_key")
    return output(rows, person_key=rows.person_key, evidence_row_id=rows.row_id, event_date=rows.event_date,
                  detail=day_text(rows.event_date) + " 入读「" + text(rows.school) + "」"
                  + label(rows.stage, STAGES) + "一年级，学费 " + money(rows.tuition) + "，家庭为"
                  + label(rows.program, PROGRAM_LABELS) + "家庭")


RULE = Rule(
    code="new_student_low_income", version=1, title="低收入家庭新生学费负担", category=AlertCategory.RISK,
    feeds=("education_enrolment",), parameters=(LOOKBACK, "monitoring.tuition_min_fen"), build=build,
    description="低保、单人保、特困、低保边缘或刚性支出困难家庭的成员新入学且学费达到参考线，可能因学致困。",
)
