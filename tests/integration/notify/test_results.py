"""The completed e-mail carries the result files stored by the real files service."""

from .helpers import PDF, act, address, paper_dossier, put_file

RESULT = PDF.replace(b"200 200", b"300 300")


def test_completed_mail_attaches_the_result_files(rpc, agency, mailbox):
    to = address()
    found = paper_dossier(rpc, agency, to)
    officer = agency.caller("officer")
    name = "Trích lục khai sinh đã ký.pdf"
    put_file(rpc, officer, found["id"], "result", name, RESULT, "application/pdf")
    act(agency.clients["officer"], found["id"], "send_for_approval")
    act(agency.clients["leader"], found["id"], "approve")
    act(agency.clients["desk"], found["id"], "return_result")
    (msg,) = mailbox.wait_for(to, subject_contains="đã có kết quả", timeout=60)
    (part,) = list(msg.iter_attachments())
    assert part.get_filename() == name
    assert part.get_content() == RESULT
    assert name in msg.get_body(("plain",)).get_content()


def test_completed_mail_without_result_files_only_links(rpc, agency, mailbox):
    to = address()
    found = paper_dossier(rpc, agency, to)
    act(agency.clients["officer"], found["id"], "send_for_approval")
    act(agency.clients["leader"], found["id"], "approve")
    act(agency.clients["desk"], found["id"], "return_result")
    (msg,) = mailbox.wait_for(to, subject_contains="đã có kết quả", timeout=60)
    assert list(msg.iter_attachments()) == []
    assert f"/ho-so/{found['id']}" in msg.get_body(("plain",)).get_content()
