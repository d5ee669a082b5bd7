"""The shell lexicon: one token regular expression and the word classes statements need.

Double quotes and `$( )` nest two levels deep, with possessive quantifiers so that broken
quoting cannot make the expression backtrack; a lone quote becomes a token of its own.
"""

from __future__ import annotations

import re

_SQ = r"'[^']*+'"
_BT = r"`(?:[^`\\]|\\.)*+`"
_BRACE = r"\$\{[^}\n]*+\}"


def _dq(depth: int) -> str:
    sub = _cmdsub(depth - 1) + "|" if depth > 0 else ""
    return r'"(?:[^"\\`$]|\\.|' + sub + _BRACE + r"|\$|" + _BT + r')*+"'


def _cmdsub(depth: int) -> str:
    inner = _dq(depth)
    paren = r"\((?:[^()'\"]|" + _SQ + "|" + inner + r")*+\)"
    return r"\$\((?:[^()'\"`\\]|\\.|" + "|".join((_SQ, inner, _BT, paren)) + r")*+\)"


_COMMON = "|".join((r"\\.", _BRACE, _cmdsub(2), r"\$", _SQ, _dq(2), _BT))
_WORD = r"(?:[^\s'\"`;&|()<>\\$#]|" + _COMMON + r")(?:[^\s'\"`;&|()<>\\$]|" + _COMMON + r")*+"
_OP = r";;&?|;&|&&|\|\||\|&|>>|<<<|<<-|<<|<>|<&|>&|>\||&>>|&>|[;&|()<>]"
TOKEN = re.compile(
    r"(?:[ \t\r\f\v]|\\\n)*+(?:(?P<nl>\n)|(?P<c>#[^\n]*+)|(?P<op>" + _OP + r")|(?P<w>" + _WORD
    + r")|(?P<bad>.))",
    re.S,
)
HEREDOC = re.compile(r"(?<!<)<<(-?)[ \t]*(?:'([^'\n]*)'|\"([^\"\n]*)\"|\\?([A-Za-z_][\w.-]*))")
FUNC_DEF = re.compile(
    r"^[ \t]*(?:function[ \t]+([A-Za-z_][\w:.-]*)|([A-Za-z_][\w:.-]*)[ \t]*\([ \t]*\))", re.M
)
HEADER = re.compile(r"(?:function )?([^ ]+)(?: \( \))?")
ASSIGN = re.compile(r"[A-Za-z_]\w*(?:\[[^\]]*\])?\+?=")

OPENERS = frozenset({"then", "do", "else", "{"})
CLOSERS = frozenset({"fi", "done", "esac", "}"})
KEEP_CMDPOS = frozenset({"if", "elif", "while", "until", "!", "time"})
KEYWORDS = OPENERS | CLOSERS | KEEP_CMDPOS | {"for", "select", "case", "function", "coproc"}
SEPARATORS = frozenset({"&&", "||", "|", "|&", "(", "!"})
STATEFUL = frozenset({"case", "esac", "{", "}", "function", "coproc"})
BINDERS = frozenset({"for", "select", "local", "export", "declare", "readonly", "typeset", "read"})
REDIRECTS = frozenset({">", ">>", "<", "<>", ">|", "&>", "&>>", "<&", ">&", "<<<", "<<", "<<-"})
# dispatching tools whose first argument says what they do: "docker build", "systemctl restart"
DISPATCHERS = frozenset({
    "docker", "docker-compose", "kubectl", "helm", "git", "systemctl", "service", "aws",
    "gcloud", "az", "terraform", "npm", "yarn", "pip", "pip3", "apt-get", "apt", "yum", "dnf",
    "make", "ansible-playbook", "consul", "vault", "nomad", "supervisorctl", "podman",
})
