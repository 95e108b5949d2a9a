"""Printed documents of an application: 审批表, 公示名单, 不予批准通知书, and the electronic dossier (档案) that
binds every record of the case into one PDF in a fixed order, with a zip of the original attachments.

All documents are ``documents.spec.FormDocument`` data. ID numbers are printed masked (and the renderer's
guard masks any that slip through); the public list prints names masked as 张*三 and never a minor.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.utils import timezone

from minzheng.areas.enums import AreaLevel
from minzheng.areas.models import Area
from minzheng.areas.selectors import area_name, area_path
from minzheng.assistance.actions import covers_minor
from minzheng.assistance.determination import ADULT_AGE
from minzheng.assistance.enums import IncomeKind, Program
from minzheng.assistance.models import (
    Application,
    ApplicationAttachment,
    ApplicationStatus,
    Enrollment,
)
from minzheng.assistance.reasons import label as reason_label
from minzheng.assistance.selectors import current_decisions, persons_by_id
from minzheng.audit.display import action_label
from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError
from minzheng.core.masking import mask_name
from minzheng.documents import pdf as form_pdf
from minzheng.documents.formats import cn_date, money, money_with_capital
from minzheng.documents.person import unit_name
from minzheng.documents.spec import (
    Column,
    Field,
    FieldTable,
    FormDocument,
    ListTable,
    Opinion,
    Paragraph,
    SignatureBox,
    Signatures,
)
from minzheng.registry.enums import MemberStatus, Relation

S = ApplicationStatus

APPROVAL_FORM_TITLE = "社会救助审批表"
PUBLIC_NOTICE_TITLE = "社会救助对象公示名单"
DENIAL_NOTICE_TITLE = "不予批准通知书"
DOSSIER_TITLE = "社会救助申请档案"

# What each printed document shows, for the access log.
APPROVAL_FORM_FIELDS = ["snapshot", "members(masked)", "incomes", "assets", "decisions", "opinions"]
PUBLIC_NOTICE_FIELDS = ["name(masked)", "id_number(masked)", "program", "amount"]
DENIAL_NOTICE_FIELDS = ["name", "id_number(masked)", "denial_reason", "decisions"]
DOSSIER_FIELDS = ["snapshot", "members(masked)", "decisions", "investigation", "opinions", "notice", "history",
                  "attachments"]

# An application's public list can be printed once the town has given its opinion, unless it was exempted.
NOTICE_STATUSES = frozenset({S.TOWN_REVIEWED, S.PUBLIC_NOTICE, S.DISTRICT_REVIEW, S.APPROVED})

STATUS_LABELS = dict(ApplicationStatus.choices)
MASKED_NOTE = "说明：身份证号码按规定脱敏打印。本表由民政业务平台生成，涂改无效。"


class DocumentErrorCode:
    NOTICE_EXEMPT = "public_notice_exempt"
    NOTICE_NOT_READY = "public_notice_not_ready"
    NOT_DENIED = "denial_notice_not_denied"


def _district_unit(application: Application) -> str:
    code = application.area_id[:6] + "000000"
    area = Area.objects.filter(code=code).first()
    return unit_name(area) if area else "民政局"


def _town_unit(application: Application) -> str:
    area = Area.objects.filter(code=application.area_id[:9] + "000").first()
    return unit_name(area) if area else ""


def _issuer(application: Application) -> str:
    return area_path(application.area_id, from_level=AreaLevel.DISTRICT).replace("·", "")


# --- The file of the application --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    person: object
    entry: dict

    @property
    def monthly_income_fen(self) -> int:
        return sum(item["monthly_fen"] for item in self.entry["income_items"])


def _members(application: Application) -> list[_Member]:
    entries = application.snapshot.get("members", [])
    people = persons_by_id(entry["person_id"] for entry in entries)
    return [_Member(people[entry["person_id"]], entry) for entry in entries if entry["person_id"] in people]


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _basic_fields(application: Application, members: list[_Member]) -> FieldTable:
    applicant = application.applicant
    return FieldTable(title="基本情况", columns=2, fields=[
        Field("申请人", applicant.name),
        Field("身份证号码", applicant.masked_id_number),
        Field("户编号", application.household.number),
        Field("申办方式", application.get_place_display()),
        Field("申办地", area_path(application.area_id, from_level=AreaLevel.DISTRICT), span=2),
        Field("居住地址", applicant.address or "—", span=2),
        Field("申请日期", cn_date(application.filed_on)),
        Field("受理日期", cn_date(application.accepted_on) or "—"),
        Field("申请家庭人数", f"{len(members)}人"),
        Field("当前状态", STATUS_LABELS.get(application.status, application.status)),
        Field("居住证办理日期", application.snapshot.get("residence_permit_since") or "—"),
        Field("家庭经济状况核对授权书", "已签署" if application.check_authorized else "未签署"),
    ])


def _members_table(application: Application, members: list[_Member]) -> ListTable:
    relations, statuses = dict(Relation.choices), dict(MemberStatus.choices)
    rows = [[m.person.name, relations.get(m.entry["relation"], m.entry["relation"]), m.person.get_sex_display(),
             cn_date(m.person.birth_date), m.person.masked_id_number,
             statuses.get(m.entry["status"], m.entry["status"]), _yes(m.entry["living_together"]),
             money(m.monthly_income_fen)]
            for m in members]
    return ListTable(title="家庭成员", numbered=True, rows=rows, columns=[
        # Widths chosen so that 2012年12月30日 and a masked ID number each fit on one line.
        Column("姓名", 0.95), Column("与户主关系", 0.95), Column("性别", 0.5), Column("出生日期", 1.95),
        Column("身份证号码", 2.6), Column("成员状态", 0.8), Column("共同生活", 0.8), Column("月收入", 1.05, "R")])


def _incomes_table(members: list[_Member]) -> ListTable:
    kinds = dict(IncomeKind.choices)
    rows = [[m.person.name, kinds.get(item["kind"], item["kind"]), money(item["monthly_fen"])]
            for m in members for item in m.entry["income_items"]]
    return ListTable(title="家庭收入（月）", numbered=True, rows=rows, empty_text="（无收入）", columns=[
        Column("姓名", 1.0), Column("收入类别", 3.2, "L"), Column("月收入", 1.3, "R")])


def _assets_fields(application: Application) -> FieldTable:
    data = application.snapshot
    assets = data.get("assets") or {}
    emergency = data.get("emergency")
    emergency_text = f"{emergency['kind']}，损失或支出 {money(emergency['loss_fen'])}" if emergency else "无"
    return FieldTable(title="家庭财产和支出", columns=2, fields=[
        Field("存款等金融资产", money(assets.get("deposits_fen", 0))),
        Field("有履行能力的义务人", f"{data.get('able_supporters', 0)}人"),
        Field("机动车辆", f"{assets.get('vehicles', 0)}辆"),
        Field("市场主体", f"{assets.get('companies', 0)}个"),
        Field("住房", f"{assets.get('homes', 0)}套"),
        Field("近12个月刚性支出", money(data.get("rigid_expenses_12m_fen", 0))),
        Field("突发困难", emergency_text, span=2),
    ])


def _decisions_blocks(application: Application) -> list:
    rows = current_decisions(application=application)
    people = persons_by_id({pid for row in rows for pid in row.member_ids})
    table_rows = []
    for row in rows:
        names = "、".join(people[pid].name for pid in row.member_ids if pid in people) or "—"
        amount = money_with_capital(row.monthly_amount_fen) if row.eligible else "—"
        reasons = "；".join(reason_label(code) for code in row.reasons) or "—"
        table_rows.append([Program(row.program).label, "符合" if row.eligible else "不符合", amount, names, reasons])
    blocks: list = []
    if rows:
        first = rows[0]
        blocks.append(FieldTable(title="认定概况", columns=3, fields=[
            Field("认定基准日", cn_date(first.as_of)),
            Field("共同生活家庭人口", f"{first.household_size}人"),
            Field("月人均收入", money(first.per_capita_income_fen)),
        ]))
    blocks.append(ListTable(title="分类认定结果", rows=table_rows, empty_text="（尚无认定结果）", columns=[
        Column("救助类别", 1.3), Column("结果", 0.9), Column("月救助金额", 2.2, "L"), Column("覆盖成员", 1.2),
        Column("认定依据", 2.9, "L")]))
    return blocks


def _district_opinion(application: Application) -> str:
    if application.status == S.APPROVED:
        enrollments = Enrollment.objects.filter(application=application).order_by("program")
        parts = [f"{Program(e.program).label}：自{cn_date(e.starts_on)}起，"
                 f"月救助金额{money_with_capital(e.monthly_amount_fen)}" for e in enrollments]
        return "同意。" + ("；".join(parts) + "。" if parts else "")
    if application.status == S.DENIED:
        return f"不予批准。理由：{application.denial_reason}"
    return ""


def _opinion_blocks(application: Application) -> list:
    decided = f"（{cn_date(application.decided_on)}）" if application.decided_on else ""
    return [
        Opinion("乡镇审核意见", text=application.town_opinion, signer="审核人", seal=True),
        Opinion("区民政部门审批意见", text=_district_opinion(application) + decided, signer="审批人", seal=True),
    ]


def approval_form(*, user, application: Application, now: dt.datetime | None = None) -> FormDocument:
    """社会救助审批表: the household, its members and means, the determination per program with reasons and
    amounts, the town's opinion and the district's decision, with signature boxes."""
    members = _members(application)
    blocks: list = [
        _basic_fields(application, members),
        _members_table(application, members),
        _incomes_table(members),
        _assets_fields(application),
        *_decisions_blocks(application),
        *_opinion_blocks(application),
        Signatures(boxes=[SignatureBox("经办人"), SignatureBox("审核人"), SignatureBox("审批人")]),
    ]
    return FormDocument(title=APPROVAL_FORM_TITLE, issuer=_issuer(application), blocks=blocks,
                        doc_number=f"户编号 {application.household.number}", generated_at=now,
                        generated_by=user.display_name, notes=[MASKED_NOTE])


# --- 公示名单 ---------------------------------------------------------------------------------------------


def _notice_day(application: Application, on: dt.date | None) -> dt.date:
    return on or application.notice_starts_on or timezone.localdate()


def _notice_rows(application: Application, on: dt.date) -> list[list[str]]:
    """One row per eligible program: the adult covered members (a minor is never listed), masked."""
    rows = []
    decisions = [d for d in current_decisions(application=application) if d.eligible]
    people = persons_by_id({pid for d in decisions for pid in d.member_ids})
    village = area_name(application.area_id)
    for decision in decisions:
        adults = [people[pid] for pid in decision.member_ids
                  if pid in people and people[pid].age_on(on) >= ADULT_AGE]
        if not adults:
            continue
        applicant = application.applicant
        head = applicant if applicant.age_on(on) >= ADULT_AGE and applicant in adults else adults[0]
        rows.append([village, mask_name(head.name), head.masked_id_number,
                     "、".join(mask_name(p.name) for p in adults), Program(decision.program).label,
                     money(decision.monthly_amount_fen)])
    return rows


def _notice_table(rows: list[list[str]]) -> ListTable:
    return ListTable(numbered=True, rows=rows, empty_text="（无公示对象）", columns=[
        Column("村（社区）", 1.2), Column("申请人", 0.9), Column("身份证号码", 2.2),
        Column("保障成员", 1.4), Column("救助类别", 1.5), Column("月救助金额", 1.2, "R")])


def _notice_document(*, user, title_area: str, rows: list[list[str]], starts: dt.date | None,
                     ends: dt.date | None, issuer: str, seal_unit: str, now) -> FormDocument:
    period = f"公示期：{cn_date(starts)}至{cn_date(ends)}。" if starts and ends else ""
    body = (f"经本人申请、调查核实和乡镇（街道）审核，下列对象拟纳入社会救助，现予公示。{period}"
            "如有异议，请在公示期内向乡镇人民政府（街道办事处）或区民政部门反映。")
    return FormDocument(
        title=PUBLIC_NOTICE_TITLE, subtitle=title_area, issuer=issuer, generated_at=now,
        generated_by=user.display_name,
        blocks=[
            Paragraph(body),
            _notice_table(rows),
            Signatures(boxes=[], seal_unit=seal_unit),
        ],
        notes=["说明：姓名、身份证号码按规定脱敏公示；未成年人信息不予公示。"],
    )


def check_public_notice(application: Application) -> None:
    if application.notice_skipped:
        raise ApplicationError(DocumentErrorCode.NOTICE_EXEMPT,
                               "该申请保障对象含未成年人，依规免于公示，不能打印公示名单")
    if application.status not in NOTICE_STATUSES:
        raise ApplicationError(DocumentErrorCode.NOTICE_NOT_READY, "乡镇（街道）审核后方可打印公示名单")
    if covers_minor(application, application.notice_starts_on or timezone.localdate()):
        raise ApplicationError(DocumentErrorCode.NOTICE_EXEMPT, "该申请保障对象含未成年人，依规不予公示")


def public_notice_for_application(*, user, application: Application, on: dt.date | None = None,
                                  now: dt.datetime | None = None) -> FormDocument:
    """The public list of one application. An application exempted from the notice is refused."""
    check_public_notice(application)
    day = _notice_day(application, on)
    return _notice_document(user=user, title_area=area_path(application.area_id, from_level=AreaLevel.TOWN),
                            rows=_notice_rows(application, day), starts=application.notice_starts_on,
                            ends=application.notice_ends_on, issuer=_issuer(application),
                            seal_unit=_town_unit(application), now=now)


def public_notice_for_village(*, user, applications, village: Area, on: dt.date | None = None,
                              now: dt.datetime | None = None) -> FormDocument:
    """The public list of one village: every application under notice there. ``applications`` comes from the
    caller's scoped selector; exempted applications are left out."""
    day = on or timezone.localdate()
    rows: list[list[str]] = []
    starts = ends = None
    for application in applications.filter(area_id=village.code, status=S.PUBLIC_NOTICE, notice_skipped=False):
        rows += _notice_rows(application, day)
        starts = min(filter(None, [starts, application.notice_starts_on]), default=None)
        ends = max(filter(None, [ends, application.notice_ends_on]), default=None)
    return _notice_document(user=user, title_area=area_path(village.code, from_level=AreaLevel.TOWN), rows=rows,
                            starts=starts, ends=ends,
                            issuer=area_path(village.code, from_level=AreaLevel.DISTRICT).replace("·", ""),
                            seal_unit=unit_name(village), now=now)


# --- 不予批准通知书 ----------------------------------------------------------------------------------------


def denial_notice(*, user, application: Application, now: dt.datetime | None = None) -> FormDocument:
    """The written notice of a denial with its reasons and the applicant's remedies."""
    if application.status != S.DENIED:
        raise ApplicationError(DocumentErrorCode.NOT_DENIED, "只有不予批准的申请才能打印不予批准通知书")
    applicant = application.applicant
    district = _district_unit(application)
    district_name = district.removesuffix("民政局")
    return FormDocument(
        title=DENIAL_NOTICE_TITLE, generated_at=now, generated_by=user.display_name,
        doc_number=f"户编号 {application.household.number}",
        blocks=[
            Paragraph(f"{applicant.name}（身份证号码：{applicant.masked_id_number}）：", indent=False),
            Paragraph(f"你于{cn_date(application.filed_on)}提出的社会救助申请，经调查核实、乡镇（街道）审核和"
                      f"区民政部门审核确认，决定不予批准。理由如下："),
            Paragraph(application.denial_reason, title="不予批准的理由"),
            Paragraph(f"如对本决定不服，可以自收到本通知书之日起六十日内向{district_name}人民政府申请行政复议，"
                      "或者自收到本通知书之日起六个月内向人民法院提起行政诉讼。"),
            Paragraph(f"决定日期：{cn_date(application.decided_on)}", indent=False),
            Signatures(boxes=[SignatureBox("经办人")], seal_unit=district),
        ],
        notes=["说明：身份证号码按规定脱敏打印。本通知书一式两份，一份送达申请人，一份存档。"],
    )


# --- The dossier -----------------------------------------------------------------------------------------


def attachment_zip_name(index: int, attachment: ApplicationAttachment) -> str:
    """01_身份证明_<original name>: the number fixes the order, the original name keeps its extension."""
    name = PurePath(attachment.original_name).stem[:60] or "材料"
    return f"{index:02d}_{attachment.get_kind_display()}_{name}{PurePath(attachment.file.name).suffix}"


def _attachments(application: Application) -> list[ApplicationAttachment]:
    return list(application.attachments.select_related("uploaded_by").order_by("uploaded_at", "id"))


def _history_rows(application: Application, attachments: list[ApplicationAttachment]) -> list[list[str]]:
    ids = [str(application.pk), *(str(a.pk) for a in attachments)]
    events = (Event.objects.filter(object_type__in=["assistance.application", "assistance.applicationattachment"],
                                   object_id__in=ids)
              .select_related("actor").order_by("occurred_at", "id"))
    rows = []
    for event in events:
        before, after = (event.before or {}).get("status"), (event.after or {}).get("status")
        change = f"{STATUS_LABELS.get(before, '—')}→{STATUS_LABELS.get(after, '—')}" if before or after else ""
        rows.append([cn_date(event.occurred_at), str(event.actor or "系统"), action_label(event.action), change,
                     event.note])
    return rows


def _size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{max(round(size / 1024), 1)} KB"


def _sections(user, application: Application, now) -> list[FormDocument]:
    members = _members(application)
    attachments = _attachments(application)
    common = {"issuer": _issuer(application), "generated_at": now, "generated_by": user.display_name}

    application_blocks: list = [_basic_fields(application, members), _members_table(application, members),
                                _incomes_table(members), _assets_fields(application)]
    if application.missing_items:
        application_blocks.append(Paragraph(application.missing_items, title="一次性告知补齐材料"))
    if application.refusal_reason:
        application_blocks.append(Paragraph(application.refusal_reason, title="不予受理理由"))

    investigation = FieldTable(title="调查核实", columns=2, fields=[
        Field("申请经济状况核对日期", cn_date(application.economic_check_requested_on) or "未申请"),
        Field("入户调查日期", cn_date(application.home_visit_on) or "未登记"),
        Field("入户调查情况", application.home_visit_notes or "—", span=2),
    ])
    time_limits = FieldTable(title="办理时限", columns=2, fields=[
        Field("办结时限", cn_date(application.due_on) or "—"),
        Field("延长后的办结时限", cn_date(application.extended_due_on) or "—"),
        Field("延长理由", application.extension_reason or "—", span=2),
        Field("乡镇审核确认后报区级备案日期", cn_date(application.filed_with_district_on) or "—", span=2),
    ])

    if application.notice_skipped:
        notice_blocks: list = [Paragraph("保障对象含未成年人，依规免于公示，未张榜公示。")]
    elif application.notice_starts_on:
        notice_blocks = [
            FieldTable(title="公示情况", columns=2, fields=[
                Field("公示开始日期", cn_date(application.notice_starts_on)),
                Field("公示截止日期", cn_date(application.notice_ends_on))]),
            _notice_table(_notice_rows(application, application.notice_starts_on)),
        ]
    else:
        notice_blocks = [Paragraph("尚未公示。")]
    objections = list(application.objections.all())
    if objections:
        notice_blocks.append(ListTable(
            title="公示异议", numbered=True, rows=[
                [cn_date(o.received_on), o.raised_by_name or "匿名", o.content,
                 o.get_outcome_display() if o.outcome else "待处理", o.resolution or "—",
                 cn_date(o.resolved_on) or "—"] for o in objections],
            columns=[Column("收到日期", 1.1), Column("反映人", 0.8), Column("异议内容", 2.2, "L"),
                     Column("处理结果", 0.9), Column("处理情况", 2.2, "L"), Column("处理日期", 1.1)]))

    sections = [
        FormDocument(title="申请信息", blocks=application_blocks, **common),
        FormDocument(title="分类认定结果", blocks=_decisions_blocks(application), **common),
        FormDocument(title="调查核实记录", blocks=[investigation, time_limits], **common),
        FormDocument(title="乡镇（街道）审核意见", blocks=[
            Opinion("乡镇审核意见", text=application.town_opinion, signer="审核人", seal=True)], **common),
        FormDocument(title="公示情况", blocks=notice_blocks, **common),
        approval_form(user=user, application=application, now=now),
    ]
    if application.status == S.DENIED:
        sections.append(denial_notice(user=user, application=application, now=now))
    sections.append(FormDocument(title="办理记录", blocks=[ListTable(
        rows=_history_rows(application, attachments), numbered=True, empty_text="（暂无记录）", columns=[
            Column("时间", 1.6), Column("操作人", 1.0), Column("操作", 1.7), Column("状态变化", 1.7),
            Column("说明", 2.2, "L")])], **common))
    sections.append(FormDocument(title="申请材料目录", blocks=[ListTable(
        rows=[[attachment_zip_name(i, a), a.get_kind_display(), _size(a.size), a.uploaded_by.display_name,
               cn_date(a.uploaded_at), a.sha256]
              for i, a in enumerate(attachments, start=2)],
        numbered=True, empty_text="（无上传材料）", columns=[
            Column("文件（压缩包内名称）", 2.4, "L"), Column("类别", 1.1), Column("大小", 0.8, "R"),
            Column("上传人", 0.9), Column("上传时间", 1.5), Column("SHA-256", 2.2, "L")])],
        notes=["说明：材料原件见档案压缩包；SHA-256 用于核验文件未被改动。"], **common))
    return sections


def _cover(user, application: Application, sections: list[FormDocument], pages: list[int] | None,
           now) -> FormDocument:
    contents = [[doc.title, str(pages[i]) if pages else "—"] for i, doc in enumerate(sections)]
    return FormDocument(
        title=DOSSIER_TITLE, subtitle=area_path(application.area_id, from_level=AreaLevel.TOWN),
        issuer=_issuer(application), doc_number=f"户编号 {application.household.number}",
        generated_at=now, generated_by=user.display_name,
        blocks=[
            FieldTable(title="案卷信息", columns=2, fields=[
                Field("申请人", application.applicant.name),
                Field("身份证号码", application.applicant.masked_id_number),
                Field("申请日期", cn_date(application.filed_on)),
                Field("办理结果", STATUS_LABELS.get(application.status, application.status)),
                Field("审核确认日期", cn_date(application.decided_on) or "—"),
                Field("申请材料", f"{application.attachments.count()}份"),
            ]),
            ListTable(title="目录", numbered=True, rows=contents,
                      columns=[Column("内容", 5.0, "L"), Column("页码", 1.0)]),
        ],
        notes=["说明：本档案由民政业务平台按固定顺序生成，身份证号码按规定脱敏打印。"],
    )


class _DossierPDF(form_pdf._FormPDF):
    """One PDF of several documents, each starting on a new page with its own title; the page numbers in the
    footer run through the whole dossier."""

    def __init__(self, document: FormDocument) -> None:
        super().__init__(document)
        self.section_first_page = 1

    def header(self) -> None:
        if self.page_no() == self.section_first_page:
            return
        self.set_font(form_pdf.HEI, size=form_pdf.SMALL_PT)
        self.set_text_color(*form_pdf.FAINT)
        self.set_xy(self.l_margin, 10)
        self.cell(w=self.epw, h=5, text=self.clean(f"{DOSSIER_TITLE} · {self.document.title}（续）"),
                  align=form_pdf.Align.R)
        self.set_text_color(*form_pdf.INK)
        self.set_xy(self.l_margin, form_pdf.MARGIN_TOP)


_BLOCK_RENDERERS = {
    FieldTable: form_pdf._field_table,
    ListTable: form_pdf._list_table,
    Paragraph: form_pdf._paragraph,
    Opinion: form_pdf._opinion,
    Signatures: form_pdf._signatures,
}


def render_documents(documents: list[FormDocument]) -> tuple[bytes, list[int]]:
    """The documents as one PDF, and the page each starts on."""
    pdf = _DossierPDF(documents[0])
    starts = []
    for document in documents:
        pdf.document = document
        pdf.section_first_page = pdf.page_no() + 1
        pdf.add_page()
        starts.append(pdf.page_no())
        form_pdf._title(pdf, document)
        for block in document.blocks:
            _BLOCK_RENDERERS[type(block)](pdf, block)
        form_pdf._notes(pdf, document.notes)
    return bytes(pdf.output()), starts


def dossier_pdf(*, user, application: Application, now: dt.datetime | None = None) -> bytes:
    """The dossier: cover and contents, then the sections in their fixed order."""
    now = now or timezone.now()
    sections = _sections(user, application, now)
    # The first pass finds the page each section starts on; the contents' page numbers do not change how
    # many pages the cover takes, so the second pass puts them in.
    _, starts = render_documents([_cover(user, application, sections, None, now), *sections])
    content, _ = render_documents([_cover(user, application, sections, starts[1:], now), *sections])
    return content


def dossier_zip(*, user, application: Application, now: dt.datetime | None = None) -> bytes:
    """The dossier PDF as 01_…, followed by every attachment (02_…, 03_…) as it was uploaded."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"01_{DOSSIER_TITLE}.pdf", dossier_pdf(user=user, application=application, now=now))
        for index, attachment in enumerate(_attachments(application), start=2):
            with attachment.file.open("rb") as handle:
                archive.writestr(attachment_zip_name(index, attachment), handle.read())
    return buffer.getvalue()
