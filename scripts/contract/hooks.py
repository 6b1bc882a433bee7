"""Schemathesis hooks for scripts/contract-test (loaded through SCHEMATHESIS_HOOKS).

- Authentication: signs in as CONTRACT_USER (one demo user per role) and sends
  its access token; signs in again before the token expires.
- `POST /auth/logout` gets a token of its own, so ending that session does not
  sign the run out.
- The guard: the run's own users are never the target of a fuzzed login (a
  stream of wrong passwords would lock them out with 429), and nothing here
  runs unless CONTRACT_BASE_URL names the service that scripts/contract-test
  started on its own database.
"""

import os
import time

import requests
import schemathesis

BASE_URL = os.environ["CONTRACT_BASE_URL"]
USER = os.environ["CONTRACT_USER"]
PASSWORD = os.environ["CONTRACT_PASSWORD"]
PROTECTED = set(os.environ.get("CONTRACT_PROTECTED_USERS", "").split(","))
LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"


def login() -> tuple[str, float]:
    answer = requests.post(
        BASE_URL + LOGIN,
        json={"username": USER, "password": PASSWORD},
        timeout=10,
    )
    answer.raise_for_status()
    body = answer.json()
    return body["access_token"], time.monotonic() + body["expires_in"]


@schemathesis.auth()
class BearerToken:
    """The role's access token, renewed a minute before it expires."""

    def __init__(self) -> None:
        self.expires = 0.0

    def get(self, case, ctx):
        if time.monotonic() > self.expires - 60:
            token, self.expires = login()
            return token
        return self.token

    def set(self, case, data, ctx):
        self.token = data
        if case.operation.path == LOGOUT:
            data, _ = login()
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    """No login of any phase names one of the run's own users."""
    if (
        case.operation.path == LOGIN
        and isinstance(case.body, dict)
        and isinstance(case.body.get("username"), str)
        and case.body["username"] in PROTECTED
    ):
        case.body = dict(case.body, username="contract.nobody")
