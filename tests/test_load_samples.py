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


def test_sample_units_are_matched_through_their_aliases(db):
    call_command("load_samples")
    from replies.models import Department

    assert Department.match("区科委").name == "长宁区科学技术委员会"
    # Short names used in the sample replies never become departments of their own.
    assert not Department.objects.filter(name="市住房和城乡建设局").exists()
    assert Department.match("市住建局").name == "临江市住房和城乡建设局"
    assert Department.objects.get(name="临江市住房和城乡建设局").co_replies.exists()
