"""名下有经营主体: members of a 低保/单人保/特困 household registered as legal representative or shareholder of a
company still in business, more than ``dibao.asset_max_companies``. Cancelled companies do not count."""

from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import ASSET_LOOKBACK, Rule, day_text, label, money, output, text

ROLES = {"legal_rep": "法定代表人", "shareholder": "股东"}


def build(ctx):
    companies = ctx.feed("market_company", window=ASSET_LOOKBACK)
    companies = companies.filter((companies.status == "active") & companies.role.isin(list(ROLES)))
    households = ctx.recipients().select("person_key", "household_id").distinct()
    held = companies.join(households, "person_key")
    counts = held.group_by("household_id").aggregate(count=held.row_id.nunique())
    limit = ctx.param("dibao.asset_max_companies")
    held = held.join(counts.filter(counts["count"] > limit), "household_id")
    return output(held, person_key=held.person_key, evidence_row_id=held.row_id, event_date=held.event_date,
                  detail=day_text(held.event_date) + " 登记为「" + text(held.company_name) + "」"
                  + label(held.role, ROLES) + "（存续），注册资本 " + money(held.registered_capital.fill_null(0)))


RULE = Rule(
    code="company_holder", version=1, title="救助家庭成员名下有经营主体", category=AlertCategory.INELIGIBILITY,
    feeds=("market_company",), parameters=(ASSET_LOOKBACK, "dibao.asset_max_companies"), build=build,
    description="低保、单人保、特困家庭成员在存续企业中担任法定代表人或股东，家庭经营主体数超过上限；已注销的不计。",
)
