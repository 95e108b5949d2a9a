"""The monitoring rules on DuckDB over the hand-made lake (``fixtures/lake.py``): each rule flags exactly the
persons it should, at the edges of ages, windows, areas and statuses, with readable Chinese details."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest

from minzheng.monitoring.engine import ALERT_SCHEMA, dedupe_key, run_rules
from minzheng.monitoring.enums import AlertCategory
from minzheng.monitoring.rules import RULES, add_months, born_by, rule_parameters
from minzheng.monitoring.tests.fixtures.lake import AREA, AS_OF, EXPECTED, PARAMETERS, build_lake

# ibis's DuckDB backend calls a DuckDB method that DuckDB 2 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    return build_lake(tmp_path_factory.mktemp("lake"))


@pytest.fixture(scope="module")
def result(lake):
    return run_rules(as_of=AS_OF, area_prefix=AREA, backend="duckdb", lake_dir=lake, parameters=PARAMETERS)


def flagged(result, code: str) -> set[str]:
    return {row["person_key"] for row in result.rows() if row["rule_code"] == code}


def alert(result, code: str, person_key: str) -> dict:
    (row,) = [r for r in result.rows() if r["rule_code"] == code and r["person_key"] == person_key]
    return row


def test_there_are_at_least_15_rules_each_described():
    """Given the rule registry, then it holds at least 15 rules, each with a Chinese title, a known category, a
    version and only known feeds; both categories occur."""
    assert len(RULES) >= 15
    for rule in RULES.values():
        assert re.search(r"[\u4e00-\u9fff]", rule.title) and rule.version >= 1 and rule.description
    assert {rule.category for rule in RULES.values()} == set(AlertCategory.values)
    assert set(EXPECTED) == set(RULES)


def test_every_parameter_a_rule_reads_is_shipped():
    """Given the rules' parameter codes, then each is defined by a policy migration, so a run on a migrated
    database can resolve them."""
    shipped = set()
    for name in ("0002_parameter_definitions", "0004_temp_aid_parameters", "0007_monitoring_parameters"):
        shipped |= {row[0] for row in importlib.import_module(f"minzheng.policy.migrations.{name}").DEFINITIONS}
    assert set(rule_parameters(RULES.values())) <= shipped
    assert set(PARAMETERS) == set(rule_parameters(RULES.values()))


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_rule_flags_exactly_the_expected_persons(result, code):
    """Given the fixture lake on 2026-02-28 for district 340471, when every rule runs on DuckDB, then each rule
    flags exactly the persons the fixture built for it (and none of the near misses)."""
    assert flagged(result, code) == EXPECTED[code]


@pytest.mark.parametrize(("years", "on", "expected"), [
    (18, dt.date(2026, 2, 28), dt.date(2008, 2, 28)),   # born 2008-02-29 is still 17 on 2026-02-28
    (18, dt.date(2026, 3, 1), dt.date(2008, 3, 1)),
    (18, dt.date(2028, 2, 29), dt.date(2010, 2, 28)),   # a leap as_of, a common birth year
    (20, dt.date(2028, 2, 29), dt.date(2008, 2, 29)),
    (80, dt.date(2026, 2, 28), dt.date(1946, 2, 28)),
])
def test_born_by_is_the_age_cutoff(years, on, expected):
    """Given an age and a day, when the birth-date cutoff is computed, then a person born on it is exactly that
    old (周岁) and a person born a day later is not."""
    from minzheng.registry.models import Person

    assert born_by(years, on) == expected
    assert Person(birth_date=expected).age_on(on) == years
    assert Person(birth_date=expected + dt.timedelta(days=1)).age_on(on) == years - 1


def test_add_months_clamps_to_the_month_end():
    """Given month arithmetic around short months, then the day is clamped (2026-03-31 − 1 month = 2026-02-28)."""
    assert add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 2, 28), -12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2026, 2, 28), 3) == dt.date(2026, 5, 28)


def test_leap_day_minor_turns_18_inside_the_notice(result):
    """Given a 特困 minor born 2008-02-29, when checked on 2026-02-28 with 3 months' notice, then the alert names the
    birth date and comes from the registry alone; the one born 2008-05-29 (turning 18 a day after the notice ends)
    and the one already 18 are not flagged."""
    row = alert(result, "tekun_minor_turning_18", "pk-leap")
    assert row["evidence_row_ids"] == ["registry:persons:pk-leap"]
    assert row["detail"] == "2008-02-29出生，将于3个月内年满18周岁，请复核特困供养条件"
    assert row["event_date"] == AS_OF


def test_the_vehicle_detail_is_formatted_and_exempt_types_are_left_out(result):
    """Given a 低保 spouse with a car and a motorcycle (exempt), then one alert cites only the car, its plate and the
    price formatted from 分."""
    row = alert(result, "vehicle_owned", "pk-li")
    assert row["evidence_row_ids"] == ["vehicle:1"]
    assert row["detail"] == "2025-06-03 登记小型汽车 皖D·12345，购置价 ¥86,000.00（家庭名下 1 辆，上限 0 辆）"
    assert row["category"] == AlertCategory.INELIGIBILITY


def test_chinese_text_survives_in_details(result):
    """Given feed rows with Chinese company and hospital names, then the details carry them unchanged."""
    assert "「淮南市毛集区王记商贸有限公司」法定代表人（存续），注册资本 ¥1,234,567,890.12" in alert(
        result, "company_holder", "pk-wang")["detail"]
    assert "安徽医科大学第一附属医院" in alert(result, "medical_burden", "pk-feng")["detail"]


def test_disaster_codes_read_in_chinese(result):
    """Given two disasters coded flood and storm, then the detail names them 洪涝 and 风雹 with the total."""
    detail = alert(result, "disaster_loss", "pk-zhu")["detail"]
    assert detail.startswith("2025-07-20 遭受洪涝，损失 ¥7,000.00（合计 ¥12,000.00，超过 ¥10,000.00）；"
                             "2025-08-20 遭受风雹")


def test_evidence_is_grouped_per_person_and_the_latest_day_wins(result):
    """Given two medical bills of one person, then one alert lists both row ids sorted, with the later day and the
    two details in date order."""
    row = alert(result, "medical_burden", "pk-feng")
    assert row["evidence_row_ids"] == ["medical_bill:1", "medical_bill:2"]
    assert row["event_date"] == dt.date(2025, 11, 1)
    first, second = row["detail"].split("；")
    assert first.startswith("2025-05-01") and second.startswith("2025-11-01")
    assert "合计 ¥11,000.00，超过参考线 ¥9,240.00" in second


def test_income_uses_the_latest_rows_and_the_latest_enrollment_members(result):
    """Given a wage and an older wage, a pension and an older pension, then the income check cites only the latest
    of each; and the enrollment whose second export dropped a member is averaged over one person."""
    sun = alert(result, "income_over_standard", "pk-sun")
    assert sun["evidence_row_ids"] == ["hr_employment:3", "hr_pension:1"]
    assert "人均 ¥850.00，高于低保标准 ¥770.00" in sun["detail"]
    assert "家庭保障成员 1 人" in alert(result, "income_over_standard", "pk-zhou")["detail"]


def test_window_edges_and_name_only_rows(result):
    """Given deaths on the window's first day (flagged), the day before it and after as_of (not), a confirmed
    name-only row (flagged, with its row id) and an unconfirmed one (never an alert)."""
    rows = {r["person_key"]: r for r in result.rows() if r["rule_code"] == "death_still_paid"}
    assert rows["pk-edgein"]["evidence_row_ids"] == ["police_death:4"]
    assert rows["pk-liu"]["evidence_row_ids"] == ["police_death:2"]
    assert "pk-edgeout" not in rows and "pk-future" not in rows
    assert all("police_death:3" not in r["evidence_row_ids"] for r in result.rows())
    assert rows["pk-regdead"]["evidence_row_ids"] == ["registry:persons:pk-regdead"]


def test_persons_outside_the_area_are_left_out_unless_asked_for(lake, result):
    """Given a 低保 recipient and an old person alone in another district, then the district's run leaves them out
    and a province-wide run (prefix 34) includes them."""
    assert not [r for r in result.rows() if r["person_key"] in {"pk-out", "pk-lao5"}]
    wide = run_rules(as_of=AS_OF, area_prefix="34", backend="duckdb", lake_dir=lake, parameters=PARAMETERS,
                     rules=["vehicle_owned", "elderly_alone", "public_sector_job"])
    assert {(r["rule_code"], r["person_key"]) for r in wide.rows() if r["person_key"] in {"pk-out", "pk-lao5"}} == {
        ("vehicle_owned", "pk-out"), ("elderly_alone", "pk-lao5"), ("public_sector_job", "pk-out")}


def test_details_never_hold_an_id_number(result):
    """Given every alert, then no detail contains an 18-character ID-number-like run of digits."""
    assert not [r for r in result.rows() if re.search(r"\d{17}[\dXx]", r["detail"])]


def test_dedupe_key_is_the_documented_sha256(result):
    """Given the alerts, then each dedupe key is sha256 of rule|person|sorted evidence ids, and keys are unique."""
    rows = result.rows()
    assert all(r["dedupe_key"] == dedupe_key(r["rule_code"], r["person_key"], r["evidence_row_ids"]) for r in rows)
    assert len({r["dedupe_key"] for r in rows}) == len(rows)


def test_a_rerun_gives_identical_alerts_and_records_its_inputs(lake, result):
    """Given the same lake, day and parameters, when run again, then the alerts are byte-identical, sorted by rule
    and person; the inputs name every feed file with its sha256, the snapshot files, the rule versions and the
    parameters."""
    again = run_rules(as_of=AS_OF, area_prefix=AREA, backend="duckdb", lake_dir=lake, parameters=PARAMETERS)
    assert again.alerts.equals(result.alerts)
    keys = [(r["rule_code"], r["person_key"]) for r in result.rows()]
    assert keys == sorted(keys)
    inputs = result.inputs
    assert inputs["rule_versions"] == {code: rule.version for code, rule in RULES.items()}
    assert inputs["parameters"] == PARAMETERS
    assert all(len(entry["sha256"]) == 64 for files in inputs["feeds"].values() for entry in files)
    assert [e["path"] for e in inputs["snapshot"]["files"]["persons"]] == [
        "registry/persons/part-000001.parquet", "registry/persons/part-000002.parquet"]
    assert inputs["matches"]["path"] == "matches/confirmed.parquet"


def test_an_empty_lake_gives_no_alerts(tmp_path):
    """Given a lake with no snapshot and no feeds, when the rules run, then there are no alerts and no error."""
    empty = run_rules(as_of=AS_OF, area_prefix=AREA, backend="duckdb", lake_dir=tmp_path, parameters=PARAMETERS)
    assert empty.alerts.num_rows == 0
    assert empty.alerts.schema == ALERT_SCHEMA


@pytest.mark.django_db
def test_parameters_come_from_policy_for_the_district(lake):
    """Given the migrated demo parameters, when a run does not pass parameters, then they are resolved for the
    district on as_of and recorded (the 低保 standard ¥770 from 2025-07-01)."""
    run = run_rules(as_of=AS_OF, area_prefix=AREA, backend="duckdb", lake_dir=lake, rules=["medical_burden"])
    assert run.parameters == {"dibao.standard_monthly_fen": 77000, "monitoring.lookback_months": 12,
                              "monitoring.medical_oop_income_permille": 1000}
    assert flagged(run, "medical_burden") == {"pk-feng"}


MONEY_CASES = [0, 5, 99, 100, 99999, 100000, 8600000, 123456789012, 999999999999999, -5, -123456]


def test_money_is_formatted_like_format_fen():
    """Given amounts in 分 from zero to the largest supported and negative ones, when ``money`` runs on DuckDB,
    then each reads exactly as ``format_fen`` writes it (thousands separators, two decimals, the sign before ¥)."""
    import ibis
    import pyarrow as pa

    from minzheng.core.money import format_fen
    from minzheng.monitoring.rules import money

    table = ibis.memtable(pa.table({"fen": pa.array(MONEY_CASES, pa.int64())}))
    con = ibis.duckdb.connect()
    got = con.to_pyarrow(table.select(text=money(table.fen)))["text"].to_pylist()
    assert got == [format_fen(fen) for fen in MONEY_CASES]
