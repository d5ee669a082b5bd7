"""Packer templates (tree-sitter-hcl): the scripts each provisioner runs on the machine it
builds, through `locals` and `${path.root}`; a condition's operands and inline code are not
paths."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules

TEMPLATE = '''locals {
  base = [
    "${path.root}/prov/all/motd.sh",
  ]
  per_os = var.os == "alpine" ? ["${path.root}/prov/alpine/apk.sh"] : (
    var.os == "debian" || var.os == "mint" ? [
      "${path.root}/prov/${var.os}/net_${var.os}.sh",
    ] : []
  )
}

build {
  sources = ["source.qemu.vm"]
  provisioner "shell" {
    execute_command = "sudo -E sh '{{ .Path }}'"
    inline          = ["sh /tmp/prov/all/unused.sh"]
    scripts         = local.base
  }
  provisioner "shell" {
    scripts = local.per_os
  }
  provisioner "shell" {
    script = "prov/all/last.sh"
  }
  provisioner "file" {
    source      = "${path.root}/prov/all/agent.py"
    destination = "/tmp/agent.py"
  }
}
'''
PROV = {f"img/prov/{p}": "" for p in (
    "all/motd.sh", "all/unused.sh", "all/last.sh", "all/agent.py", "alpine/apk.sh",
    "debian/net_debian.sh", "mint/net_mint.sh", "alpine/net_alpine.sh", "debian/net_mint.sh")}


def test_provisioner_scripts_through_locals_and_path_root(tmp_path: Path) -> None:
    got = rules(tmp_path, {**PROV, "img/build.pkr.hcl": TEMPLATE}, "img/build.pkr.hcl")
    assert got == {
        (3, "img/prov/all/motd.sh", "packer", "packer-script>local", "certain", True),
        (5, "img/prov/alpine/apk.sh", "packer", "packer-script>local", "certain", True),
        # the branch runs for debian and mint only, and the folder and name agree
        (7, "img/prov/debian/net_debian.sh", "packer", "packer-script>local", "likely", True),
        (7, "img/prov/mint/net_mint.sh", "packer", "packer-script>local", "likely", True),
        # a relative path: where packer runs, the template's folder first
        (23, "img/prov/all/last.sh", "packer", "packer-script", "likely", True),
        (26, "img/prov/all/agent.py", "packer", "packer-file", "certain", True),
    }


def test_trap_inline_code_and_condition_operands_are_not_paths(tmp_path: Path) -> None:
    files = {**PROV, "img/build.pkr.hcl": TEMPLATE, "img/alpine": "#!/bin/sh\n"}
    targets = {row[1] for row in rules(tmp_path, files, "img/build.pkr.hcl")}
    assert "img/prov/all/unused.sh" not in targets  # runs on the machine, from its /tmp
    assert "img/alpine" not in targets  # `var.os == "alpine"` compares a word
