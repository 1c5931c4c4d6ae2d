"""``flask users create`` makes accounts of every role; bad input writes nothing."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.models import ParkOperator, User
from tests.conftest import PASSWORD


@pytest.mark.parametrize("role", ["startup", "investor", "bank", "incubator", "operator", "admin"])
def test_users_create_makes_an_account_of_each_role(app, run_in, role):
    result = app.test_cli_runner().invoke(args=["users", "create", "--role", role, "--email", f"{role}@Example.org",
                                                "--password", PASSWORD, "--org", "张江示范机构"])
    assert result.exit_code == 0, result.output
    assert f"created {role} {role}@example.org" in result.output
    assert run_in(lambda s: s.scalar(sa.select(User).where(User.email == f"{role}@example.org")).role.value) == role


def test_a_park_operator_belongs_to_its_park(app, run_in):
    result = app.test_cli_runner().invoke(args=["users", "create", "--role", "operator", "--email", "op@example.org",
                                                "--password", PASSWORD, "--park", "zizhu"])
    assert result.exit_code == 0, result.output
    park = run_in(lambda s: s.scalar(sa.select(ParkOperator)).park.code)
    assert park == "zizhu"


@pytest.mark.parametrize("args,message", [
    (["--role", "operator", "--park", "atlantis"], "No park has the code atlantis"),
    (["--role", "bank", "--password", "short"], "at least 10 characters"),
    (["--role", "wizard"], "Invalid value for '--role'"),
    (["--role", "bank", "--email", "nope"], "valid email"),
])
def test_bad_input_is_refused_and_writes_nothing(app, row_counts, args, message):
    before = row_counts()
    base = {"--email": "x@example.org", "--password": PASSWORD}
    for flag in args[::2]:
        base.pop(flag, None)
    argv = ["users", "create", *args, *[v for pair in base.items() for v in pair]]
    result = app.test_cli_runner().invoke(args=argv)
    assert result.exit_code != 0
    assert message in result.output
    assert row_counts() == before
