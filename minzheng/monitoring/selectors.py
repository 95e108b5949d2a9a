"""All reads of comparison runs and alerts, scoped to the acting user's area (prefix of the area code).

An alert is in a user's scope when its area (the village it was sent to) lies under the user's area: a village
worker sees the village's alerts, a town its villages', the district all. A comparison run is visible to users
whose area it covers (a district run to every town and village of the district) and to users above its area.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from minzheng.accounts.enums import Role
from minzheng.accounts.models import User
from minzheng.accounts.permissions import Perm, has_perm
from minzheng.areas.enums import AreaLevel
from minzheng.areas.models import Area
from minzheng.monitoring.alerts import ASSIGNEE_ROLES, can_be_assignee, overdue_q, rule_title
from minzheng.monitoring.enums import AlertOutcome, AlertStatus
from minzheng.monitoring.models import Alert, MonitoringRun

S = AlertStatus


def alert_scope(user) -> QuerySet[Alert]:
    if not has_perm(user, Perm.MONITORING_VIEW):
        return Alert.objects.none()
    return Alert.objects.filter(area__code__startswith=user.area_prefix)


def _covering_codes(user) -> list[str]:
    """The codes of the user's area and the areas above it (a run over any of them covers the user)."""
    code = user.area_id or ""
    if len(code) != 12:
        return []
    return list({code, code[:9] + "000", code[:6] + "000000"})


def run_scope(user) -> QuerySet[MonitoringRun]:
    if not has_perm(user, Perm.MONITORING_VIEW):
        return MonitoringRun.objects.none()
    return MonitoringRun.objects.filter(Q(area__code__startswith=user.area_prefix)
                                        | Q(area_id__in=_covering_codes(user)))


def run_list(*, user) -> QuerySet[MonitoringRun]:
    return run_scope(user).select_related("area", "started_by", "job").order_by("-created_at")


@dataclass(frozen=True)
class AlertFilters:
    rule: str = ""
    status: str = ""
    overdue: bool = False
    area: str = ""
    outcome: str = ""
    run: str = ""
    mine: bool = False


def alert_list(*, user, filters: AlertFilters | None = None, today: dt.date | None = None) -> QuerySet[Alert]:
    filters = filters or AlertFilters()
    today = today or dt.date.today()
    qs = alert_scope(user)
    if filters.rule:
        qs = qs.filter(rule_code=filters.rule)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(overdue_q(today))
    if filters.area:
        from minzheng.areas.codes import prefix_of

        try:
            qs = qs.filter(area__code__startswith=prefix_of(filters.area))
        except ValueError:
            qs = qs.none()
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.run:
        qs = qs.filter(Q(raised_in_id=filters.run) | Q(last_seen_in_id=filters.run))
    if filters.mine:
        qs = qs.filter(assigned_to=user)
    # Open work first (to assign, to visit, to close), each by its due day; closed alerts last, latest first.
    stage = Case(When(status=S.RAISED, then=Value(0)), When(status=S.ASSIGNED, then=Value(1)),
                 When(status=S.VISITED, then=Value(2)), default=Value(3), output_field=IntegerField())
    return (qs.select_related("person", "area", "assigned_to")
            .order_by(stage, "due_on", "-closed_on", "-created_at", "pk"))


def rule_choices(*, user) -> list[tuple[str, str]]:
    """The rules of the alerts the user can see, and every rule the registry knows."""
    codes = set(alert_scope(user).values_list("rule_code", flat=True).distinct())
    try:
        from minzheng.monitoring.rules import RULES

        codes |= set(RULES)
    except ImportError:
        pass
    return sorted(((code, rule_title(code)) for code in codes), key=lambda item: item[0])


def assignee_choices(*, alert: Alert) -> list[User]:
    """Workers the alert can be given to: village and town workers whose area contains the alert's area."""
    code = alert.area_id
    prefixes = {code, code[:9] + "000"}
    users = (User.objects.filter(is_active=True, role__in=[str(r) for r in ASSIGNEE_ROLES], area_id__in=prefixes)
             .select_related("area").order_by("-area_id", "username"))
    return [user for user in users if can_be_assignee(user, alert)]


def run_feed_files(run: MonitoringRun) -> list[dict]:
    """The feed files a run read (from the engine's recorded inputs), with the department file they came from."""
    from pathlib import PurePosixPath

    from minzheng.monitoring.models import FeedFile

    entries = []
    for kind, files in sorted(((run.inputs or {}).get("feeds") or {}).items()):
        for entry in files or []:
            path = str(entry.get("path", "")) if isinstance(entry, dict) else str(entry)
            stem = PurePosixPath(path).stem
            entries.append({"kind": kind, "path": path, "file_id": stem if _is_uuid(stem) else "",
                            "sha256": entry.get("sha256", "") if isinstance(entry, dict) else ""})
    files = {str(f.pk): f for f in FeedFile.objects.filter(pk__in=[e["file_id"] for e in entries if e["file_id"]])
             .select_related("kind")}
    for entry in entries:
        feed_file = files.get(entry["file_id"])
        entry["kind_name"] = str(feed_file.kind) if feed_file else entry["kind"]
        entry["filename"] = feed_file.filename if feed_file else ""
        entry["rows"] = feed_file.rows_loaded if feed_file else None
        if feed_file is None:
            entry["file_id"] = ""
    return entries


def run_snapshot_tables(run: MonitoringRun) -> list[dict]:
    """Per registry table: the snapshot files the engine read, their rows (from the export manifest) and hashes."""
    inputs = run.inputs or {}
    files = ((inputs.get("snapshot") or {}).get("files")) or {}
    exported = {e.get("path"): e for entries in (((inputs.get("snapshot_export") or {}).get("files")) or {}).values()
                for e in entries or [] if isinstance(e, dict)}
    rows = []
    for table, entries in files.items():
        entries = [e for e in entries or [] if isinstance(e, dict)]
        counted = [exported.get(e.get("path"), {}).get("rows") for e in entries]
        rows.append({"table": table, "files": len(entries),
                     "rows": sum(c for c in counted if c is not None) if any(c is not None for c in counted) else None,
                     "sha256": [e.get("sha256", "") for e in entries]})
    return rows


# --- Statistics -------------------------------------------------------------------------------------------


def group_level(user) -> str:
    """One level below the user's own area: the district sees towns, a town its villages, a village itself."""
    code = user.area_id or ""
    if code.endswith("000000"):
        return AreaLevel.TOWN
    return AreaLevel.VILLAGE


def group_code(area_code: str, level: str) -> str:
    return area_code[:9] + "000" if level == AreaLevel.TOWN else area_code


def group_areas(user, level: str) -> list[tuple[str, str]]:
    """The areas of the per-area statistics, in code order, including those without alerts."""
    qs = Area.objects.filter(code__startswith=user.area_prefix, level=level).order_by("code")
    return list(qs.values_list("code", "name"))


@dataclass
class AreaStats:
    code: str
    name: str
    raised: int = 0
    open: int = 0
    overdue: int = 0
    closed: int = 0
    outcomes: Counter = field(default_factory=Counter)

    @property
    def outcome_list(self) -> list[int]:
        """Closed alerts per outcome, in the order of ``AlertOutcome``."""
        return [self.outcomes.get(value, 0) for value in AlertOutcome.values]


@dataclass
class Dashboard:
    today: dt.date
    level: str
    total: int = 0
    open: int = 0
    overdue: int = 0
    unassigned: int = 0
    closed: int = 0
    raised_this_month: int = 0
    closed_this_month: int = 0
    areas: list[AreaStats] = field(default_factory=list)
    rules: list[dict] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)
    statuses: list[dict] = field(default_factory=list)
    last_run: MonitoringRun | None = None

    @property
    def level_label(self) -> str:
        return "乡镇（街道）" if self.level == AreaLevel.TOWN else "村（社区）"

    def chart_data(self) -> dict:
        return {
            "level_label": self.level_label,
            "areas": {"names": [a.name for a in self.areas], "open": [a.open - a.overdue for a in self.areas],
                      "overdue": [a.overdue for a in self.areas], "closed": [a.closed for a in self.areas]},
            "rules": [{"code": r["code"], "title": r["title"], "open": r["open"], "closed": r["closed"]}
                      for r in self.rules],
            "outcomes": [{"name": o["label"], "value": o["count"]} for o in self.outcomes],
            "statuses": [{"name": s["label"], "value": s["count"]} for s in self.statuses],
        }


def dashboard(*, user, today: dt.date | None = None) -> Dashboard:
    """KPI cards, per-area open/overdue/closed, per-rule counts and closed outcomes of the user's area."""
    today = today or dt.date.today()
    level = group_level(user)
    data = Dashboard(today=today, level=level)
    qs = alert_scope(user)
    month_start = today.replace(day=1)
    data.total = qs.count()
    data.closed = qs.filter(status=S.CLOSED).count()
    data.open = data.total - data.closed
    data.overdue = qs.filter(overdue_q(today)).count()
    data.unassigned = qs.filter(status=S.RAISED).count()
    data.raised_this_month = qs.filter(created_at__date__gte=month_start).count()
    data.closed_this_month = qs.filter(closed_on__gte=month_start).count()

    by_area = {code: AreaStats(code=code, name=name) for code, name in group_areas(user, level)}
    overdue_flag = Count("id", filter=overdue_q(today))
    rows = (qs.values("area_id", "status", "outcome").annotate(n=Count("id"), late=overdue_flag)
            .order_by("area_id", "status", "outcome"))
    for row in rows:
        code = group_code(row["area_id"], level)
        stats = by_area.get(code)
        if stats is None:
            stats = by_area[code] = AreaStats(code=code, name=code)
        stats.raised += row["n"]
        if row["status"] == S.CLOSED:
            stats.closed += row["n"]
            stats.outcomes[row["outcome"]] += row["n"]
        else:
            stats.open += row["n"]
            stats.overdue += row["late"]
    data.areas = [by_area[code] for code in sorted(by_area)]

    rule_rows = qs.values("rule_code").annotate(
        total=Count("id"), closed=Count("id", filter=Q(status=S.CLOSED)), late=overdue_flag).order_by("rule_code")
    data.rules = [{"code": r["rule_code"], "title": rule_title(r["rule_code"]), "total": r["total"],
                   "closed": r["closed"], "open": r["total"] - r["closed"], "overdue": r["late"]}
                  for r in rule_rows]
    outcome_counts = dict(qs.filter(status=S.CLOSED).values_list("outcome").annotate(n=Count("id")))
    data.outcomes = [{"value": value, "label": label, "count": outcome_counts.get(value, 0)}
                     for value, label in AlertOutcome.choices]
    status_counts = dict(qs.values_list("status").annotate(n=Count("id")))
    data.statuses = [{"value": value, "label": label, "count": status_counts.get(value, 0)}
                     for value, label in AlertStatus.choices]
    data.last_run = run_scope(user).filter(status="succeeded").order_by("-created_at").first()
    return data


EVENT_LABELS = {"alert.raise": "比对发现预警", "alert.assign": "分派核查", "alert.visit": "入户核查",
                "alert.close": "办结"}


def alert_events(*, user, alert: Alert) -> list:
    """The alert's history (发现、分派、核查、办结), oldest first; the caller has passed the alert's access check."""
    from minzheng.audit.models import Event

    events = list(Event.objects.filter(object_type="monitoring.alert", object_id=str(alert.pk))
                  .select_related("actor").order_by("occurred_at", "pk"))
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
    return events


def role_label(user) -> str:
    try:
        return Role(user.role).label
    except ValueError:
        return ""


# --- Evidence ---------------------------------------------------------------------------------------------

# Lake columns never shown as evidence: the pseudonym and the bookkeeping columns; names are shown masked.
_HIDDEN_COLUMNS = {"row_id", "file_id", "row_number", "person_key", "id_number", "name", "birth_date",
                   "event_date"}


@dataclass
class EvidenceRow:
    row_id: str
    source: str
    filename: str = ""
    file_id: str = ""
    row_number: int | None = None
    event_date: str = ""
    masked_name: str = ""
    values: list[tuple[str, str]] = field(default_factory=list)
    found: bool = True


def _display(value, column_type: str) -> str:
    from minzheng.core.money import format_fen

    if value is None or value == "":
        return "—"
    if column_type == "amount":
        return format_fen(int(value))
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def evidence_rows(alert: Alert) -> list[EvidenceRow]:
    """The alert's evidence as the department sent it, read back from the lake: the feed and file, the row number
    and the row's own columns. The lake holds no ID numbers (only the registry's pseudonym, never shown); names are
    masked. Registry evidence (``registry:{table}:{key}``) is named, not expanded: the person's page shows it."""
    from minzheng.core.masking import mask_name
    from minzheng.monitoring.models import FeedFile

    items = [str(item.get("row_id") if isinstance(item, dict) else item) for item in alert.evidence or []]
    event_dates = {str(item.get("row_id")): str(item.get("event_date") or "")
                   for item in alert.evidence or [] if isinstance(item, dict)}
    by_file: dict[str, list[tuple[str, int]]] = {}
    rows: dict[str, EvidenceRow] = {}
    for row_id in items:
        if row_id.startswith("registry:"):
            table = row_id.split(":")[1] if row_id.count(":") >= 2 else ""
            labels = {"persons": "人员信息", "households": "家庭信息", "memberships": "家庭成员关系",
                      "enrollments": "救助对象", "enrollment_members": "保障成员"}
            rows[row_id] = EvidenceRow(row_id=row_id, source=f"户籍与救助登记（{labels.get(table, table)}）",
                                       event_date=event_dates.get(row_id, ""))
            continue
        file_id, _, number = row_id.rpartition(":")
        try:
            row_number = int(number)
        except ValueError:
            rows[row_id] = EvidenceRow(row_id=row_id, source="未知来源", found=False)
            continue
        by_file.setdefault(file_id, []).append((row_id, row_number))
        rows[row_id] = EvidenceRow(row_id=row_id, source="", file_id=file_id, row_number=row_number,
                                   event_date=event_dates.get(row_id, ""), found=False)
    files = {str(f.pk): f for f in FeedFile.objects.filter(pk__in=[k for k in by_file if _is_uuid(k)])
             .select_related("kind")}
    for file_id, wanted in by_file.items():
        feed_file = files.get(file_id)
        if feed_file is None:
            for row_id, _number in wanted:
                rows[row_id].source = "数据文件已不存在"
            continue
        columns = {c["name"]: c for c in feed_file.kind.columns or []}
        for row_id, _number in wanted:
            rows[row_id].source = str(feed_file.kind)
            rows[row_id].filename = feed_file.filename
        for record in _lake_records(feed_file, [row_id for row_id, _ in wanted]):
            row = rows[str(record["row_id"])]
            row.found = True
            row.masked_name = mask_name(record.get("name") or "")
            row.values = [(columns.get(name, {}).get("label", name),
                           _display(value, columns.get(name, {}).get("type", "")))
                          for name, value in record.items()
                          if name not in _HIDDEN_COLUMNS and value is not None and value != ""]
    return [rows[row_id] for row_id in items]


def _is_uuid(text: str) -> bool:
    from minzheng.core.identifiers import parse_uuid

    return parse_uuid(text) is not None


def _lake_records(feed_file, row_ids: list[str]) -> list[dict]:
    import pyarrow.parquet as pq

    from minzheng.monitoring import lake

    records: list[dict] = []
    for relpath in feed_file.lake_paths or []:
        try:
            path = lake.absolute(relpath)
        except ValueError:
            continue
        if not path.exists():
            continue
        table = pq.read_table(path, filters=[("row_id", "in", row_ids)])
        records.extend(table.to_pylist())
    return records
