"""The API documents itself: the OpenAPI 3.1 document validates, and every documented path
answers as documented (status codes and bodies checked against the document's schemas)."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from replies.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    validate(document)
    return document


def check(spec: dict, path: str, status: int, body) -> None:
    """Validate ``body`` against the documented schema of ``path``'s GET answer ``status``."""
    schema = spec["paths"][path]["get"]["responses"][str(status)]["content"]["application/json"][
        "schema"
    ]
    # the document's components beside the schema, so its "#/components/…" references resolve
    OAS31Validator({**schema, "components": spec["components"]}).validate(body)


def test_schema_is_openapi_31_and_lists_the_paths(spec):
    assert spec["openapi"].startswith("3.1")
    with pytest.raises(ValidationError):  # the check below does check
        check(
            spec,
            "/api/replies/",
            200,
            {"count": 1, "next": None, "previous": None, "results": [{"id": "x"}]},
        )
    assert set(spec["paths"]) == {"/api/replies/", "/api/replies/{id}/", "/api/schema/"}


def test_every_documented_path_answers_as_documented(client, spec, make_reply):
    reply = make_reply(title="关于加装电梯的答复", body="加装电梯工作稳步推进。", proposer="王五")
    reply.co_departments.add(make_reply().department)
    make_reply(status=Status.DRAFT)
    for params in ({}, {"q": "加装电梯"}, {"proposer": "王五", "sort": "newest"}):
        response = client.get("/api/replies/", params)
        assert response.status_code == 200
        check(spec, "/api/replies/", 200, response.json())
    assert client.get("/api/replies/", {"q": "加装电梯"}).json()["count"] == 1
    for params, status in (({"page_size": 101}, 400), ({"page": 99}, 404)):
        response = client.get("/api/replies/", params)
        assert response.status_code == status
        check(spec, "/api/replies/", status, response.json())

    detail = client.get(f"/api/replies/{reply.pk}/")
    assert detail.status_code == 200
    check(spec, "/api/replies/{id}/", 200, detail.json())
    assert set(detail.json()) == set(spec["components"]["schemas"]["Reply"]["properties"])
    missing = client.get("/api/replies/999999/")
    assert missing.status_code == 404
    check(spec, "/api/replies/{id}/", 404, missing.json())
    check(spec, "/api/schema/", 200, client.get("/api/schema/").json())


def test_detail_has_etag_and_last_modified_and_answers_304(client, make_reply):
    reply = make_reply()
    first = client.get(f"/api/replies/{reply.pk}/")
    assert first["ETag"] and first["Last-Modified"]
    assert (
        client.get(f"/api/replies/{reply.pk}/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    )
    reply.title = "改过的标题"
    reply.save()
    assert (
        client.get(f"/api/replies/{reply.pk}/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    )
    hidden = make_reply(status=Status.DRAFT)
    assert client.get(f"/api/replies/{hidden.pk}/").status_code == 404


def test_cors_for_get_and_json_405_for_post(client, make_reply):
    reply = make_reply()
    got = client.get("/api/replies/")
    assert got["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(f"/api/replies/{reply.pk}/")
    assert preflight.status_code == 204 and "GET" in preflight["Access-Control-Allow-Methods"]
    for url in ("/api/replies/", f"/api/replies/{reply.pk}/", "/api/schema/"):
        posted = client.post(url, {})
        assert posted.status_code == 405 and "GET" in posted["Allow"]
        assert posted.json()["error"]


def test_human_page_has_chinese_examples(client, make_reply):
    reply = make_reply()
    html = client.get("/api/").content.decode()
    assert "数据接口" in html and "/api/schema/" in html
    assert f"/api/replies/{reply.pk}/" in html and "If-None-Match" in html
