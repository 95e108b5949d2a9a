"""Error codes of background jobs, each with its Chinese message."""

from enum import StrEnum

from minzheng.core.errors import ApplicationError


class JobErrorCode(StrEnum):
    KIND_UNKNOWN = "job_kind_unknown"
    PARAMETER_INVALID = "job_parameter_invalid"
    ALREADY_ACTIVE = "job_already_active"
    NOT_CANCELLABLE = "job_not_cancellable"
    CANCEL_PENDING = "job_cancel_pending"
    STEP_INVALID = "job_step_invalid"
    WORKER_LOST = "job_worker_lost"


MESSAGES = {
    JobErrorCode.KIND_UNKNOWN: "没有这种后台任务",
    JobErrorCode.PARAMETER_INVALID: "任务参数无效",
    JobErrorCode.ALREADY_ACTIVE: "同类任务正在排队或运行，请等它结束后再启动",
    JobErrorCode.NOT_CANCELLABLE: "任务已结束，不能取消",
    JobErrorCode.CANCEL_PENDING: "已经申请取消，任务将在当前步骤完成后停止",
    JobErrorCode.STEP_INVALID: "任务程序返回的步骤结果无效",
    JobErrorCode.WORKER_LOST: "执行该任务的后台进程多次异常退出，已停止重试",
}


def job_error(code: JobErrorCode, message: str | None = None, *, field: str | None = None) -> ApplicationError:
    return ApplicationError(code, message or MESSAGES[code], field=field)
