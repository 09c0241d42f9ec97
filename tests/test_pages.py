from replies.models import Disclosure, Status


def test_home_lists_only_public_replies(client, make_reply):
    make_reply(title="公开的答复")
    make_reply(title="草稿答复", status=Status.DRAFT)
    make_reply(title="不予公开的答复", disclosure=Disclosure.WITHHELD)
    html = client.get("/").content.decode()
    assert "公开的答复" in html
    assert "草稿答复" not in html and "不予公开的答复" not in html


def test_hidden_reply_pages_are_404(client, make_reply):
    draft = make_reply(status=Status.DRAFT)
    withheld = make_reply(disclosure=Disclosure.WITHHELD)
    for reply in (draft, withheld):
        assert client.get(reply.get_absolute_url()).status_code == 404
        assert client.get(f"/replies/{reply.pk}/source/").status_code == 404


def test_unknown_url_is_a_friendly_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
