"""The printed documents of an application (审批表, 公示名单, 不予批准通知书), the electronic dossier (档案) as one PDF
and as a zip with the attachments, and the upload and download of supporting documents."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minzheng.assistance import actions
from minzheng.assistance import documents as docs
from minzheng.assistance.actions import ApplicationInput, MemberEntry
from minzheng.assistance.enums import ApplicationPlace, IncomeKind
from minzheng.assistance.models import Application, ApplicationAttachment, ApplicationStatus, AttachmentKind
from minzheng.assistance.selectors import application_scope
from minzheng.audit.models import AccessLog, Event
from minzheng.core.errors import ApplicationError
from minzheng.documents.pdf import render_form
from minzheng.documents.spec import FormDocument, Paragraph
from minzheng.registry.enums import Relation
from minzheng.testing import factories as f
from minzheng.testing.pdfread import pdf_pages, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_parameters")]

FILED = dt.date(2025, 9, 1)
ACCEPTED = dt.date(2025, 9, 26)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64



@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"



@pytest.fixture
def family_with_child(areas):
    """王五 and his daughter 王小六, born 2015, in 甲一村."""
    head = f.make_person(name="王五", birth=dt.date(1980, 1, 10))
    child = f.make_person(name="王小六", birth=dt.date(2015, 6, 1), male=False)
    household = f.make_household(head=head, members=[(child, Relation.CHILD)])
    return household, head, child


def file(user, household, head, others):
    members = [MemberEntry(person_id=str(head.pk), relation=Relation.HEAD, income_fen={IncomeKind.WAGE: 60000})]
    members += [MemberEntry(person_id=str(p.pk), relation=rel) for p, rel in others]
    return actions.application_create(acting_user=user, household=household, applicant=head,
                                      place=ApplicationPlace.HUKOU,
                                      data=ApplicationInput(members=members, check_authorized=True),
                                      filed_on=FILED)


def to_town_reviewed(users, application):
    town = users["town_a"]
    actions.application_accept(acting_user=town, application=application, today=ACCEPTED)
    actions.application_investigate(acting_user=town, application=application, economic_check=True,
                                    home_visit_on=ACCEPTED, notes="入户核实，家中无劳动力外出", today=ACCEPTED)
    actions.application_town_review(acting_user=town, application=application, opinion="同意纳入低保")
    return application


def to_district_review(users, application):
    to_town_reviewed(users, application)
    actions.application_publish_notice(acting_user=users["town_a"], application=application, today=ACCEPTED)
    if application.status == ApplicationStatus.PUBLIC_NOTICE:
        actions.application_end_notice(acting_user=users["town_a"], application=application,
                                       today=application.notice_ends_on)
    return application


def approved(users, couple):
    household, head, wife = couple
    application = to_district_review(users, file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)]))
    actions.application_approve(acting_user=users["district_approver"], application=application,
                                today=dt.date(2025, 10, 20))
    return application


def denied(users, couple):
    household, head, wife = couple
    application = to_district_review(users, file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)]))
    actions.application_deny(acting_user=users["district_approver"], application=application,
                             reason="入户调查发现家庭有未申报的经营收入", today=dt.date(2025, 10, 20))
    return application


def upload(user, application, *, kind=AttachmentKind.INCOME, name="收入证明.png", content=PNG):
    return actions.application_attachment_add(acting_user=user, application=application, kind=kind,
                                              upload=SimpleUploadedFile(name, content))


def url(name, application):
    return reverse(f"assistance:{name}", args=[application.pk])


# --- 审批表 ----------------------------------------------------------------------------------------------


def test_approval_form_prints_decisions_amounts_and_opinions(users, couple, login):
    """Given an approved application of a couple, when the town prints its 审批表, then it shows the members with
    masked ID numbers, 低保 with ¥940.00 and 大写, the reasons in Chinese, the town's opinion and the district's
    decision; no full ID number appears; the response is not cached and the print is logged."""
    application = approved(users, couple)
    _, head, wife = couple

    response = login(users["town_a"]).get(url("approval_form_pdf", application))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    for expected in ["社会救助审批表", "刘一", "陈二", head.masked_id_number, "最低生活保障", "¥940.00",
                     "玖佰肆拾元整", "家庭人均月收入低于低保标准", "同意纳入低保", "自2025年11月1日起",
                     "乡镇审核意见", "区民政部门审批意见", "经办人", "审批人"]:
        assert expected in text, expected
    assert head.id_number not in text and wife.id_number not in text
    assert AccessLog.objects.filter(object_id=str(application.pk), action="print",
                                    reason=docs.APPROVAL_FORM_TITLE).count() == 1


# --- 公示名单 --------------------------------------------------------------------------------------------


def test_public_notice_masks_names_and_id_numbers(users, couple, login):
    """Given a couple's application under public notice, when its 公示名单 is printed, then the names read 刘*
    and 陈*, the ID number is masked, and neither full name nor full number appears."""
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])
    to_town_reviewed(users, application)
    actions.application_publish_notice(acting_user=users["town_a"], application=application, today=ACCEPTED)

    response = login(users["town_a"]).get(url("public_notice_pdf", application))

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "社会救助对象公示名单" in text and "刘*" in text and "陈*" in text and "最低生活保障" in text
    assert "¥940.00" in text and "公示期：2025年9月26日至" in text
    assert "刘一" not in text and "陈二" not in text
    assert head.masked_id_number in text and head.id_number not in text


def test_public_notice_refused_for_application_exempted_for_a_minor(users, family_with_child, login):
    """Given an application covering a child, exempted from the notice when published, when its 公示名单 is
    asked for, then it is refused with a Chinese message and nothing is logged as printed."""
    household, head, child = family_with_child
    application = file(users["village_a1"], household, head, [(child, Relation.CHILD)])
    to_town_reviewed(users, application)
    actions.application_publish_notice(acting_user=users["town_a"], application=application, today=ACCEPTED)
    assert application.notice_skipped

    response = login(users["town_a"]).get(url("public_notice_pdf", application))

    assert response.status_code == 400
    assert "免于公示" in response.content.decode()
    assert not AccessLog.objects.filter(action="print").exists()


def test_public_notice_refused_before_publication_when_a_minor_is_covered(users, family_with_child):
    """Given a town-reviewed application covering a child, not yet sent to notice, when its list is built, then
    it is refused: a household with a minor is never posted."""
    household, head, child = family_with_child
    application = to_town_reviewed(users, file(users["village_a1"], household, head, [(child, Relation.CHILD)]))

    with pytest.raises(ApplicationError) as error:
        docs.public_notice_for_application(user=users["town_a"], application=application)
    assert "未成年人" in error.value.message


def test_village_list_never_prints_a_minor(users, couple, family_with_child):
    """Given a couple under notice whose decision also names a child of the village (a file edited by hand),
    when the village's 公示名单 is built, then the adults are listed masked and the child is not listed."""
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])
    to_town_reviewed(users, application)
    actions.application_publish_notice(acting_user=users["town_a"], application=application, today=ACCEPTED)
    _, _, child = family_with_child
    decision = application.decisions.get(is_current=True, program="dibao")
    type(decision).objects.filter(pk=decision.pk).update(member_ids=[*decision.member_ids, str(child.pk)])
    village = application.area

    document = docs.public_notice_for_village(user=users["town_a"], applications=application_scope(users["town_a"]),
                                              village=village, on=ACCEPTED)

    text = pdf_text(render_form(document))
    assert "刘*、陈*" in text
    assert "王*六" not in text and child.masked_id_number not in text


# --- 不予批准通知书 ----------------------------------------------------------------------------------------


def test_denial_notice_prints_reasons_for_a_denied_application(users, couple, login):
    """Given a denied application, when the 不予批准通知书 is printed, then it names the applicant with a masked
    ID number, gives the district's reason and the remedies, and the print is logged."""
    application = denied(users, couple)
    _, head, _ = couple

    response = login(users["town_a"]).get(url("denial_notice_pdf", application))

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    for expected in ["不予批准通知书", "刘一", head.masked_id_number, "入户调查发现家庭有未申报的经营收入",
                     "2025年9月1日", "行政复议", "决定日期：2025年10月20日"]:
        assert expected in text, expected
    assert AccessLog.objects.filter(object_id=str(application.pk), action="print",
                                    reason=docs.DENIAL_NOTICE_TITLE).exists()


def test_denial_notice_refused_for_an_approved_application(users, couple, login):
    """Given an approved application, when its 不予批准通知书 is asked for, then it is refused and the page offers
    no such button."""
    application = approved(users, couple)
    client = login(users["town_a"])

    response = client.get(url("denial_notice_pdf", application))

    assert response.status_code == 400
    assert "只有不予批准的申请" in response.content.decode()
    page = client.get(url("application_detail", application)).content.decode()
    assert 'data-testid="doc-denial-notice"' not in page and 'data-testid="doc-dossier-pdf"' in page


# --- The dossier -----------------------------------------------------------------------------------------


SECTION_ORDER = ["社会救助申请档案", "申请信息", "分类认定结果", "调查核实记录", "乡镇（街道）审核意见", "公示情况",
                 "社会救助审批表", "办理记录", "申请材料目录"]


def test_dossier_has_its_sections_in_fixed_order(users, couple, login):
    """Given an approved application with one attachment, when its dossier is printed, then the cover, the
    contents and every section follow in the fixed order, each section on a new page, the history shows the
    steps with Chinese labels, and the attachment is indexed; no full ID number appears."""
    application = approved(users, couple)
    upload(users["village_a1"], application)
    _, head, wife = couple

    response = login(users["town_a"]).get(url("dossier_pdf", application))

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    pages = pdf_pages(response.content)
    assert pages[0].startswith("社会救助申请档案")
    starts = [next(i for i, page in enumerate(pages) if page.startswith(title)) for title in SECTION_ORDER[1:]]
    assert starts == sorted(starts) and len(set(starts)) == len(starts) and starts[0] > 0
    text = "".join(pages)
    assert "目录" in text and "入户核实，家中无劳动力外出" in text
    assert "救助申请·受理" in text and "申请材料·新增" in text and "已批准" in text
    assert "02_收入证明_收入证明.png" in text
    assert head.id_number not in text and wife.id_number not in text
    assert AccessLog.objects.filter(object_id=str(application.pk), action="print", reason=docs.DOSSIER_TITLE).exists()


def test_dossier_of_a_denied_application_includes_the_denial_notice(users, couple):
    """Given a denied application, when its dossier is built, then the 不予批准通知书 follows the 审批表."""
    application = denied(users, couple)

    text = pdf_text(docs.dossier_pdf(user=users["town_a"], application=application))

    assert text.index("社会救助审批表") < text.index("不予批准通知书") < text.index("办理记录")


def test_dossier_zip_holds_the_dossier_and_attachments_with_their_hashes(users, couple, login):
    """Given an application with a PNG and a PDF attachment, when the dossier zip is downloaded, then it holds
    01_ the dossier PDF and 02_, 03_ the files byte for byte (SHA-256 as stored), and the export is logged."""
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])
    pdf_bytes = render_form(FormDocument(title="病历摘要", blocks=[Paragraph("门诊诊断：慢性病")]))
    first = upload(users["village_a1"], application, kind=AttachmentKind.IDENTITY, name="户口本.png")
    second = upload(users["village_a1"], application, kind=AttachmentKind.MEDICAL, name="病历.pdf", content=pdf_bytes)

    response = login(users["town_a"]).get(url("dossier_zip", application))

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert names == ["01_社会救助申请档案.pdf", "02_身份证明_户口本.png", "03_病历_病历.pdf"]
        assert hashlib.sha256(archive.read(names[1])).hexdigest() == first.sha256
        assert hashlib.sha256(archive.read(names[2])).hexdigest() == second.sha256
        assert "社会救助申请档案" in pdf_text(archive.read(names[0]))
    assert AccessLog.objects.filter(object_id=str(application.pk), action="export").exists()


# --- Attachments -----------------------------------------------------------------------------------------


def test_upload_through_the_page_stores_the_file_with_its_hash(users, couple, login):
    """Given a village worker on the application page, when they upload a PNG, then it is stored under
    assistance/<application id>/ with its size and SHA-256, an event is written, and the page lists it."""
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])
    client = login(users["village_a1"])

    response = client.post(url("attachment_upload", application),
                           {"kind": AttachmentKind.VISIT_PHOTO, "file": SimpleUploadedFile("入户照片.png", PNG)})

    assert response.status_code == 302
    attachment = ApplicationAttachment.objects.get()
    assert attachment.file.name.startswith(f"assistance/{application.pk}/") and attachment.file.name.endswith(".png")
    assert (attachment.size, attachment.sha256) == (len(PNG), hashlib.sha256(PNG).hexdigest())
    assert attachment.original_name == "入户照片.png" and attachment.content_type == "image/png"
    assert Event.objects.filter(action="applicationattachment.create", object_id=str(attachment.pk)).exists()
    page = client.get(url("application_detail", application)).content.decode()
    assert "入户照片.png" in page and "入户调查照片" in page


@pytest.mark.parametrize("name, content", [
    ("伪装.pdf", b"GIF89a" + b"\x00" * 32),
    ("说明.pdf", "这是一个文本文件".encode()),
    ("表格.xlsx", b"PK\x03\x04" + b"\x00" * 32),
])
def test_upload_refuses_types_other_than_pdf_jpeg_png(users, couple, name, content):
    """Given a file that is not PDF, JPEG or PNG by its content (whatever its name), when it is uploaded, then
    it is refused in Chinese and nothing is stored."""
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])

    with pytest.raises(ApplicationError) as error:
        upload(users["village_a1"], application, name=name, content=content)

    assert error.value.message == "只能上传 PDF、JPEG 或 PNG 格式的文件"
    assert not ApplicationAttachment.objects.exists()


def test_upload_refuses_a_file_over_the_size_limit(users, couple, login, settings):
    """Given an upload limit of 1 KB, when a 2 KB JPEG is uploaded through the page, then it is refused with the
    limit in the message and nothing is stored."""
    settings.MINZHENG_IMPORT_MAX_BYTES = 1024
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])
    client = login(users["village_a1"])

    response = client.post(url("attachment_upload", application),
                           {"kind": AttachmentKind.INCOME,
                            "file": SimpleUploadedFile("工资.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 2048)},
                           follow=True)

    assert "文件大小超过上限（1 KB）" in response.content.decode()
    assert not ApplicationAttachment.objects.exists()


def test_download_is_logged_and_returns_the_original(users, couple, login):
    """Given an uploaded attachment, when the town downloads it, then it gets the original bytes under the
    original name, not cached, and an export row is in the access log."""
    household, head, wife = couple
    application = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])
    attachment = upload(users["village_a1"], application)

    response = login(users["town_a"]).get(
        reverse("assistance:attachment_download", args=[application.pk, attachment.pk]))

    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Cache-Control"] == "no-store" and "attachment" in response["Content-Disposition"]
    assert AccessLog.objects.filter(object_id=str(attachment.pk), action="export",
                                    actor=users["town_a"]).count() == 1


def test_another_village_gets_not_found_everywhere(users, couple, login):
    """Given an application of 甲一村, when a worker of 乙一村 asks for any of its documents, its attachment or
    uploads to it, then every answer is 404, nothing is stored and nothing is logged."""
    application = approved(users, couple)
    attachment = upload(users["village_a1"], application)
    client = login(users["village_b1"])
    names = ["dossier_pdf", "dossier_zip", "approval_form_pdf", "denial_notice_pdf", "public_notice_pdf"]

    for name in names:
        assert client.get(url(name, application)).status_code == 404, name
    assert client.get(reverse("assistance:attachment_download",
                              args=[application.pk, attachment.pk])).status_code == 404
    assert client.post(url("attachment_upload", application),
                       {"kind": "other", "file": SimpleUploadedFile("x.png", PNG)}).status_code == 404
    assert ApplicationAttachment.objects.count() == 1
    assert not AccessLog.objects.filter(actor=users["village_b1"]).exists()


def test_attachment_of_another_application_is_not_found(users, couple, family_with_child, login):
    """Given two applications of the same village, when an attachment is asked for under the other
    application's address, then the answer is 404."""
    household, head, wife = couple
    first = file(users["village_a1"], household, head, [(wife, Relation.SPOUSE)])
    other_household, other_head, child = family_with_child
    second = file(users["village_a1"], other_household, other_head, [(child, Relation.CHILD)])
    attachment = upload(users["village_a1"], first)

    response = login(users["village_a1"]).get(
        reverse("assistance:attachment_download", args=[second.pk, attachment.pk]))

    assert response.status_code == 404
    assert Application.objects.count() == 2
