"""Result files go with the completed e-mail only when they fit (fake peers)."""

from services.notify import domain
from services.notify.handling import EventMailer
from services.notify.peers import Peers
from services.notify.samples import DOSSIER
from services.notify.templates import Renderer


class FakePeers(Peers):
    def __init__(self, metas):
        super().__init__(None, None, None)
        self.metas, self.read = metas, []

    def slot_files(self, dossier_id, slot):
        return [m for m in self.metas if m["slot"] == slot]

    def read_files(self, metas):
        self.read.extend(m["id"] for m in metas)
        return [{"name": m["name"], "content_type": "x/y", "data": b"1"} for m in metas]


def completed(peers, max_bytes):
    event = {"dossier": DOSSIER, "to": "completed", "action": "return_result"}
    (item,) = domain.plan_status_change(event, "https://p")
    documents = {}
    EventMailer(None, None, peers, None, max_bytes)._attach_files(item, documents)
    return item, documents[("files", item.key)]


def test_result_files_within_the_limit_are_attached_and_named():
    peers = FakePeers(
        [
            {"id": "r1", "slot": "result", "name": "Quyết định.pdf", "size": 6},
            {"id": "a1", "slot": "attachment", "name": "Ghi chú.pdf", "size": 99},
        ]
    )
    item, attached = completed(peers, 10)
    context = item.context
    assert [a["name"] for a in attached] == ["Quyết định.pdf"]
    assert (context["attached"], context["too_large"]) == (["Quyết định.pdf"], False)


def test_result_files_over_the_limit_are_only_linked_and_never_read():
    peers = FakePeers([{"id": "r1", "slot": "result", "name": "Lớn.pdf", "size": 11}])
    item, attached = completed(peers, 10)
    context = item.context
    assert attached == []
    assert (context["attached"], context["too_large"]) == ([], True)
    assert peers.read == []
    renderer = Renderer(public_url="https://p")
    text = renderer.render("dossier_completed", "vi", context, link=item.link).text
    assert "quá lớn để gửi kèm" in text
    assert "https://p/ho-so/" in text
