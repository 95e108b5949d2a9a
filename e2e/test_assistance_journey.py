"""The assistance journey: one application from the village to an enrollment with the right amount."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from e2e.helpers import assert_styled
from minzheng.assistance.models import Application, Enrollment
from minzheng.registry.models import Household
from minzheng.testing.leakscan import valid_ids_in
from minzheng.testing.pdfread import pdf_text

VILLAGE = "340471100202"  # 毛集村


def _two_working_age_adults() -> Household:
    """A 毛集村 household of exactly two living members aged 18–59 without disabilities, so that only the
    低保 rule decides and the expected amount can be worked out by hand."""
    today = timezone.localdate()
    for household in Household.objects.filter(area_id=VILLAGE).order_by("number"):
        members = [m.person for m in household.memberships.filter(ended_on__isnull=True).select_related("person")]
        if len(members) == 2 and all(
            p.death_date is None and not p.disability_kind and 18 <= p.age_on(today) <= 59 for p in members
        ) and all(m.living_together and m.status == "normal"
                  for m in household.memberships.filter(ended_on__isnull=True)):
            return household
    raise AssertionError("the demo district has no two-adult household in 毛集村")


def test_application_from_village_to_enrollment(page, login, logout, shot):
    """Given a two-adult household whose head earns ¥300 a month, when 陈经办 (village) files the application,
    郑审核 (town) accepts, visits, gives the preliminary opinion and publishes the notice, the notice period
    passes, and 赵审批 (district) approves, then the household is enrolled in 低保 at (¥770 − ¥150) × 2 =
    ¥1,240.00 a month from next month, and the application's electronic dossier downloads as a masked PDF."""
    household = _two_working_age_adults()
    page.on("dialog", lambda dialog: dialog.accept())

    login(page, "cun_maoji")
    page.goto(f"/assistance/applications/new/{household.pk}/")
    assert_styled(page)
    head_row = page.get_by_test_id("member-income-table").locator("tbody tr").filter(has_text="户主")
    head_row.locator("input[name$='income_wage']").fill("300")
    page.get_by_label("申请人及家庭成员已签署家庭经济状况核对授权书").check()
    shot(page, "assistance-01-application-form")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/assistance/applications/*/")
    application = Application.objects.get(household=household)
    shot(page, "assistance-02-submitted")
    logout(page)

    login(page, "zhen_maoji")
    page.goto(f"/assistance/applications/{application.pk}/")
    page.get_by_test_id("btn-accept").click()
    page.get_by_label("入户调查情况").fill("入户核实：夫妻二人务农，丈夫零工月收入约300元，无存款车辆。")
    page.get_by_test_id("btn-investigate").click()
    page.get_by_role("textbox", name="乡镇初审意见").fill("经调查，家庭人均收入低于低保标准，同意纳入。")
    page.get_by_test_id("btn-town_review").click()
    page.get_by_test_id("btn-publish-notice").click()
    shot(page, "assistance-03-public-notice")
    application.refresh_from_db()
    assert application.status == "public_notice" and application.notice_ends_on > timezone.localdate()

    # Seven days pass without objection.
    Application.objects.filter(pk=application.pk).update(notice_ends_on=timezone.localdate())
    page.reload()
    page.get_by_test_id("btn-end-notice").click()
    logout(page)

    login(page, "qu_shenpi")
    page.goto(f"/assistance/applications/{application.pk}/")
    page.get_by_test_id("btn-approve").click()
    page.wait_for_load_state()
    shot(page, "assistance-04-approved")
    application.refresh_from_db()
    assert application.status == "approved"

    enrollment = Enrollment.objects.get(household=household, program="dibao")
    assert enrollment.monthly_amount_fen == 124000
    today = timezone.localdate()
    first_of_next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    assert enrollment.starts_on == first_of_next_month
    page.goto("/assistance/enrollments/")
    row = page.get_by_test_id("enrollment-table").locator("tbody tr").filter(has_text=household.number)
    assert "¥1,240.00" in row.inner_text()
    shot(page, "assistance-05-enrolled")

    # The electronic dossier downloads as one PDF, masked.
    page.goto(f"/assistance/applications/{application.pk}/")
    href = page.get_by_test_id("doc-dossier-pdf").get_attribute("href")
    dossier = page.request.get(href)
    assert dossier.status == 200 and dossier.headers["content-type"] == "application/pdf"
    text = pdf_text(dossier.body())
    assert "审批表" in text and "1,240.00" in text
    assert not valid_ids_in(text)
