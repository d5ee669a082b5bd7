from __future__ import annotations

from pathlib import Path

import pytest

from runbook_lib.core.errors import BadInput
from runbook_lib.sandbox.cases import Case, for_scripts, load_cases, parse_cases, probe_case

GOOD = """\
cases:
  - script: tools/echo_args.sh
    args: [one, 2]
    env: {MODE: test, LEVEL: 3}
    stdin: "line\\n"
    files: {input/data.txt: "a,b\\n"}
    timeout: 5
    expect_exit: 3
  - name: plain
    script: ./jobs/run.sh
"""


def test_full_case_is_read_with_types(tmp_path: Path) -> None:
    (tmp_path / "runbook-cases.yaml").write_text(GOOD, "utf-8")
    first, second = load_cases(tmp_path / "runbook-cases.yaml")
    assert first == Case("tools/echo_args.sh", ("one", "2"), {"MODE": "test", "LEVEL": "3"},
                         "line\n", {"input/data.txt": "a,b\n"}, 5.0, 3,
                         "tools/echo_args.sh#1")
    assert (second.script, second.name, second.args, second.expect_exit) == (
        "jobs/run.sh", "plain", (), None)


def test_a_plain_list_and_a_missing_file_are_accepted(tmp_path: Path) -> None:
    assert [c.script for c in parse_cases([{"script": "a.sh"}], "x")] == ["a.sh"]
    assert load_cases(tmp_path / "absent.yaml") == []
    assert parse_cases(None, "x") == []


@pytest.mark.parametrize(("data", "message"), [
    ({"script": "a.sh"}, "expected a list of cases"),
    (["a.sh"], "case 1: must be a mapping"),
    ([{"args": []}], "case 1: `script`"),
    ([{"script": "/etc/passwd"}], "must stay inside the repo"),
    ([{"script": "../x.sh"}], "must stay inside the repo"),
    ([{"script": "a.sh", "argv": []}], r"unknown key\(s\) argv"),
    ([{"script": "a.sh", "args": "one two"}], "args must be a list"),
    ([{"script": "a.sh", "args": [[1]]}], r"args\[0\] must be a string"),
    ([{"script": "a.sh", "env": ["A=1"]}], "env must be a mapping"),
    ([{"script": "a.sh", "files": {"../../x": "y"}}], "files name must stay inside"),
    ([{"script": "a.sh", "timeout": 0}], "timeout must be between"),
    ([{"script": "a.sh", "timeout": "5s"}], "timeout must be a number"),
    ([{"script": "a.sh", "expect_exit": 300}], "expect_exit must be an exit code"),
    ([{"script": "a.sh", "expect_exit": True}], "expect_exit must be an exit code"),
    ([{"script": "a.sh", "name": "n"}, {"script": "b.sh", "name": "n"}], "unique; repeated: n"),
])
def test_bad_cases_get_one_line_errors(data: object, message: str) -> None:
    with pytest.raises(BadInput, match=message) as caught:
        parse_cases(data, "runbook-cases.yaml")
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith("runbook-cases.yaml")


def test_invalid_yaml_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("- script: [unclosed\n", "utf-8")
    with pytest.raises(BadInput, match="not valid YAML") as caught:
        load_cases(path)
    assert "\n" not in str(caught.value)


def test_selection_and_probe_cases() -> None:
    cases = parse_cases([{"script": "a.sh"}, {"script": "b.sh"}], "x")
    assert [c.script for c in for_scripts(cases, {"b.sh"})] == ["b.sh"]
    probe = probe_case("c.sh", 2)
    assert probe.probe and probe.args == () and probe.timeout == 2.0
