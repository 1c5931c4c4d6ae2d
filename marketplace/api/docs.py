"""The OpenAPI 3 document, generated from the registered endpoints' marshmallow schemas,
and a page that shows it."""
from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import jsonify, render_template, url_for
from flask_babel import gettext as _

from marketplace import MAX_ID
from marketplace.api.blueprint import OPERATIONS, Operation, bp
from marketplace.errors import TITLES
from marketplace.schemas.common import ErrorSchema

_PATH_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _openapi_path(rule: str) -> str:
    return "/api/v1" + _PATH_PARAM.sub(r"{\2}", rule)


def _operation(op: Operation) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "summary": str(op.summary),
        "tags": [op.tag],
        "operationId": op.endpoint.removeprefix("api."),
        "responses": {str(op.status): {"description": str(TITLES.get(op.status, "OK")) if op.status >= 400 else "OK"}},
    }
    if op.response is not None:
        spec["responses"][str(op.status)]["content"] = {"application/json": {"schema": op.response}}
    elif op.produces != "application/json":  # a file download
        spec["responses"][str(op.status)]["content"] = {op.produces: {"schema": {"type": "string",
                                                                                 "format": "binary"}}}
    for status in op.errors:
        spec["responses"][str(status)] = {"description": str(TITLES.get(status, "")),
                                          "content": {"application/json": {"schema": ErrorSchema}}}
    parameters: list[dict[str, Any]] = [
        {"in": "path", "name": name, "required": True,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID} if converter == "int" else {"type": "string"}}
        for converter, name in _PATH_PARAM.findall(op.path)
    ]
    if op.query is not None:
        parameters.append({"in": "query", "schema": op.query})
    if parameters:
        spec["parameters"] = parameters
    if op.body is not None:
        spec["requestBody"] = {"required": True, "content": {op.consumes: {"schema": op.body}}}
    if op.auth:
        spec["security"] = [{"bearer": []}]
    return spec


def build_spec() -> dict[str, Any]:
    spec = APISpec(title="Zhangjiang Match API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": _("The JSON API of the Zhangjiang Match marketplace. "
                                          "Errors always have the body {\"errors\": {field: [messages]}}, "
                                          "in the language of the Accept-Language header.")},
                   servers=[{"url": url_for("public.landing", _external=True).rstrip("/")}])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(_openapi_path(op.path), {})[op.method] = _operation(op)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi_json() -> Any:
    return jsonify(build_spec())


@bp.get("/docs")
def docs_page() -> Any:
    document = build_spec()
    groups: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            groups.setdefault(operation["tags"][0], []).append((method.upper(), path, operation))
    return render_template("api/docs.html", groups=groups, schemas=document["components"]["schemas"])
