"""Monthly public disclosure (按月公示): who is on a village's list, how they are printed, who may print it."""

from __future__ import annotations

import datetime as dt

import pytest

from minzheng.core.errors import ApplicationError, NotFoundError
from minzheng.core.masking import mask_id_number
from minzheng.documents.pdf import render_form
from minzheng.payments import disclosure
from minzheng.payments.enums import LineStatus, RunStatus
from minzheng.payments.programs import PayableProgram, register_program, unregister_program
from minzheng.payments.tests.factories import make_account, make_line, make_run
from minzheng.testing import factories as f
from minzheng.testing.pdfread import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_parameters")]

JUNE = dt.date(2025, 6, 1)


class DisclosureProgram(PayableProgram):
    def __init__(self, code, label, *, protect_minors=False):
        self.code, self.label, self.protect_minors = code, label, protect_minors

    def sources(self, *, area_prefix, period, after=None, limit=None):
        return []



@pytest.fixture
def programs():
    registered = [register_program(DisclosureProgram("test_open", "测试生活补助")),
                  register_program(DisclosureProgram("test_protected", "测试供养金", protect_minors=True))]
    yield registered
    for program in registered:
        unregister_program(program.code)


def person(name, *, birth=dt.date(1970, 3, 3), area=f.VILLAGE_A1):
    return f.make_person(name=name, birth=birth, area=area)


def line(run, payee, *, members=(), status=LineStatus.PAID, amount_fen=94_000):
    covered = [payee, *members]
    created = make_line(run, payee, amount_fen=amount_fen, status=status, member_count=len(covered))
    created.person_ids = [str(p.pk) for p in covered]
    created.save(update_fields=["person_ids"])
    return created


@pytest.fixture
def village(users, programs):
    """June runs of an open and a protected program in 甲一村 (and one line in 乙一村)."""
    people = {
        "adult": person("张三丰"),
        "minor_payee": person("李小明", birth=dt.date(2010, 1, 1)),
        "turns_18": person("王成年", birth=dt.date(2007, 6, 1)),
        "one_day_short": person("赵差一", birth=dt.date(2007, 6, 2)),
        "parent": person("孙家长"),
        "child": person("孙小宝", birth=dt.date(2015, 5, 5)),
        "held": person("周暂缓"),
        "cancelled": person("吴不发"),
        "failed": person("郑退票"),
        "b1": person("钱乙村", area=f.VILLAGE_B1),
    }
    open_run = make_run(user=users["finance"], program="test_open", period=JUNE, status=RunStatus.RECONCILED)
    line(open_run, people["adult"], amount_fen=123_456)
    line(open_run, people["minor_payee"])
    line(open_run, people["turns_18"])
    line(open_run, people["one_day_short"])
    line(open_run, people["parent"], members=[people["child"]])
    line(open_run, people["held"], status=LineStatus.HELD)
    line(open_run, people["cancelled"], status=LineStatus.CANCELLED)
    line(open_run, people["failed"], status=LineStatus.FAILED)
    line(open_run, people["b1"])
    protected_run = make_run(user=users["finance"], program="test_protected", period=JUNE,
                             status=RunStatus.APPROVED)
    line(protected_run, people["adult"])
    line(protected_run, people["parent"], members=[people["child"]])
    return open_run, protected_run, people


def names(rows):
    return [row.name for row in rows]


def test_the_list_shows_adult_payees_being_paid_masked(users, village):
    """Given June lines of the open program in 甲一村, when the district reads its list, then it shows the adults
    being paid — paid and failed lines, a payee who turns 18 on June 1st, a parent whose child is covered — with
    names as 张*丰 and ID numbers masked; a payee under 18 on June 1st, held and cancelled lines are left off."""
    open_run, _, people = village
    rows = disclosure.disclosure_rows(user=users["district_admin"], run=open_run, village_code=f.VILLAGE_A1)
    assert sorted(names(rows)) == sorted(["张*丰", "王*年", "孙*长", "郑*票"])
    adult = next(row for row in rows if row.name == "张*丰")
    assert adult.id_number == mask_id_number(people["adult"].id_number) != people["adult"].id_number
    assert (adult.amount_fen, adult.member_count) == (123_456, 1)
    assert next(row for row in rows if row.name == "孙*长").member_count == 2


def test_a_program_that_protects_minors_leaves_off_every_line_covering_one(users, village):
    _, protected_run, _ = village
    rows = disclosure.disclosure_rows(user=users["district_admin"], run=protected_run, village_code=f.VILLAGE_A1)
    assert names(rows) == ["张*丰"]


def test_a_payee_without_a_registry_record_is_judged_by_the_account_holders_id(users, programs):
    """A payee not in the registry (temporary aid): the age comes from the account holder's ID number."""
    run = make_run(user=users["finance"], program="test_open", period=JUNE, status=RunStatus.RECONCILED)
    adult, minor = person("冯成人"), person("陈未成", birth=dt.date(2012, 2, 2))
    for somebody in (adult, minor):
        account = make_account(somebody)
        created = line(run, somebody)
        created.payee, created.account = None, account
        created.save(update_fields=["payee", "account"])
    rows = disclosure.disclosure_rows(user=users["district_admin"], run=run, village_code=f.VILLAGE_A1)
    assert [(row.name, row.id_number) for row in rows] == [("冯*人", mask_id_number(adult.id_number))]


def test_the_index_counts_listed_and_withheld_per_village_in_the_users_area(users, village):
    open_run, _, _ = village
    everything = {v.code: (v.listed, v.withheld)
                  for v in disclosure.disclosure_villages(user=users["district_admin"], run=open_run)}
    assert everything == {f.VILLAGE_A1: (4, 2), f.VILLAGE_B1: (1, 0)}
    own = disclosure.disclosure_villages(user=users["village_b1"], run=open_run)
    assert [(v.code, v.name, v.listed) for v in own] == [(f.VILLAGE_B1, "乙一村", 1)]


def test_only_a_user_whose_area_contains_the_village_gets_it(users, village):
    open_run, _, _ = village
    for role in ("district_admin", "town_a", "village_a1"):
        assert disclosure.access_disclosure_village(user=users[role], run=open_run,
                                                    village_code=f.VILLAGE_A1).code == f.VILLAGE_A1
    for role, code in [("town_b", f.VILLAGE_A1), ("village_b1", f.VILLAGE_A1), ("village_a1", f.VILLAGE_B1),
                       ("district_admin", f.VILLAGE_A2), ("district_admin", f.TOWN_A), ("district_admin", "x")]:
        with pytest.raises(NotFoundError):
            disclosure.access_disclosure_village(user=users[role], run=open_run, village_code=code)


def test_the_printed_list(users, village):
    """Given the open program's June list of 甲一村 posted on 2025-07-05, when printed, then the PDF has the title
    "测试区甲一村 2025年6月 测试生活补助 发放公示", the 7-day period to 2025-07-11, the masked names and ID numbers,
    the total, the objection line; no full name, no full ID number and nobody left off."""
    open_run, _, people = village
    document = disclosure.disclosure_document(user=users["finance"], run=open_run,
                                              village=f.make_areas()[f.VILLAGE_A1], on=dt.date(2025, 7, 5))
    assert document.title == "测试区甲一村 2025年6月 测试生活补助 发放公示"
    text = pdf_text(render_form(document))
    for expected in ["测试区甲一村2025年6月测试生活补助发放公示", "公示期7天", "2025年7月5日",
                     "2025年7月11日", "张*丰", mask_id_number(people["adult"].id_number), "¥1,234.56",
                     "如有异议，请在公示期内向村（居）委会或乡镇人民政府反映", "共4户", "甲一村村民委员会"]:
        assert expected in text, expected
    for person_key in people:
        assert people[person_key].id_number not in text
        assert people[person_key].name not in text
    for withheld in ("李*明", "赵*一", "孙*宝", "周*缓", "吴*发", "钱*村"):
        assert withheld not in text


def test_a_run_not_yet_approved_is_not_disclosed(users, programs):
    run = make_run(user=users["finance"], program="test_open", period=JUNE, status=RunStatus.REVIEWED)
    line(run, person("张三丰"), status=LineStatus.PENDING)
    assert not disclosure.can_disclose(run)
    with pytest.raises(ApplicationError) as caught:
        disclosure.disclosure_document(user=users["finance"], run=run, village=f.make_areas()[f.VILLAGE_A1])
    assert caught.value.code == disclosure.DisclosureErrorCode.RUN_NOT_APPROVED


def test_an_unknown_program_is_treated_as_protecting_minors():
    assert disclosure.protects_minors("no_such_program") is True
    assert disclosure.protects_minors("tekun") is True
