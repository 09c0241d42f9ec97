"""Exports: public replies only, every field, streamed in constant memory; the open-data package."""

from __future__ import annotations

import csv
import gc
import io
import json
import time
import tracemalloc
import zipfile
from collections import deque
from itertools import islice

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.http import StreamingHttpResponse

from replies import views
from replies.browse import permalink
from replies.exports import FIELDS, LINKS
from replies.models import Disclosure, Reply, Session, Status
from tests.browse.test_filters import independent

pytestmark = pytest.mark.django_db

HEADER = [f.label for f in (*FIELDS, *LINKS)]


def read_csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = next(reader)
    assert header == HEADER
    return [dict(zip(header, row, strict=True)) for row in reader]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"department": "长宁区民政局"},
        {"council": "测试市政协", "result": "A"},
        {"kind": "会办意见"},
        {"q": "电梯"},
        {"proposer": "经济界别", "year": "2024"},
    ],
)
def test_csv_has_a_bom_and_one_row_per_public_reply_of_the_filter(client, corpus, params):
    response = client.get("/export.csv", params)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert {int(r["编号"]) for r in rows} == independent(params)
    assert len(rows) == len(independent(params))
    assert not any("隐藏" in r["标题"] for r in rows)


def test_csv_row_holds_every_public_field_and_the_permalink(client, corpus):
    reply = next(r for r in corpus.public if r.co_departments.exists())
    (row,) = [r for r in read_csv(client.get("/export.csv")) if r["编号"] == str(reply.pk)]
    assert row["引用链接"] == "http://testserver" + permalink(reply)
    assert row["提案标题"] == reply.proposal_title and row["正文"] == reply.body
    assert row["会办单位"] == "、".join(d.name for d in reply.co_departments.all())
    assert row["政协"] == reply.session.council and row["届"] == str(reply.session.term)
    assert row["答复日期"] == reply.reply_date.isoformat() and row["结果类别"] == reply.result_class
    assert row["示例数据"] == ("是" if reply.is_sample else "否")


def test_jsonl_streams_public_replies_with_sections(client, corpus):
    response = client.get("/export.jsonl", {"sector": "经济"})
    assert response.streaming
    lines = b"".join(response.streaming_content).decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["id"] for r in records} == independent({"sector": "经济"})
    first = Reply.objects.get(pk=records[0]["id"])
    assert [s["heading"] for s in records[0]["sections"]] == [
        s.heading for s in first.sections.all()
    ]
    assert records[0]["permalink"] == "http://testserver" + permalink(first)


def test_listing_links_its_exports(client, corpus):
    html = client.get("/", {"department": "长宁区民政局", "q": "养老"}).content.decode()
    assert 'href="/export.csv?q=%E5%85%BB%E8%80%81&amp;department=' in html
    assert 'href="/export.jsonl?q=' in html


def _bulk(n: int, session: Session) -> None:
    body = "提案收悉，现将办理情况答复如下：我们高度重视，认真研究，积极推进。\n" * 4
    Reply.objects.bulk_create(
        [
            Reply(
                session=session,
                number=f"{i:05d}",
                number_int=i,
                title=f"对第{i:05d}号提案的答复",
                proposal_title="关于测试导出内存的建议",
                status=Status.PUBLISHED,
                disclosure=Disclosure.PUBLIC,
                body=body,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )


def test_jsonl_export_streams_in_flat_memory_at_10000_rows(rf):
    """Memory while streaming 10,000 rows: what rows 1,001–5,500 and 5,501–10,000 allocate at
    their peak is the same (about a chunk of ``CHUNK`` rows), and nothing accumulates.

    The view is called directly: the test client keeps state per streamed response."""
    session = Session.objects.create(council="测试市政协", term=9, number=1, year=2024)
    _bulk(10_000, session)
    response = views.export_jsonl(rf.get("/export.jsonl"))
    assert isinstance(response, StreamingHttpResponse)
    chunks = iter(response.streaming_content)
    started = time.perf_counter()
    tracemalloc.start()
    try:
        first = [next(chunks) for _ in range(1_000)]
        gc.collect()  # prefetch caches form reference cycles: measure what stays, not garbage
        start = tracemalloc.get_traced_memory()[0]
        peaks = []
        for rows in (4_500, 4_500):
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            last = deque(islice(chunks, rows), maxlen=1)[0]
            peaks.append(tracemalloc.get_traced_memory()[1] - base)
        assert next(chunks, None) is None
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    lines = len(first) + 9_000
    assert lines == 10_000 and json.loads(last)["title"]
    print(
        f"peaks +{peaks[0] / 1e6:.1f} MB (rows 1,001–5,500), +{peaks[1] / 1e6:.1f} MB "
        f"(5,501–10,000); kept {kept / 1e6:+.1f} MB "
        f"({time.perf_counter() - started:.1f} s)"
    )
    assert peaks[1] < peaks[0] * 1.3 + 1_000_000
    assert kept < 2_000_000
    assert max(peaks) < 20_000_000


def test_export_command_writes_the_package_and_the_site_offers_it(
    client, corpus, tmp_path, settings
):
    settings.ARCHIVE_EXPORT_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    shown, hidden = corpus.public[0], corpus.hidden[0]
    shown.source_file.save("a.txt", ContentFile("公开的原始文件".encode()), save=True)
    hidden.source_file.save("b.txt", ContentFile("隐藏的原始文件".encode()), save=True)
    Reply.objects.filter(pk=shown.pk).update(source_format="txt")
    assert client.get("/open-data/latest.zip").status_code == 404
    call_command("export", str(tmp_path), verbosity=0)
    (package,) = tmp_path.glob("replies-open-data-*.zip")
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        assert {"replies.csv", "replies.jsonl", "README.md", f"sources/{shown.pk}.txt"} <= names
        assert not any(name.startswith(f"sources/{hidden.pk}.") for name in names)
        jsonl = archive.read("replies.jsonl").decode().splitlines()
        assert {json.loads(line)["id"] for line in jsonl} == {r.pk for r in corpus.public}
        assert archive.read("replies.csv").startswith("\ufeff".encode())
        readme = archive.read("README.md").decode()
        assert all(f"`{f.key}`" in readme for f in FIELDS)
    response = client.get("/open-data/latest.zip")
    assert response.status_code == 200 and package.name in response["Content-Disposition"]
    assert package.name in client.get("/open-data/").content.decode()
