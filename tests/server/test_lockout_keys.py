"""Who a failed login is counted against: the address is the connection's peer unless that peer
is a configured proxy (a spoofed X-Forwarded-For changes nothing), and the lockout table keeps
names and addresses only as HMAC-SHA256 under the archive's own secret. SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from serverkit import BASE_URL, Server

from sviedka.errors import Invalid
from sviedka.http.config import ServerConfig
from sviedka.model.revision import timestamp
from sviedka.services import accounts
from sviedka.services.accounts import LOCKOUT
from sviedka.services.accounts.lockout import LOCKOUT_SECRET
from sviedka.settings import load_settings
from sviedka.store import schema as t

LOGIN = "/api/v1/auth/login"
PEER = "127.0.0.1"  # a local client: uvicorn trusted X-Forwarded-For from it by default
SPOOFED = "203.0.113.9"
WRONG = {"username": "lk-user", "password": "not the password at all"}


def key(server: Server, kind: str, value: str) -> str:
    secret = accounts.lockout_secret(server.store)
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def failure_keys(server: Server) -> set[str]:
    with server.store.engine.connect() as conn:
        return set(conn.scalars(sa.select(t.login_failures.c.key)))


def forget_failures(server: Server) -> None:
    with server.store.engine.begin() as conn:
        conn.execute(sa.delete(t.login_failures))


@pytest.fixture
def clean(server: Server) -> Iterator[Server]:
    """The module's server with an empty lockout table, before and after."""
    forget_failures(server)
    yield server
    forget_failures(server)


def from_peer(server: Server, **overrides: object) -> TestClient:
    """A client connecting from ``PEER`` to an app on the module's archive."""
    return TestClient(server.another_app(**overrides), base_url=BASE_URL, client=(PEER, 50000))


def test_a_spoofed_forwarded_for_from_an_untrusted_client_is_ignored(clean: Server) -> None:
    with from_peer(clean) as client:
        headers = {"X-Forwarded-For": SPOOFED}
        assert client.post(LOGIN, json=WRONG, headers=headers).status_code == 401
    assert failure_keys(clean) == {key(clean, "user", "lk-user"), key(clean, "ip", PEER)}


def test_a_locked_out_address_cannot_log_in_by_spoofing_another(clean: Server) -> None:
    clean.user("lk-locked", "viewer", "public")
    rows = [{"key": key(clean, "ip", PEER), "at": timestamp()}] * LOCKOUT.per_address
    with clean.store.engine.begin() as conn:
        conn.execute(sa.insert(t.login_failures), rows)
    right = {"username": "lk-locked", "password": "correct horse battery staple"}
    with from_peer(clean) as client:
        answer = client.post(LOGIN, json=right, headers={"X-Forwarded-For": SPOOFED})
    assert answer.status_code == 429


@pytest.mark.parametrize(
    ("trusted", "forwarded", "counted"),
    [
        ((PEER,), SPOOFED, SPOOFED),
        (("127.0.0.0/8",), SPOOFED, SPOOFED),
        # the client prepends a made-up address; the proxy appends the one it saw
        ((PEER,), f"198.51.100.7, {SPOOFED}", SPOOFED),
        (("10.0.0.0/8",), SPOOFED, PEER),  # the peer is not one of the proxies
    ],
)
def test_a_configured_proxy_names_the_client(
    clean: Server, trusted: tuple[str, ...], forwarded: str, counted: str
) -> None:
    with from_peer(clean, trusted_proxies=trusted) as client:
        client.post(LOGIN, json=WRONG, headers={"X-Forwarded-For": forwarded})
    assert failure_keys(clean) == {key(clean, "user", "lk-user"), key(clean, "ip", counted)}


@pytest.mark.parametrize("value", ["*", "proxy.example.org", "10.0.0.1/8", ""])
def test_a_trusted_proxy_must_be_an_address_or_a_network(server: Server, value: str) -> None:
    with pytest.raises(Invalid, match="SVIEDKA_TRUSTED_PROXIES"):
        ServerConfig(archive=server.path, trusted_proxies=(value,))


def test_the_setting_is_a_comma_separated_list() -> None:
    env = {"SVIEDKA_TRUSTED_PROXIES": " 127.0.0.1, 10.0.0.0/8 ,,"}
    assert load_settings(env).trusted_proxies == ("127.0.0.1", "10.0.0.0/8")
    assert load_settings({}).trusted_proxies == ()


def test_failures_are_keyed_by_hmac_under_the_archives_secret_never_a_plain_hash(
    clean: Server,
) -> None:
    with from_peer(clean) as client:
        client.post(LOGIN, json=WRONG)
    plain = {
        hashlib.sha256(f"{k}:{v}".encode()).hexdigest()
        for k, v in [("user", "lk-user"), ("ip", PEER)]
    }
    found = failure_keys(clean)
    assert (found & plain, found) == (
        set(),
        {key(clean, "user", "lk-user"), key(clean, "ip", PEER)},
    )
    assert len(accounts.lockout_secret(clean.store)) == 32


def test_the_secret_is_made_at_init_and_an_archive_without_one_gets_one(clean: Server) -> None:
    def stored() -> str | None:
        with clean.store.engine.connect() as conn:
            query = sa.select(t.meta.c.value).where(t.meta.c.key == LOCKOUT_SECRET)
            return conn.scalar(query)

    made_at_init = stored()
    assert made_at_init is not None and len(made_at_init) == 64
    with clean.store.engine.begin() as conn:  # as an archive made before the secret existed
        conn.execute(sa.delete(t.meta).where(t.meta.c.key == LOCKOUT_SECRET))
    with from_peer(clean) as client:
        assert client.post(LOGIN, json=WRONG).status_code == 401
    made_now = stored()
    assert made_now is not None and made_now != made_at_init
    assert failure_keys(clean) == {key(clean, "user", "lk-user"), key(clean, "ip", PEER)}
    accounts.unlock(clean.store, "lk-user")
    assert failure_keys(clean) == {key(clean, "ip", PEER)}
