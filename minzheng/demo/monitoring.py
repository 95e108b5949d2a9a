"""Dynamic monitoring for the demo district (演示数据): department feed files, two comparison runs and alerts at
every stage, so that the monitoring page shows real alerts, overdue checks and outcomes.

Everything goes through the real code: the feed files are CSV as a department would send them, loaded by
``feeds.feed_ingest`` (some rows are dirty and end in quarantine, some carry only a name and become candidates for
a person to confirm); the comparison runs through the job (``tasks.run_comparison_sync``); alerts are assigned,
visited and closed through ``alerts``' actions by the demo users.

Time line: the feeds hold events of the last three months. A first run "as of" 35 days ago sees only the older
events; its run and alerts are dated that day (what the run would have made then), most of its alerts have been
handled since and the rest are overdue. A second run as of today finds the newer events and repeats nothing.

Deterministic from the seed; the rows hit enrolled households on purpose (a paid person who died, vehicles, a
company, a second home, a public-sector job, an imprisoned recipient, a recipient moved away) and people at risk
(a large hospital bill, a disaster loss, a new severe disability, the only earner out of work, a new student).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections import defaultdict

from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.assistance.models import Enrollment, EnrollmentStatus
from minzheng.core.identifiers import make_id_number
from minzheng.monitoring import alerts as alert_actions
from minzheng.monitoring.enums import AlertCategory, AlertOutcome, AlertStatus
from minzheng.monitoring.feeds import feed_ingest
from minzheng.monitoring.models import Alert, MonitoringRun
from minzheng.monitoring.tasks import run_comparison_sync
from minzheng.registry.models import Membership, Person

HISTORY_DAYS = 35
OUTSIDE_AREA6 = "320102"  # ID numbers of people registered elsewhere (not in the district's registry)


class _Feeds:
    """Rows of each feed kind, written as CSV with the kinds' column codes as headers."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.serial = 0

    def day(self, *, old: bool | None = None) -> dt.date:
        """An event day: old (before the history run), recent (after it) or either."""
        if old is None:
            old = self.rng.random() < 0.5
        if old:
            return self.today - dt.timedelta(days=self.rng.randint(HISTORY_DAYS + 3, 88))
        return self.today - dt.timedelta(days=self.rng.randint(2, HISTORY_DAYS - 3))

    def add(self, kind: str, person: Person | None, **values) -> None:
        row = {"id_number": person.id_number if person else self.outsider(), "name": person.name if person else
               self.rng.choice(["张伟", "王芳", "李娜", "刘洋", "陈静"])}
        row.update({k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()})
        self.rows[kind].append(row)

    def outsider(self) -> str:
        self.serial += 1
        born = dt.date(1960, 1, 1) + dt.timedelta(days=self.rng.randint(0, 15000))
        return make_id_number(OUTSIDE_AREA6, born, self.serial % 999, male=self.rng.random() < 0.5)

    def dirty(self, kind: str, sample: dict) -> None:
        """Rows a department sends by mistake: a wrong check digit, an impossible date, a negative amount."""
        broken = dict(sample)
        number = broken["id_number"]
        broken["id_number"] = number[:-1] + ("0" if number[-1] != "0" else "1")
        self.rows[kind].append(broken)
        for column in sample:
            if column.endswith(("_date", "_on")) or column in ("month",):
                self.rows[kind].append({**sample, column: "2025-02-30"})
                break
        for column, value in sample.items():
            if column.endswith(("amount", "price", "wage", "tuition", "capital")) and value not in ("", None):
                self.rows[kind].append({**sample, column: "-100"})
                break

    def name_only(self, kind: str, person: Person, **values) -> None:
        row = {"id_number": "", "name": person.name, "birth_date": person.birth_date.isoformat(),
               "area_code": person.hukou_area_id}
        row.update({k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()})
        self.rows[kind].append(row)

    def csv_bytes(self, kind: str) -> bytes:
        rows = self.rows[kind]
        columns: list[str] = []
        for row in rows:
            for column in row:
                if column not in columns:
                    columns.append(column)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in columns})
        return buffer.getvalue().encode("utf-8")


def _persons(pks: list) -> list[Person]:
    found = {str(p.pk): p for p in Person.objects.filter(pk__in=list(pks))}
    return [found[str(pk)] for pk in pks if str(pk) in found]


def _recipients() -> list[tuple[Enrollment, list[str]]]:
    enrollments = Enrollment.objects.filter(status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.PHASE_OUT])
    return [(e, list(e.person_ids or [])) for e in enrollments.order_by("household__number", "program")]


def _age(person: Person, today: dt.date) -> int:
    return person.age_on(today)


def build_feeds(rng: random.Random, today: dt.date, *, persons: int) -> _Feeds:
    feeds = _Feeds(rng, today)
    # Ordered by the blind index, not the random UUID, so that the same seed picks the same people.
    alive = list(Person.objects.filter(death_date__isnull=True).order_by("id_number_bidx")
                 .values_list("pk", flat=True))
    size = max(20, min(400, persons // 300))
    sample = _persons(rng.sample(alive, min(len(alive), size * 8)))
    adults = [p for p in sample if 18 <= _age(p, today) < 60]
    elders = [p for p in sample if _age(p, today) >= 60]
    youths = [p for p in sample if 17 <= _age(p, today) <= 21]

    recipients = _recipients()
    paid = [(e, ids) for e, ids in recipients if e.program in ("dibao", "individual_dibao", "tekun")]
    rng.shuffle(paid)
    paid_persons = _persons([pid for _, ids in paid for pid in ids[:1]])

    # 公安 deaths: a few elderly people, and two recipients still paid (one also cremated, 民政殡葬).
    for person in elders[: max(3, size // 10)]:
        feeds.add("police_death", person, death_date=feeds.day(), hukou_area=person.hukou_area_id)
    for index, person in enumerate(paid_persons[:2]):
        died = feeds.day(old=index == 0)
        feeds.add("police_death", person, death_date=died, hukou_area=person.hukou_area_id)
        if index == 0:
            feeds.add("funeral_cremation", person, cremated_on=died + dt.timedelta(days=3), death_date=died)
    # 车管 vehicles: many adults, three recipients with a car (one also a tricycle).
    for person in adults[:size]:
        feeds.add("vehicle", person, registered_on=feeds.day(), plate=f"皖D{rng.randint(10000, 99999)}",
                  vehicle_type=rng.choice(["car", "car", "truck", "motorcycle"]),
                  purchase_price=rng.randrange(30_000, 260_000, 1_000))
    for index, person in enumerate(paid_persons[2:5]):
        feeds.add("vehicle", person, registered_on=feeds.day(old=index != 2), plate=f"皖D{rng.randint(10000, 99999)}",
                  vehicle_type="car", purchase_price=rng.randrange(45_000, 120_000, 1_000))
    # 医保 hospital bills: mostly small, a few very large out-of-pocket amounts.
    for index, person in enumerate(sample[:size]):
        total = rng.randrange(800, 30_000, 100) if index % 12 else rng.randrange(90_000, 260_000, 1_000)
        feeds.add("medical_bill", person, settle_date=feeds.day(), total_amount=total,
                  out_of_pocket_amount=total * rng.randint(30, 65) // 100, hospital="淮南市第一人民医院",
                  area_code=person.hukou_area_id)
    # 人社 employment: adults at companies; two recipients in public-sector jobs, two with a high wage.
    for person in adults[size: size * 2]:
        feeds.add("hr_employment", person, start_date=feeds.day(), employer="淮南某某制造有限公司",
                  employer_kind="enterprise", monthly_wage=rng.randrange(2_200, 7_000, 100))
    for index, person in enumerate(paid_persons[5:9]):
        public = index < 2
        feeds.add("hr_employment", person, start_date=feeds.day(old=index % 2 == 0),
                  employer="毛集实验区某事业单位" if public else "淮南某某能源有限公司",
                  employer_kind="public_sector" if public else "enterprise",
                  monthly_wage=rng.randrange(4_500, 6_000, 100) if public else rng.randrange(9_000, 15_000, 500))
    # 人社 unemployment: the only working-age member of some households, and others.
    for person in _sole_earners(rng, today, limit=6) + adults[size * 2: size * 2 + size // 4]:
        feeds.add("hr_unemployment", person, registered_on=feeds.day())
    # 人社 pensions, 公积金 contributions.
    for person in elders[: size // 2]:
        feeds.add("hr_pension", person, month=feeds.day().replace(day=1), monthly_amount=rng.choice([180, 220, 1_850]))
    for person in adults[:: 3][: size // 3]:
        feeds.add("housing_fund", person, month=feeds.day().replace(day=1), employer="淮南某某制造有限公司",
                  base_wage=rng.randrange(2_500, 6_500, 100))
    # 残联 disability certificates, some of grade 1 or 2.
    for person in sample[size: size + size // 4]:
        feeds.add("disability_cert", person, issued_on=feeds.day(),
                  disability_kind=rng.choice(["physical", "visual", "intellectual", "hearing"]),
                  grade=rng.choice([1, 2, 3, 4, 4]))
    # 市场监管 companies: adults and two recipients as legal representatives.
    for person in adults[::4][: size // 4]:
        feeds.add("market_company", person, registered_on=feeds.day(), company_name="淮南某某商贸有限公司",
                  role="legal_rep", registered_capital=rng.randrange(10_000, 500_000, 10_000), status="active")
    for index, person in enumerate(paid_persons[9:11]):
        feeds.add("market_company", person, registered_on=feeds.day(old=index == 0), company_name="毛集某某农资经营部",
                  role="legal_rep", registered_capital=50_000, status="active")
    # 不动产 homes: some adults; one recipient with two homes.
    for person in adults[1::4][: size // 4]:
        feeds.add("property", person, registered_on=feeds.day(),
                  certificate_no=f"皖(2025)淮南不动产权第{rng.randint(1, 99999):05d}号", usage="residential",
                  area_m2=rng.randrange(60, 140))
    for person in paid_persons[11:12]:
        for _ in range(2):
            feeds.add("property", person, registered_on=feeds.day(old=False),
                      certificate_no=f"皖(2025)淮南不动产权第{rng.randint(1, 99999):05d}号", usage="residential",
                      area_m2=rng.randrange(70, 120))
    # 教育 new students: young people starting college, some in low-income households.
    students = youths[: size // 3] + _low_income_youths(today, limit=4)
    for person in students:
        feeds.add("education_enrolment", person, enrolled_on=feeds.day(), school="安徽理工大学", stage="college",
                  first_year="是", tuition=rng.choice([4_800, 5_500, 6_000]))
    # 应急 disaster losses, a few large.
    for index, person in enumerate(adults[2::5][: size // 5]):
        feeds.add("disaster_loss", person, occurred_on=feeds.day(), disaster_kind=rng.choice(["flood", "storm"]),
                  loss_amount=rng.randrange(2_000, 9_000, 100) if index % 4 else rng.randrange(40_000, 120_000, 1_000))
    # 司法 imprisonment: a recipient, and a parent of minor children.
    for person in paid_persons[12:13] + _parents_of_minors(today, limit=1):
        feeds.add("justice_imprisonment", person, admitted_on=feeds.day(), release_date=today + dt.timedelta(days=700))
    # 公安 hukou moves: a recipient moved out to another county.
    for person in paid_persons[13:14]:
        feeds.add("police_hukou_move", person, move_date=feeds.day(old=False), direction="out",
                  to_area="320102000000", area_code=person.hukou_area_id)
    for person in adults[3::7][: size // 6]:
        feeds.add("police_hukou_move", person, move_date=feeds.day(), direction="in", to_area="",
                  area_code=person.hukou_area_id)

    # Dirty rows (quarantine) and name-only rows (candidates) in a few feeds.
    for kind in ("vehicle", "medical_bill", "hr_employment", "disaster_loss"):
        if feeds.rows[kind]:
            feeds.dirty(kind, feeds.rows[kind][0])
    for person in elders[size // 2: size // 2 + 2]:
        feeds.name_only("medical_bill", person, settle_date=feeds.day(old=False), total_amount=12_000,
                        out_of_pocket_amount=5_000, hospital="凤台县人民医院")
    for person in adults[-2:]:
        feeds.name_only("hr_unemployment", person, registered_on=feeds.day(old=False))
    return feeds


def _sole_earners(rng: random.Random, today: dt.date, *, limit: int) -> list[Person]:
    """Working-age people who are the only working-age member of their household."""
    young, old = today.replace(year=today.year - 16), today.replace(year=today.year - 60)
    by_household: dict = defaultdict(list)
    memberships = (Membership.objects.filter(ended_on__isnull=True, person__death_date__isnull=True,
                                             person__birth_date__lte=young, person__birth_date__gt=old)
                   .order_by("household__number", "person__id_number_bidx")
                   .values_list("household_id", "person_id")[:20_000])
    for household_id, person_id in memberships:
        by_household[household_id].append(person_id)
    sole = [ids[0] for ids in by_household.values() if len(ids) == 1]
    rng.shuffle(sole)
    return _persons(sole[:limit])


def _low_income_youths(today: dt.date, *, limit: int) -> list[Person]:
    households = [e.household_id for e, _ in _recipients()]
    born_after, born_before = today.replace(year=today.year - 21), today.replace(year=today.year - 17)
    ids = list(Membership.objects.filter(household_id__in=households, ended_on__isnull=True,
                                         person__birth_date__gt=born_after, person__birth_date__lte=born_before)
               .order_by("person__id_number_bidx").values_list("person_id", flat=True)[:limit])
    return _persons(ids)


def _parents_of_minors(today: dt.date, *, limit: int) -> list[Person]:
    minors = Membership.objects.filter(ended_on__isnull=True, relation="child",
                                       person__birth_date__gt=today.replace(year=today.year - 18))
    households = list(minors.order_by("household__number").values_list("household_id", flat=True).distinct()[:limit])
    heads = (Membership.objects.filter(household_id__in=households, relation="head", ended_on__isnull=True)
             .order_by("household__number").values_list("person_id", flat=True))
    return _persons(list(heads))


# --- Handling the alerts ----------------------------------------------------------------------------------


def _backdate(run: MonitoringRun, day: dt.date) -> None:
    """Date a run and the alerts it raised on ``day``, their due dates counted from it."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
    MonitoringRun.objects.filter(pk=run.pk).update(created_at=moment, finished_at=moment + dt.timedelta(minutes=2))
    due: dict[str, tuple[dt.date, bool]] = {}
    for alert in Alert.objects.filter(raised_in=run).only("pk", "area_id"):
        if alert.area_id not in due:
            due[alert.area_id] = alert_actions.due_date(area_code=alert.area_id, raised_on=day)
        on, provisional = due[alert.area_id]
        Alert.objects.filter(pk=alert.pk).update(created_at=moment, due_on=on, due_provisional=provisional)


def _town_user(area_code: str) -> User | None:
    return User.objects.filter(role="town_reviewer", area_id=area_code[:9] + "000", is_active=True).first()


def _assignee(area_code: str) -> User | None:
    return (User.objects.filter(role="village_worker", area_id=area_code, is_active=True).first()
            or _town_user(area_code))


def _outcome(rng: random.Random, alert: Alert) -> tuple[str, str]:
    if alert.category == AlertCategory.INELIGIBILITY:
        if alert.enrollment_id and rng.random() < 0.6:
            return AlertOutcome.ADJUST, "入户核实情况属实，报区级审核调整救助"
        return AlertOutcome.UNFOUNDED, "入户核实：登记信息有误或已处置，情况不属实"
    roll = rng.random()
    if roll < 0.25 and alert.household_id and not alert.enrollment_id:
        return AlertOutcome.INCLUDE_AID, "家庭困难情况属实，已指导申请社会救助"
    if roll < 0.75:
        return AlertOutcome.HELPED, "已落实临时救助和走访慰问"
    return AlertOutcome.UNFOUNDED, "入户核实：家庭经济状况良好，无需救助"


def handle_alerts(rng: random.Random, run: MonitoringRun, *, raised_on: dt.date, today: dt.date,
                  share_assigned: float, share_closed: float) -> dict[str, int]:
    """Take a share of a run's alerts through assignment, the visit and closing, as the towns would have."""
    counts = {"assigned": 0, "visited": 0, "closed": 0}
    # Ordered by rule and pseudonym (the dedupe key holds feed-file UUIDs, different in every demo database).
    todo = list(Alert.objects.filter(raised_in=run, status=AlertStatus.RAISED).order_by("rule_code", "person_key")
                .select_related("household", "enrollment", "person"))
    for alert in todo:
        if rng.random() > share_assigned:
            continue
        town, assignee = _town_user(alert.area_id), _assignee(alert.area_id)
        if town is None or assignee is None:
            continue
        alert_actions.alert_assign(acting_user=town, alert=alert, assignee=assignee)
        counts["assigned"] += 1
        if rng.random() > share_closed + 0.1:
            continue
        visited_on = min(today, raised_on + dt.timedelta(days=rng.randint(1, 9)))
        alert_actions.alert_record_visit(acting_user=assignee, alert=alert, visited_on=visited_on, today=today,
                                         notes=rng.choice(["入户走访，与户主面谈并查看家庭生活状况。",
                                                           "入户核查，查看相关证件并询问邻里。"]))
        counts["visited"] += 1
        if rng.random() > share_closed / (share_closed + 0.1):
            continue
        outcome, note = _outcome(rng, alert)
        closed_on = min(today, visited_on + dt.timedelta(days=rng.randint(1, 6)))
        alert_actions.alert_close(acting_user=town, alert=alert, outcome=outcome, note=note,
                                  check_authorized=outcome == AlertOutcome.INCLUDE_AID, today=closed_on)
        counts["closed"] += 1
    return counts


def ensure_feed_kinds() -> None:
    """The shipped feed kinds (migration 0002), restored after a flush (transactional tests flush the tables)."""
    import importlib

    from django.apps import apps

    importlib.import_module("minzheng.monitoring.migrations.0002_feed_kinds").create(apps, None)


def seed_monitoring(*, seed: int = 2025, today: dt.date | None = None) -> dict[str, int]:
    """Load the demo feeds, run the comparison twice (35 days ago and today) and handle part of the alerts."""
    from minzheng.policy.demo import ensure_demo_parameters

    ensure_feed_kinds()
    ensure_demo_parameters()
    today = today or timezone.localdate()
    rng = random.Random(seed * 15_485_863)
    admin = User.objects.get(username="qu_admin")
    district = Area.objects.get(level="district")
    persons = Person.objects.count()
    feeds = build_feeds(rng, today, persons=persons)
    counts = {"files": 0, "rows": 0, "quarantined": 0, "candidates": 0}
    for kind in sorted(feeds.rows):
        content = feeds.csv_bytes(kind)
        feed_file = feed_ingest(acting_user=admin, kind_code=kind, filename=f"{kind}-{today:%Y%m}.csv",
                                content=content, today=today)
        counts["files"] += 1
        counts["rows"] += feed_file.rows_total
        counts["quarantined"] += feed_file.rows_quarantined
        counts["candidates"] += feed_file.candidates.count()
    history_day = today - dt.timedelta(days=HISTORY_DAYS)
    history = run_comparison_sync(acting_user=admin, as_of=history_day, area_code=district.code)
    _backdate(history, history_day)
    handled = handle_alerts(rng, history, raised_on=history_day, today=today, share_assigned=0.85, share_closed=0.6)
    current = run_comparison_sync(acting_user=admin, as_of=today, area_code=district.code)
    recent = handle_alerts(rng, current, raised_on=today, today=today, share_assigned=0.3, share_closed=0.0)
    counts.update({"alerts": Alert.objects.count(), "alerts_history": history.alerts_new,
                   "alerts_today": current.alerts_new, "closed": handled["closed"] + recent["closed"],
                   "assigned": handled["assigned"] + recent["assigned"]})
    return counts
