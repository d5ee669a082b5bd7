from __future__ import annotations

import pytest

from runbook_lib.similarity import python, shell
from runbook_lib.similarity.names import job_tokens
from runbook_lib.similarity.normalise import normalise


def test_shell_layout_does_not_matter() -> None:
    one = 'if [ -f x ]; then echo "yes"; else echo no; fi\nfor f in *; do rm "$f"; done\n'
    two = """# a comment
if [ -f x ]
then
    echo "yes"   # trailing comment
else
  echo no
fi

for f in *
do
\trm "$f"
done
"""
    assert normalise(one, "bash").t1_digest == normalise(two, "bash").t1_digest


def test_shell_comments_inside_strings_and_heredocs_are_kept() -> None:
    text = 'echo "a # b"\ncat <<EOF\n# not a comment\nEOF\necho ${#arr[@]}\n'
    st = shell.statements(text)
    assert st.t1 == ['echo "a # b"', "cat << EOF", "<< # not a comment", "echo ${#arr[@]}"]


def test_shell_blind_form_hides_names_and_literals_but_keeps_commands() -> None:
    a = 'TARGET_HOST="web-01"\nssh "$TARGET_HOST" "docker restart web"\nsleep 5\n'
    b = 'REMOTE="api-02"\nssh "$REMOTE" "docker restart api"\nsleep 10\n'
    c = 'REMOTE="api-02"\nscp "$REMOTE" "docker restart api"\nsleep 10\n'
    fa, fb, fc = normalise(a, "bash"), normalise(b, "bash"), normalise(c, "bash")
    assert fa.t1_digest != fb.t1_digest
    assert fa.blind_digest == fb.blind_digest
    assert fb.blind_digest != fc.blind_digest


def test_shell_functions_have_spans() -> None:
    st = shell.statements('log() { echo "$*" >&2; }\nfunction die {\n  log "$1"\n  exit 1\n}\n')
    assert [(name, st.t1[first], st.t1[last]) for name, first, last in st.functions] == [
        ("log", "log ( )", "}"), ("die", "die ( )", "}")]  # both spellings are one layout


def test_shell_broken_quoting_is_not_an_error() -> None:
    assert len(shell.statements('echo "unterminated\nls\n')) >= 1


def test_python_layout_comments_and_docstrings_do_not_matter() -> None:
    one = 'def f(a, b):\n    """Doc."""\n    if a: return b\n    return (a +\n            b)\n'
    two = "def f(a,b):  # c\n\n  if a:\n      return b\n  return (a + b)\n"
    assert normalise(one, "python").t1_digest == normalise(two, "python").t1_digest


def test_python_blind_keeps_imports_attributes_and_keywords() -> None:
    st = python.statements("import subprocess\nout = subprocess.run(cmd, check=True)\n")
    assert st.blind[1] == "0 V = subprocess . run ( V , check = True )"
    assert st.named[1] == "0 V = subprocess . run ( cmd , check = True )"  # cmd: not bound here
    assert "subprocess.run" in st.commands


def test_named_form_blinds_only_names_the_script_binds() -> None:
    one = 'HOST="${DEPLOY_HOST:-web-01}"\nssh "$HOST" uptime\nexport PORT=80\n'
    two = 'REMOTE="${DEPLOY_HOST:-web-01}"\nssh "$REMOTE" uptime\nexport PORT=80\n'
    env = 'HOST="${OTHER_HOST:-web-01}"\nssh "$HOST" uptime\nexport PORT=80\n'
    exported = 'HOST="${DEPLOY_HOST:-web-01}"\nssh "$HOST" uptime\nexport SERVICE_PORT=80\n'
    forms = [normalise(t, "bash") for t in (one, two, env, exported)]
    assert forms[0].named_digest == forms[1].named_digest  # a renamed copy
    # another environment variable read, or another name exported, is another behaviour
    assert forms[0].named_digest != forms[2].named_digest
    assert forms[0].named_digest != forms[3].named_digest
    assert len({f.blind_digest for f in forms}) == 1  # all variants of one another


def test_python_function_span_covers_the_body() -> None:
    st = python.statements("def f():\n    x = 1\n    return x\n\ny = f()\n")
    assert st.functions == [("f", 0, 2)]


def test_name_tokens_drop_separators_and_variant_words() -> None:
    assert job_tokens("build_all_images.sh") == ("build", "all", "images")
    assert job_tokens("build-all-images.sh") == ("build", "all", "images")
    assert job_tokens("build_all_images_simple.sh") == ("build", "all", "images")
    assert job_tokens("buildAllImages.py") == ("build", "all", "images")


SPRAWL = [
    'log() { echo "$*" >&2; }\nset -e\nfor x in a b; do\n  log "$x"\ndone\ncase "$1" in\n'
    '  a) echo a ;;\nesac\ncat <<EOF\nbody\nEOF\n',
    'set -e\nlog() {\n  echo "$*"\n}\nlog "x"\ncp "$SRC" /tmp/x\necho "done"\n',
    'cp "$SRC" /tmp/x\nfunction cp { command cp -v "$@"; }\ncp "$SRC" /tmp/x\n',
]
PYTHON_SPRAWL = [
    "import os\nx = os.path.join('a', 'b')\ndef f(a):\n    return a\nprint(f(x))\n",
    "x = os.path.join('a', 'b')\nimport os\nprint(x)\nclass A:\n    def m(self): pass\n",
]


def test_the_statement_cache_never_changes_a_result(monkeypatch: pytest.MonkeyPatch) -> None:
    from runbook_lib.similarity import python as py_mod
    from runbook_lib.similarity import words

    monkeypatch.setattr(words, "CACHE", 0)
    monkeypatch.setattr(shell, "_SEEN", {})
    monkeypatch.setattr(py_mod, "_SEEN", {})
    cold = [shell.statements(t) for t in SPRAWL] + [python.statements(t) for t in PYTHON_SPRAWL]
    monkeypatch.setattr(words, "CACHE", 1000)
    for _ in range(2):  # fill, then hit
        warm = [shell.statements(t) for t in SPRAWL] + [
            python.statements(t) for t in PYTHON_SPRAWL]
        assert warm == cold
