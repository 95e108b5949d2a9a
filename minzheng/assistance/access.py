"""The one door to a single application or enrollment. Missing and out-of-area look the same: not found."""

from __future__ import annotations

from minzheng.accounts.permissions import Perm, require
from minzheng.assistance.models import Application, Enrollment
from minzheng.assistance.selectors import application_scope, enrollment_scope
from minzheng.core.errors import NotFoundError
from minzheng.core.identifiers import parse_uuid


def access_application_by_id(user, application_id) -> Application:
    require(user, Perm.ASSISTANCE_VIEW)
    pk = parse_uuid(application_id)
    application = (application_scope(user).filter(pk=pk)
                   .select_related("household", "applicant", "area", "created_by", "decided_by").first()
                   if pk else None)
    if application is None:
        raise NotFoundError("救助申请")
    return application


def access_enrollment_by_id(user, enrollment_id) -> Enrollment:
    require(user, Perm.ASSISTANCE_VIEW)
    pk = parse_uuid(enrollment_id)
    enrollment = enrollment_scope(user).filter(pk=pk).select_related("household", "area").first() if pk else None
    if enrollment is None:
        raise NotFoundError("救助对象")
    return enrollment
