"""The one error type for business rules; each app lists its codes and Chinese messages in errors.py."""

from __future__ import annotations

from enum import StrEnum


class ApplicationError(Exception):
    """A rule was broken. ``code`` is stable for machines, ``message`` is Chinese for people.

    ``field`` names the input at fault where one is; ``row`` the spreadsheet row for imports.
    """

    http_status = 400

    def __init__(self, code: StrEnum | str, message: str, *, field: str | None = None,
                 row: int | None = None, extra: dict | None = None) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.field = field
        self.row = row
        self.extra = extra or {}

    def __reduce__(self) -> tuple:
        # Subclasses take other constructor arguments than ``(message,)``, which is all that default
        # exception pickling passes back; rebuild from the instance state instead (jobs, caches).
        return _rebuild_error, (type(self), self.message, self.__dict__)

    def as_dict(self) -> dict:
        data = {"code": self.code, "message": self.message}
        if self.field:
            data["field"] = self.field
        if self.row is not None:
            data["row"] = self.row
        if self.extra:
            data["extra"] = self.extra
        return data

    def __str__(self) -> str:
        where = ""
        if self.row is not None:
            where += f"第{self.row}行"
        if self.field:
            where += f"「{self.field}」"
        return f"{where}{self.message}" if where else self.message


def _rebuild_error(cls: type[ApplicationError], message: str, state: dict) -> ApplicationError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class NotFoundError(ApplicationError):
    """Missing and forbidden look the same from outside (DESIGN rule 1)."""

    http_status = 404

    def __init__(self, what: str = "记录") -> None:
        super().__init__("not_found", f"{what}不存在或无权查看")


class PermissionDeniedError(ApplicationError):
    http_status = 403

    def __init__(self, message: str = "没有执行此操作的权限") -> None:
        super().__init__("permission_denied", message)


class ValidationErrors(ApplicationError):
    """Several input errors at once (a form or an import); nothing was written."""

    def __init__(self, errors: list[ApplicationError], message: str | None = None) -> None:
        self.errors = errors
        super().__init__("validation_failed", message or f"共有{len(errors)}处错误，未写入任何数据")

    def as_dict(self) -> dict:
        data = super().as_dict()
        data["errors"] = [error.as_dict() for error in self.errors]
        return data
