"""Signing secrets at rest: sealed with the first key, opened with any, rotatable."""

import pytest

from services.webhooks.vault import Vault, new_key

SECRET = "whsec_c2VjcmV0LXNpZ25pbmcta2V5LW9mLWFuLWVuZHBvaW50"


def test_a_sealed_secret_does_not_show_and_opens_again():
    vault = Vault(new_key())
    token = vault.seal(SECRET)
    assert SECRET not in token and SECRET.removeprefix("whsec_") not in token
    assert vault.open(token) == SECRET
    assert vault.seal(SECRET) != token  # a fresh IV each time


def test_keys_rotate_the_first_seals_every_one_opens():
    old, new = new_key(), new_key()
    token = Vault(old).seal(SECRET)
    both = Vault(f"{new}, {old}")
    assert both.open(token) == SECRET and not both.current(token)
    resealed = both.reseal(token)
    assert both.current(resealed) and Vault(new).open(resealed) == SECRET
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidToken
        Vault(new).open(token)


@pytest.mark.parametrize("setting", ["", None, " , ", "not-a-fernet-key"])
def test_no_usable_key_refuses_to_start(setting):
    with pytest.raises(RuntimeError, match="PORTAL_WEBHOOK_SECRET_KEYS"):
        Vault(setting)
