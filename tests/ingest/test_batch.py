"""Batch ingest: remembered lookups, fewer statements per reply, asynchronous commits."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from bench.generate import CorpusGenerator
from replies.ingest import load
from replies.ingest.batch import ingest_file, ingest_paths, parsed_files
from replies.ingest.pipeline import default_result_classes, parse_bytes
from replies.ingest.report import Outcome
from replies.models import Department, Reply, ReplySection, Sector, Session
from tests.ingest.render import to_docx
from tests.ingest.specs import DISTRICT


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    gen = CorpusGenerator()
    gen.write_txt(folder, 40)
    return folder, [r.truth for r in gen.replies(40)]


def files_of(folder):
    return sorted(folder.rglob("*.txt"))


def test_a_batch_saves_every_reply_with_its_parts(db, corpus):
    folder, truths = corpus
    summary = ingest_paths([folder], publish=True)
    assert (summary.created, summary.rejected) == (40, [])
    for truth, reply in zip(truths, Reply.objects.order_by("source_name"), strict=True):
        assert reply.title == truth["title"]
        assert reply.department.name == truth["department"]
        assert (reply.session.council, reply.session.term, reply.session.number) == (
            truth["council"],
            truth["term"],
            truth["session"],
        )
        assert sorted(d.name for d in reply.co_departments.all()) == sorted(truth["co_departments"])
        assert [s.heading for s in reply.sections.all()] == [
            s["heading"] for s in truth["sections"]
        ]
        assert (reply.sector.name if reply.sector else None) == truth["sector"]
    assert Session.objects.count() == len({(t["council"], t["term"], t["session"]) for t in truths})
    names = {t["department"] for t in truths} | {u for t in truths for u in t["co_departments"]}
    assert set(Department.objects.values_list("name", flat=True)) == names
    assert Sector.objects.count() == len({t["sector"] for t in truths if t["sector"]})


def test_known_sessions_and_units_cost_no_queries(db, corpus, tmp_path):
    folder, truths = corpus
    first = files_of(folder)[0]
    number = truths[0]["number"]
    second = tmp_path / "second.txt"
    second.write_text(
        first.read_text(encoding="utf-8").replace(f"第{number}号", "第999号"), encoding="utf-8"
    )
    table = default_result_classes()
    lookups = load.Lookups()
    [first_result] = ingest_file(first, table, lookups=lookups, durable=False)
    assert first_result.status is Outcome.CREATED
    with CaptureQueriesContext(connection) as ctx:
        [second_result] = ingest_file(second, table, lookups=lookups, durable=False)
    assert second_result.status is Outcome.CREATED
    sql = [q["sql"].split()[0] for q in ctx.captured_queries]
    # sha256 check; savepoint; SET LOCAL; natural key; reply; links; sections; release.
    assert len(sql) <= 8, sql
    assert not any("replies_department" in q["sql"].split("FROM")[-1][:40]
                   for q in ctx.captured_queries if q["sql"].startswith("SELECT"))  # fmt: skip


def test_a_failed_save_forgets_what_it_created(db, corpus, monkeypatch):
    folder, _ = corpus
    files = files_of(folder)
    lookups = load.Lookups()
    real = ReplySection.objects.bulk_create

    def fail_once(*args, **kwargs):
        monkeypatch.setattr(ReplySection.objects, "bulk_create", real)
        raise DatabaseError("disk full")

    monkeypatch.setattr(ReplySection.objects, "bulk_create", fail_once)
    table = default_result_classes()
    [failed] = ingest_file(files[0], table, lookups=lookups, durable=False)
    assert failed.status is Outcome.REJECTED and "disk full" in failed.reason
    assert lookups.departments == {} and lookups.sessions == {}
    [again] = ingest_file(files[0], table, lookups=lookups, durable=False)
    assert again.status is Outcome.CREATED
    assert Reply.objects.get().department.name == again.reply.department


@pytest.mark.django_db(transaction=True)
def test_asynchronous_commit_stays_inside_the_reply_transaction(corpus):
    folder, _ = corpus
    summary = ingest_paths([], files=files_of(folder)[:2])
    assert summary.created == 2
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


@pytest.mark.django_db(transaction=True)
def test_parallel_parsing_gives_the_same_results_in_order(corpus, tmp_path):
    folder, truths = corpus
    files = files_of(folder)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01 not a reply")
    files.insert(5, bad)
    seen = []
    summary = ingest_paths([], files=files, publish=True, jobs=2, on_result=seen.append)
    assert [r.path for r in seen] == files
    assert summary.created == 40
    assert [p for p, _ in summary.rejected] == [str(bad)]
    titles = list(Reply.objects.order_by("source_name").values_list("title", flat=True))
    assert titles == [t["title"] for t in truths]


def test_parallel_parsing_after_the_parent_has_parsed_a_document(tmp_path):
    # The parent's forkserver (started by its own first parse) must not be inherited by
    # the forked workers: each worker starts its own for the child-process parsers.
    data = to_docx(DISTRICT)
    assert parse_bytes(data, "first.docx", default_result_classes()).title
    files = []
    for k in range(4):
        path = tmp_path / f"r{k}.docx"
        path.write_bytes(data)
        files.append(path)
    results = [parsed for _, parsed in parsed_files(files, default_result_classes(), jobs=2)]
    assert [parsed.reason for parsed in results] == [""] * 4
    assert all(parsed.reply.title == DISTRICT.title for parsed in results)
