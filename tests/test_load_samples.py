from django.core.management import call_command

from replies.models import Reply


def _state():
    return sorted(Reply.objects.values_list("source_sha256", "title", "is_sample", "status"))


def test_load_samples_is_idempotent(db):
    call_command("load_samples")
    first = _state()
    assert first, "load_samples loaded nothing"
    call_command("load_samples")
    assert _state() == first


def test_seed_reply_is_real_and_published(db):
    call_command("load_samples")
    seed = Reply.objects.get(number="005", session__council="长宁区政协")
    assert not seed.is_sample
    assert seed.is_public
    assert seed.source_file.read().startswith(" 对长宁区政协".encode())
