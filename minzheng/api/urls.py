"""The integration API at /api/v1/: one router per app, one error shape for everything."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from minzheng.api.auth import SessionAuth, TokenAuth
from minzheng.areas.api import router as areas_router
from minzheng.core.errors import ApplicationError
from minzheng.registry.api import router as registry_router

api = NinjaAPI(
    title="民政一体化业务平台 API",
    version="1.0.0",
    description="按区划范围授权、全程审计的集成接口。身份证号码、电话一律脱敏返回。",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    urls_namespace="api",
    docs_url="/docs" if settings.DEBUG else None,
)
api.add_router("/areas", areas_router)
api.add_router("/", registry_router)


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return api.create_response(request, exc.as_dict(), status=exc.http_status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"code": "not_found", "message": "记录不存在或无权查看"}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"code": "unauthenticated", "message": "未登录或令牌无效"}, status=401)


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    return api.create_response(request, {"code": "invalid_input", "message": "请求参数无效", "errors": exc.errors},
                               status=422)
