"""Builds the FastAPI app: tenants, fault middleware, console routes, optional test hooks.

`create_app(SimConfig)` is the one entry point, used by `reconciler sim` and by tests
(which run it under uvicorn in a thread on a free port).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from reconciler.simulator import hooks
from reconciler.simulator.config import SimConfig
from reconciler.simulator.faults import FaultMiddleware
from reconciler.simulator.tenants import Tenants
from reconciler.simulator.views import audit, signin, users
from reconciler.simulator.web import TEMPLATES, CsrfRefused, LoginRequired, SimState, redirect


def create_app(config: SimConfig) -> FastAPI:
    config.resolve()
    tenants = Tenants(config)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        tenants.close()

    app = FastAPI(
        title="EMA admin console (simulator)",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.sim = SimState(config=config, tenants=tenants, faults=config.faults)
    app.add_middleware(FaultMiddleware, faults=config.faults, seed=config.seed)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    if config.test_hooks:
        app.include_router(hooks.router)
    app.include_router(signin.router)
    app.include_router(users.router)
    app.include_router(audit.router)

    @app.get("/")
    async def index(request: Request) -> Response:
        return TEMPLATES.TemplateResponse(request, "index.html", {"tenants": tenants.all()})

    @app.get("/{practice}/{env}")
    async def tenant_root(practice: str, env: str) -> Response:
        found = tenants.get(practice, env)
        if found is None:
            raise StarletteHTTPException(404, "No such practice or environment")
        return redirect(f"{found.base}/admin/users")

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if exc.api:
            # The list's JavaScript reads this and sends the browser to the login page.
            return JSONResponse({"error": "session expired", "login": exc.login_url()}, status_code=401)
        return redirect(exc.login_url())

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, exc: CsrfRefused) -> Response:
        return TEMPLATES.TemplateResponse(
            request,
            "error.html",
            {
                "title": "Request refused",
                "message": "The form could not be verified (missing or invalid CSRF "
                "token). Reload the page and try again.",
                "base": "",
            },
            status_code=403,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/_sim/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return TEMPLATES.TemplateResponse(
            request,
            "error.html",
            {"title": f"{exc.status_code}", "message": exc.detail, "base": ""},
            status_code=exc.status_code,
        )

    return app
