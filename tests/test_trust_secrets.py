"""The cookie secret that signs login cookies: placeholders and guessable values are
refused at start with one Danish sentence and the command that makes a good one; the
example secrets file works once its values are filled in."""

from __future__ import annotations

import base64
import os
import re
import secrets
import tomllib
from typing import Any

import pytest

from nytte.core.auth import SECRET_COMMAND, check_cookie_secret, validate_auth_section
from nytte.core.config import ConfigError
from tests.trust_helpers import ROOT

EXAMPLE = ROOT / ".streamlit" / "secrets.toml.example"

WEAK = [
    "replace-with-at-least-32-random-characters",  # the example's old value
    "x" * 40,
    "y" * 32,
    "changeme" * 5,
    "a1" * 20,
    "0123456789abcdef" * 2,
    "0123456789abcdef0123456789abcdef0123456789abcdef",
    "MinHemmeligeCookieNøgleTilNytte2026!",
    "supersecretsupersecretsupersecret",
    "streamlit-cookie-secret-for-production",
    "<paste-a-secret-here-please-thank-you>",
    "Greve Kommune nytteindsats login 2026",
    "correct horse battery staple correct horse",
    # Random values, named for the test's id: every pytest-xdist worker must collect
    # the same test names.
    pytest.param(secrets.token_hex(16), id="token_hex(16)"),  # 128 bits, 16 distinct characters
    pytest.param(secrets.token_urlsafe(16), id="token_urlsafe(16)"),  # too short
]


@pytest.mark.parametrize("secret", WEAK)
def test_weak_cookie_secret_is_refused_with_the_command(secret: str) -> None:
    with pytest.raises(ConfigError) as exc:
        check_cookie_secret(secret)
    message = str(exc.value)
    assert "cookie_secret" in message and SECRET_COMMAND in message
    assert message.count(".") >= 1 and "\n" not in message


@pytest.mark.parametrize(
    "make",
    [
        lambda: secrets.token_urlsafe(32),
        lambda: secrets.token_urlsafe(48),
        lambda: secrets.token_hex(32),
        lambda: base64.b64encode(os.urandom(32)).decode(),
    ],
)
def test_generated_secrets_pass(make: Any) -> None:
    for _ in range(2000):
        check_cookie_secret(make())


def test_the_recommended_command_makes_a_secret_that_passes() -> None:
    code = re.search(r'-c "(.+)"', SECRET_COMMAND)
    assert code is not None
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code.group(1), {})  # the documented one-liner itself
    check_cookie_secret(out.getvalue().strip())


def _example() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_example_as_shipped_is_refused() -> None:
    with pytest.raises(ConfigError):
        validate_auth_section(_example()["auth"])
    # Even with the provider filled in, its cookie secret is refused.
    auth = {**_example()["auth"], "client_id": "nytte", "client_secret": "s3cr",
            "server_metadata_url": "https://login.example/x/.well-known/openid-configuration"}
    with pytest.raises(ConfigError, match="cookie_secret"):
        validate_auth_section(auth)


def test_example_filled_in_passes_ours_and_streamlits_checks() -> None:
    from streamlit.auth_util import generate_default_provider_section
    from streamlit.runtime.secrets import AttrDict

    auth = _example()["auth"]
    auth.update(
        cookie_secret=secrets.token_urlsafe(48),
        client_id="0f6a3c1e-nytte",
        client_secret=secrets.token_urlsafe(24),
        server_metadata_url=auth["server_metadata_url"].replace("<tenant>", "greve.dk"),
    )
    validate_auth_section(auth)  # client_kwargs is not a provider section
    provider = generate_default_provider_section(AttrDict(auth))
    assert provider["client_kwargs"] == {"scope": "openid profile email"}
    for key in ("client_id", "client_secret", "server_metadata_url"):
        assert provider[key] == auth[key]


def test_app_refuses_to_start_with_the_example_secret(app_db: str) -> None:
    from streamlit.testing.v1 import AppTest

    auth = _example()["auth"]
    auth.update(client_id="nytte", client_secret="s3cr",
                server_metadata_url="https://login.example/t/.well-known/openid-configuration",
                cookie_secret="replace-with-at-least-32-random-characters")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = auth
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and SECRET_COMMAND in at.error[0].value
    assert not at.button  # no login button: nothing can be signed with that secret
