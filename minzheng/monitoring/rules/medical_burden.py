"""大额自付医疗费用 (因病): anyone alive whose out-of-pocket medical costs in the window add up to more than
``monitoring.medical_oop_income_permille`` ‰ of an annual income proxy, 12 × the 低保 monthly standard (the
registry holds no income; a household's assessed income would be the better base when it is exported)."""

import ibis

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import LOOKBACK, Rule, day_text, money, output, text


def build(ctx):
    standard = ctx.param("dibao.standard_monthly_fen")
    threshold = standard * 12 * ctx.param("monitoring.medical_oop_income_permille") // 1000
    bills = ctx.feed("medical_bill").semi_join(ctx.alive(), "person_key")
    totals = bills.group_by("person_key").aggregate(total=bills.out_of_pocket_amount.fill_null(0).sum(),
                                                    bills=bills.row_id.nunique())
    over = bills.join(totals.filter(totals.total > threshold), "person_key")
    return output(over, person_key=over.person_key, evidence_row_id=over.row_id, event_date=over.event_date,
                  detail=day_text(over.event_date) + " 在「" + text(over.hospital) + "」结算，个人自付 "
                  + money(over.out_of_pocket_amount.fill_null(0)) + "（近" + str(ctx.param(LOOKBACK)) + "个月 "
                  + over.bills.cast("string") + " 笔合计 " + money(over.total) + "，超过参考线 "
                  + money(ibis.literal(threshold)) + "）")


RULE = Rule(
    code="medical_burden", version=1, title="大额自付医疗费用", category=AlertCategory.RISK,
    feeds=("medical_bill",),
    parameters=(LOOKBACK, "dibao.standard_monthly_fen", "monitoring.medical_oop_income_permille"), build=build,
    description="回溯期内个人自付医疗费用合计超过参考线（低保月标准×12×倍数），可能因病致困。",
)
