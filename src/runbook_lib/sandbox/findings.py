"""What a sandboxed run tried to do outside its copy: files left in $HOME or /tmp, and (from
strace, when installed) failed writes outside the copy and connections to the network."""

from __future__ import annotations

import re
from pathlib import Path

_CALL = re.compile(r'^\d+\s+(\w+)\((?:AT_FDCWD, |\d+, )?"([^"]*)"(.*)\) = -1 (E[A-Z]+)')
_NET = re.compile(r'^\d+\s+(connect|sendto|sendmsg)\(.*sa_family=(AF_INET6?).*?htons\((\d+)\).*?'
                  r'(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)").* = -1 (E[A-Z]+)')
_STDERR = {"Read-only file system": "write outside the copy", "Connection refused": "network",
           "Network is unreachable": "network", "name resolution": "network"}


def findings(strace: str | None, stderr: str, home: Path, tmp: Path,
             allowed: tuple[str, ...]) -> list[str]:
    """Attempts to write outside the copy or to reach the network, best evidence first."""
    found = [f"wrote in $HOME: {p}" for p in _listing(home)]
    found += [f"wrote in /tmp: {p}" for p in _listing(tmp)]
    if strace is None:  # no strace: what the script's own error messages admit
        return found + [f"{kind} (from stderr): {line.strip()}" for line in stderr.splitlines()
                        for text, kind in _STDERR.items() if text in line]
    for line in strace.splitlines():
        net, call = _NET.match(line), _CALL.match(line)
        if net:
            found.append(f"network: {net[1]} to {net[4] or net[5]}:{net[3]} refused ({net[6]})")
        elif call and _is_write(call[1], call[3]) and _outside(call[2], call[4], allowed):
            found.append(f"write outside the copy: {call[1]} {call[2]} ({call[4]})")
    return list(dict.fromkeys(found))


def _is_write(name: str, rest: str) -> bool:
    if name in ("open", "openat"):
        return any(flag in rest for flag in ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"))
    return name not in ("connect", "sendto", "sendmsg")


def _outside(path: str, error: str, allowed: tuple[str, ...]) -> bool:
    if error == "EEXIST" or path.startswith(("/dev/", "/proc/")):
        return False
    if not path.startswith("/"):  # relative to a working folder we do not know: trust EROFS
        return error == "EROFS"
    return not any(path == a or path.startswith(a + "/") for a in (*allowed, "/tmp"))


def _listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if not p.is_dir() or p.is_symlink())[:20]
