"""The API's OpenAPI 3.1 description, kept by hand next to ``replies/api.py``.

The reply record's properties come from the one field list (``replies.exports.FIELDS``), the
parameters from the API's own filter names, so a new field or filter shows up here by itself;
``tests/search/test_openapi.py`` validates the document (openapi-spec-validator) and calls
every documented path, checking each answer against its documented schema.
"""

from __future__ import annotations

from typing import Any

from replies.exports import FIELDS, LINKS
from replies.models import DocKind, ResultClass
from replies.paging import result_window
from replies.search import SORTS

_STR = {"type": "string"}
_STR_OR_NULL = {"type": ["string", "null"]}
_INT_OR_NULL = {"type": ["integer", "null"]}
_URI_OR_NULL = {"type": ["string", "null"], "format": "uri"}

#: JSON types of the record's fields (the rest are strings).
_TYPES: dict[str, dict[str, Any]] = {
    "id": {"type": "integer"},
    "council": _STR_OR_NULL,
    "term": _INT_OR_NULL,
    "session": _INT_OR_NULL,
    "year": _INT_OR_NULL,
    "doc_kind": {"type": "string", "enum": [k.value for k in DocKind]},
    "sector": _STR_OR_NULL,
    "department": _STR_OR_NULL,
    "co_departments": {"type": "array", "items": _STR},
    "result": _STR_OR_NULL,
    "result_class": {"type": ["string", "null"], "enum": [*ResultClass.values, None]},
    "signer": _STR_OR_NULL,
    "date": {"type": ["string", "null"], "format": "date"},
    "contact_name": _STR_OR_NULL,
    "contact_phone": _STR_OR_NULL,
    "address": _STR_OR_NULL,
    "postcode": _STR_OR_NULL,
    "is_sample": {"type": "boolean"},
    "updated_at": {"type": "string", "format": "date-time"},
    "url": {"type": "string", "format": "uri"},
    "permalink": {"type": "string", "format": "uri"},
    "source_url": _URI_OR_NULL,
}

FILTERS: dict[str, tuple[str, dict[str, Any]]] = {
    "council": ("政协标识，如 长宁区政协（须有公开答复，否则 400；下三项同）", _STR),
    "session": ("会议编号（见 /directory/）", {"type": "integer"}),
    "year": ("会议年份", {"type": "integer"}),
    "department": ("承办或会办单位的标识", _STR),
    "sector": ("界别的标识", _STR),
    "proposer": ("提案人，照原文", _STR),
    "result": ("办理结果类别", {"type": "string", "enum": ResultClass.values}),
    "kind": ("文种", {"type": "string", "enum": [k.value for k in DocKind]}),
    "date_from": ("答复日期起（含）", {"type": "string", "format": "date"}),
    "date_to": ("答复日期止（含）", {"type": "string", "format": "date"}),
    "number": ("提案号，如 005、第5号", _STR),
}


def _record_schema() -> dict[str, Any]:
    properties = {
        f.key: {**_TYPES.get(f.key, _STR), "description": f"{f.label}：{f.description}"}
        for f in (*FIELDS, *LINKS)
    }
    properties["sections"] = {
        "type": "array",
        "description": "章节",
        "items": {
            "type": "object",
            "properties": {"number": {"type": "integer"}, "heading": _STR, "text": _STR},
            "required": ["number", "heading", "text"],
        },
    }
    return {"type": "object", "properties": properties, "required": list(properties)}


_SUMMARY_KEYS = (
    "id",
    "url",
    "title",
    "council",
    "term",
    "session",
    "number",
    "doc_kind",
    "department",
    "sector",
    "date",
    "result_class",
)


def _summary_schema(record: dict[str, Any]) -> dict[str, Any]:
    properties = {k: record["properties"][k] for k in _SUMMARY_KEYS}
    properties["score"] = {"type": ["number", "null"], "description": "相关度（按相关度排序时）"}
    properties["snippets"] = {
        "type": "array",
        "items": _STR,
        "description": "命中片段（HTML，已转义，命中词在 <mark> 中）",
    }
    return {"type": "object", "properties": properties, "required": list(properties)}


def _param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _json(ref: str, description: str, **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
        **extra,
    }


def document(server: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.1 document; ``server`` is the site's address."""
    record = _record_schema()
    list_params = [
        _param("q", "检索词（与检索页相同的语法）", _STR),
        *(_param(name, text, schema) for name, (text, schema) in FILTERS.items()),
        _param("sort", "排序；默认有检索词时按相关度", {"type": "string", "enum": list(SORTS)}),
        _param(
            "page",
            f"页码，从 1 开始；只能翻阅前 {result_window()} 件结果"
            "（超出时 400，请缩小检索范围或用导出）",
            {"type": "integer", "minimum": 1},
        ),
        _param(
            "page_size", "每页件数（最多 100）", {"type": "integer", "minimum": 1, "maximum": 100}
        ),
    ]
    error = _json("Error", "错误（JSON）")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "政协提案答复库 API",
            "version": "1.0",
            "description": (
                "只读接口，只返回已发布且未标注“不予公开”的答复。所有 GET 请求允许跨域（CORS）；"
                "其他方法返回 JSON 格式的 405。标注 is_sample 的记录为虚构的示例数据。"
            ),
        },
        "servers": [{"url": server}],
        "paths": {
            "/api/replies/": {
                "get": {
                    "operationId": "listReplies",
                    "summary": "检索和筛选公开答复（分页）",
                    "parameters": list_params,
                    "responses": {
                        "200": _json("ReplyList", "一页结果"),
                        "400": error,
                        "404": error,
                    },
                }
            },
            "/api/replies/{id}/": {
                "get": {
                    "operationId": "getReply",
                    "summary": "一件公开答复的全部字段",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                            "description": "记录编号",
                        }
                    ],
                    "responses": {
                        "200": _json(
                            "Reply",
                            "答复",
                            headers={
                                "ETag": {"schema": _STR, "description": "记录版本"},
                                "Last-Modified": {"schema": _STR, "description": "最后修改时间"},
                            },
                        ),
                        "304": {"description": "未修改（If-None-Match 或 If-Modified-Since）"},
                        "404": error,
                    },
                }
            },
            "/api/schema/": {
                "get": {
                    "operationId": "getSchema",
                    "summary": "本文档（OpenAPI 3.1）",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 文档",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Reply": record,
                "ReplySummary": _summary_schema(record),
                "ReplyList": {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer"},
                        "next": _URI_OR_NULL,
                        "previous": _URI_OR_NULL,
                        "results": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/ReplySummary"},
                        },
                        "notice": {"type": "string", "description": "检索词的处理说明"},
                        "literal": {"type": "boolean"},
                    },
                    "required": ["count", "next", "previous", "results"],
                },
                "Error": {
                    "type": "object",
                    "properties": {"error": {"type": "string", "description": "中文说明"}},
                    "required": ["error"],
                },
            }
        },
    }
