"""The demo seeder takes its own stack's activation mail from the shared sink.

Every stack of the machine (the demo, a bench's, a test's) registers the same demo
addresses and the SMTP sink keeps every message in one folder: the seeder must
take the link its own notify service wrote (under its own public URL), not the
newest one to that address.
"""

import os
import time
from email.message import EmailMessage

import pytest

from deploy.local import seed_history

ADDRESS = "citizen@demo.portal.vn"
OURS, THEIRS = "http://127.0.0.1:8000", "http://127.0.0.1:46583"


def mail(base, token, to=ADDRESS):
    msg = EmailMessage()
    msg["To"] = f"Nguyễn Thị Hằng <{to}>"
    msg["Subject"] = "Kích hoạt tài khoản"
    msg.set_content(f"Mở liên kết để kích hoạt:\n{base}/activate?token={token}\n")
    msg.add_alternative(f'<p><a href="{base}/activate?token={token}">Kích hoạt</a></p>',
                        subtype="html")  # fmt: skip
    return msg


def test_the_newest_mail_of_another_stack_is_passed_over():
    newest_first = [
        mail(THEIRS, "theirs-1"),
        mail(OURS, "ours-1", to="citizen2@demo.portal.vn"),
        mail(OURS, "ours-2"),
        mail(OURS, "older"),
    ]
    assert seed_history.token_for(newest_first, ADDRESS, OURS) == "ours-2"
    assert seed_history.token_for(newest_first, ADDRESS, THEIRS) == "theirs-1"
    # a base that only begins like ours (port 80001) is another stack's too
    assert seed_history.token_for([mail(OURS + "1", "x")], ADDRESS, OURS) is None
    assert seed_history.token_for(newest_first, "nobody@x.vn", OURS) is None


def test_the_seeder_waits_for_its_own_stacks_mail(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_PUBLIC_URL", OURS + "/")
    since = time.time() - 2
    old = tmp_path / "20261201T000000.000000-old.eml"
    old.write_bytes(bytes(mail(OURS, "before-it-asked")))
    os.utime(old, (since - 60, since - 60))
    (tmp_path / "20261202T043000.000000-a.eml").write_bytes(bytes(mail(OURS, "ours")))
    (tmp_path / "20261202T043001.000000-b.eml").write_bytes(
        bytes(mail(THEIRS, "theirs"))
    )
    token = seed_history.activation_token(tmp_path, ADDRESS, since, timeout=2)
    assert token == "ours"
    with pytest.raises(RuntimeError, match="no activation mail"):
        seed_history.activation_token(tmp_path, "citizen3@demo.portal.vn", since, 0.5)


def test_without_a_public_url_it_is_notify_s_default(monkeypatch):
    monkeypatch.delenv("PORTAL_PUBLIC_URL", raising=False)
    assert seed_history.public_url() == "http://127.0.0.1:8000"
