"""ApplicationError and its kinds: codes, Chinese messages, where the fault is, and the API shape."""

from __future__ import annotations

import pickle
from enum import StrEnum

import pytest

from minzheng.core.errors import ApplicationError, NotFoundError, PermissionDeniedError, ValidationErrors
from minzheng.core.identifiers import IdErrorCode, IdNumberError
from minzheng.core.transitions import TransitionError


class SampleCode(StrEnum):
    TOO_OLD = "too_old"


def test_code_enum_is_stored_as_its_string():
    """Given a StrEnum code, when an error is built, then its code is the plain string value."""
    assert ApplicationError(SampleCode.TOO_OLD, "年龄超出范围").code == "too_old"


def test_as_dict_has_only_code_and_message_by_default():
    """Given an error without field, row or extra, when rendered for the API, then only code and message."""
    assert ApplicationError("x", "出错了").as_dict() == {"code": "x", "message": "出错了"}


def test_as_dict_includes_field_row_and_extra():
    """Given an error with field, row 0 and extra, when rendered, then all three appear (row 0 included)."""
    error = ApplicationError("x", "出错了", field="姓名", row=0, extra={"limit": 3})
    assert error.as_dict() == {"code": "x", "message": "出错了", "field": "姓名", "row": 0, "extra": {"limit": 3}}


@pytest.mark.parametrize(("kwargs", "text"), [
    ({}, "不能为空"),
    ({"field": "姓名"}, "「姓名」不能为空"),
    ({"row": 12}, "第12行不能为空"),
    ({"row": 12, "field": "姓名"}, "第12行「姓名」不能为空"),
])
def test_str_names_row_and_field_first(kwargs, text):
    """Given an error with or without row and field, when shown, then row, then field, then the message."""
    assert str(ApplicationError("empty", "不能为空", **kwargs)) == text


def test_not_found_status_and_message():
    """Given a missing record, when NotFoundError is built for 人员, then 404 and one message for both cases."""
    error = NotFoundError("人员")
    assert (error.http_status, error.code, error.message) == (404, "not_found", "人员不存在或无权查看")


def test_permission_denied_status():
    """Given a forbidden action, when PermissionDeniedError is built, then 403 with a default Chinese message."""
    error = PermissionDeniedError()
    assert (error.http_status, error.code, error.message) == (403, "permission_denied", "没有执行此操作的权限")


def test_validation_errors_count_in_the_message():
    """Given three input errors, when gathered, then the message says three errors and nothing written."""
    errors = [ApplicationError("e", "错", row=n) for n in (1, 2, 3)]
    assert ValidationErrors(errors).message == "共有3处错误，未写入任何数据"


def test_validation_errors_list_each_error():
    """Given two input errors, when rendered for the API, then each appears with its own row."""
    errors = [ApplicationError("e", "错", row=2), ApplicationError("f", "又错", row=5)]
    assert [e["row"] for e in ValidationErrors(errors).as_dict()["errors"]] == [2, 5]


@pytest.mark.parametrize("error", [
    ApplicationError("x", "出错了", field="姓名", row=3, extra={"a": 1}),
    IdNumberError(IdErrorCode.BAD_CHECKSUM, field="身份证号码", row=4),
    NotFoundError("家庭"),
    PermissionDeniedError("只有区级审批人员可以审批"),
    TransitionError("draft", "approved", "草稿", "已批准"),
    ValidationErrors([IdNumberError(IdErrorCode.EMPTY, row=2)]),
], ids=lambda error: type(error).__name__)
def test_errors_survive_pickling(error):
    """Given any kind of application error, when pickled and loaded (job results, caches), then equal in full."""
    loaded = pickle.loads(pickle.dumps(error))
    assert (type(loaded), loaded.as_dict(), str(loaded)) == (type(error), error.as_dict(), str(error))
