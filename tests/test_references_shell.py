"""Shell callers through tree-sitter-bash: one test per reference position and per trap."""

from __future__ import annotations

from pathlib import Path

from test_references_support import resolved, rules, scan_repo, targets, text

LIB = "#!/bin/bash\n"  # an extensionless library is a script by its shebang


def test_source_and_dot_take_their_argument(tmp_path: Path) -> None:
    files = {"lib/common.sh": "", "lib/paths": LIB, "run.sh": text("""
        source lib/common.sh
        . ./lib/paths
        source "$(dirname "$0")/lib/common.sh" --quiet
        """)}
    assert scan_repo(tmp_path, files, only="run.sh") == resolved(
        "run.sh", (1, "lib/common.sh"), (2, "lib/paths"), (3, "lib/common.sh"))


def test_command_word_that_is_a_path(tmp_path: Path) -> None:
    files = {"tools/check.sh": "", "run.sh": "./tools/check.sh -q\nFLAG=1 tools/check.sh\n"}
    assert scan_repo(tmp_path, files, only="run.sh") == resolved(
        "run.sh", (1, "tools/check.sh"), (2, "tools/check.sh"))


def test_bare_command_is_a_system_command_unless_the_repo_puts_it_on_path(tmp_path: Path) -> None:
    # line 1 is a system command that shares a repo file's name
    files = {"bin/opsctl": LIB, "files/cli/openstack": LIB, "run.sh": text("""
        openstack server list
        opsctl status
        export PATH="$(dirname "$0")/bin:$PATH"
        opsctl status
        """)}
    assert scan_repo(tmp_path, files, only="run.sh", deploy_roots=()) == resolved(
        "run.sh", (4, "bin/opsctl"))
    # a deploy root's bin/ folder is on PATH where the repo is deployed: likely there too
    assert (2, "bin/opsctl", "script", "command+PATH", "likely", True) in rules(
        tmp_path / "deployed", files, "run.sh")


def test_interpreters_and_wrappers_reach_the_script_argument(tmp_path: Path) -> None:
    files = {"s/a.sh": "", "s/b.py": "", "s/c.sh": "", "run.sh": text("""
        bash -ex s/a.sh arg
        sh s/c.sh
        zsh s/a.sh
        python3 -u s/b.py --x
        exec s/c.sh
        nohup s/a.sh > /dev/null 2>&1 &
        sudo -u app -E bash s/c.sh
        env A=B C=D s/a.sh
        timeout -k 5 30 s/c.sh
        nice -n 10 setsid stdbuf -oL s/a.sh
        flock -n /tmp/lock s/c.sh
        flock /tmp/lock -c 's/a.sh now'
        su app -c 's/c.sh'
        xargs -n1 s/a.sh < list
        watch -n 5 s/c.sh
        """)}
    assert targets(tmp_path, files, "run.sh") == {
        (1, "s/a.sh"), (2, "s/c.sh"), (3, "s/a.sh"), (4, "s/b.py"), (5, "s/c.sh"),
        (6, "s/a.sh"), (7, "s/c.sh"), (8, "s/a.sh"), (9, "s/c.sh"), (10, "s/a.sh"),
        (11, "s/c.sh"), (12, "s/a.sh"), (13, "s/c.sh"), (14, "s/a.sh"), (15, "s/c.sh"),
    }


def test_python_dash_m_runs_a_module_and_its_packages(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/cli/__init__.py": "", "pkg/cli/__main__.py": "",
             "pkg/job.py": "", "run.sh": "python3 -m pkg.job\npython -m pkg.cli --dry\n"}
    assert scan_repo(tmp_path, files, only="run.sh") == resolved(
        "run.sh", (1, "pkg/__init__.py"), (1, "pkg/job.py"), (2, "pkg/__init__.py"),
        (2, "pkg/cli/__init__.py"), (2, "pkg/cli/__main__.py"))


def test_ssh_remote_command_is_evidence_not_live(tmp_path: Path) -> None:
    files = {"deploy.sh": "", "run.sh": "ssh -p 22 app@host /opt/app/deploy.sh now\n"}
    assert rules(tmp_path, files, "run.sh") == {
        (1, "deploy.sh", "script", "ssh>command", "likely", False),
    }


def test_variables_local_readonly_export_declare_defaults(tmp_path: Path) -> None:
    files = {"tools/a.sh": "", "tools/b.sh": "", "tools/c.sh": "", "run.sh": text("""
        HERE="$(cd "$(dirname "$0")" && pwd)"
        f() { local T=$HERE/tools; $T/a.sh; }
        readonly B=$HERE/tools/b.sh
        $B
        declare -r C="${TOOL:-$HERE/tools/c.sh}"
        "$C"
        export D=$HERE/tools
        bash $D/a.sh
        """)}
    assert targets(tmp_path, files, "run.sh") == {
        (2, "tools/a.sh"), (4, "tools/b.sh"), (6, "tools/c.sh"), (8, "tools/a.sh"),
    }


def test_my_folder_forms_and_cd_pwd_chains(tmp_path: Path) -> None:
    files = {"lib/common.sh": "", "scripts/x/run.sh": text("""
        D1=$(cd "$(dirname "${BASH_SOURCE[0]}")" &>/dev/null && pwd -P)
        source $D1/../../lib/common.sh
        . "${BASH_SOURCE[0]%/*}/../../lib/common.sh"
        TOP=$(cd $(dirname "$0")/../.. && pwd)
        source $TOP/lib/common.sh
        """)}
    assert scan_repo(tmp_path, files, only="scripts/x/run.sh") == resolved(
        "scripts/x/run.sh", (2, "lib/common.sh"), (3, "lib/common.sh"), (5, "lib/common.sh"))


def test_climbing_above_the_root_and_back_in_by_the_repo_folder_name(tmp_path: Path) -> None:
    # the fixture's checkout folder is called `repo` (test_references_support)
    files = {"openrc": LIB, "tools/verify.sh": (
        'TOP_DIR=$(cd $(dirname "$0")/../../repo && pwd)\n'
        "source $TOP_DIR/openrc\n"
    )}
    assert scan_repo(tmp_path, files, only="tools/verify.sh") == resolved(
        "tools/verify.sh", (2, "openrc"))


def test_a_library_sees_the_variables_its_sourcing_callers_set(tmp_path: Path) -> None:
    files = {
        "stack.sh": 'TOP_DIR=$(cd $(dirname "$0") && pwd)\nsource $TOP_DIR/lib/nova\n',
        "unstack.sh": 'TOP_DIR=$(cd $(dirname "$0") && pwd)\nsource $TOP_DIR/lib/nova\n',
        "lib/nova": LIB + "source $TOP_DIR/lib/nova_plugins/functions\n"
                    "$PYTHON $TOP_DIR/tools/nova_stats.py\n",
        "lib/nova_plugins/functions": LIB + "source $TOP_DIR/lib/common\n",
        "lib/common": LIB, "tools/nova_stats.py": "",
    }
    rows = scan_repo(tmp_path, files)
    assert ("lib/nova", 2, "lib/nova_plugins/functions", "resolved", True) in rows
    assert ("lib/nova", 3, "tools/nova_stats.py", "resolved", True) in rows
    assert ("lib/nova_plugins/functions", 2, "lib/common", "resolved", True) in rows


def test_callers_that_disagree_give_a_library_nothing(tmp_path: Path) -> None:
    files = {
        "a/run.sh": 'ROOT=$(dirname "$0")\nsource $ROOT/../lib/x.sh\n',
        "b/run.sh": 'ROOT=$(dirname "$0")\nsource $ROOT/../lib/x.sh\n',
        "lib/x.sh": "source $ROOT/helper.sh\n", "a/helper.sh": "", "b/helper.sh": "",
    }
    assert not {r for r in scan_repo(tmp_path, files) if r[0] == "lib/x.sh"}


def test_glob_loops_and_plugin_folders_give_likely_rows(tmp_path: Path) -> None:
    files = {"tests/test_a.sh": "", "tests/test_b.sh": "", "tests/helper.sh": "",
             "lib/backends/lvm": LIB, "lib/backends/nfs": LIB, "run.sh": text("""
                 for t in tests/test_*.sh; do $t; done
                 BACKENDS=$(dirname $0)/lib/backends
                 source $BACKENDS/$DRIVER
                 """)}
    assert rules(tmp_path, files, "run.sh") == {
        (1, "tests/test_a.sh", "script", "command+glob", "likely", True),
        (1, "tests/test_b.sh", "script", "command+glob", "likely", True),
        (3, "lib/backends/lvm", "script", "source+variable", "likely", True),
        (3, "lib/backends/nfs", "script", "source+variable", "likely", True),
    }


def test_a_default_the_caller_may_override_reaches_every_fitting_file(tmp_path: Path) -> None:
    files = {"lib/drv/ceph": LIB, "lib/drv/swift": LIB, "run.sh": (
        "DRV=${DRV:-ceph}\nsource $(dirname $0)/lib/drv/$DRV\n")}
    assert rules(tmp_path, files, "run.sh") == {
        (2, "lib/drv/ceph", "script", "source", "certain", True),
        (2, "lib/drv/swift", "script", "source+default", "likely", True),
    }


def test_a_default_that_names_one_script_reaches_only_that_script(tmp_path: Path) -> None:
    files = {"setup/10_os.sh": "", "setup/20_conf.sh": "", "setup/30_check.sh": "",
             "setup/run.sh": (
                 'BIN="$(cd "$(dirname "${BASH_SOURCE[0]}")"; pwd -P)"\n'
                 'export STEP=${STEP:-"20_conf.sh"}\n'
                 "${BIN}/${STEP} --now\n")}
    assert rules(tmp_path, files, "setup/run.sh") == {
        (3, "setup/20_conf.sh", "script", "command", "certain", True),
    }


def test_a_function_that_runs_its_arguments(tmp_path: Path) -> None:
    files = {"jobs/lib.sh": 'with_lock() { name="$1"; shift; flock -n "/tmp/$name" "$@"; }\n',
             "jobs/rotate.sh": "", "jobs/nightly.sh": (
                 '. "$(dirname "$0")/lib.sh"\n'
                 'with_lock rotate "$(dirname "$0")/rotate.sh"\n')}
    assert rules(tmp_path, files, "jobs/nightly.sh") == {
        (1, "jobs/lib.sh", "script", "source", "certain", True),
        (2, "jobs/rotate.sh", "script", "function:with_lock", "likely", True),
    }


def test_command_kept_in_a_variable_and_bash_dash_c(tmp_path: Path) -> None:
    files = {"tools/ping.sh": "", "functions": LIB, "t/run.sh": text("""
        TOP=$(cd $(dirname "$0")/.. && pwd)
        cmd="$TOP/tools/ping.sh net1"
        $cmd host
        bash -c "source $TOP/functions; X=\\$(f \\$Y)"
        eval "$TOP/tools/ping.sh"
        """)}
    assert targets(tmp_path, files, "t/run.sh") == {
        (3, "tools/ping.sh"), (4, "functions"), (5, "tools/ping.sh"),
    }


def test_command_substitution_and_process_substitution_run(tmp_path: Path) -> None:
    files = {"scripts/v.py": "", "tools/f.py": "", "run.sh": (
        'version="$(python3 scripts/v.py current)"\n'
        "exec 6> >( python3 tools/f.py -o x )\n")}
    assert scan_repo(tmp_path, files, only="run.sh") == resolved(
        "run.sh", (1, "scripts/v.py"), (2, "tools/f.py"))


def test_cd_moves_the_working_folder_until_the_subshell_ends(tmp_path: Path) -> None:
    files = {"x.sh": "", "tools/x.sh": "", "scripts/x.sh": "", "scripts/deploy/x.sh": "",
             "scripts/run.sh": text("""
                 ./x.sh
                 (cd deploy && ./x.sh)
                 (cd ../tools; ./x.sh)
                 ./x.sh
                 """),
             "scripts/later.sh": text("""
                 cd deploy || exit 1
                 ./x.sh
                 cd /tmp && ./x.sh
                 """)}
    assert scan_repo(tmp_path, files, only=None) >= resolved(
        "scripts/run.sh", (1, "scripts/x.sh"), (2, "scripts/deploy/x.sh"), (3, "tools/x.sh"),
        (4, "scripts/x.sh")) | resolved("scripts/later.sh", (2, "scripts/deploy/x.sh"))
    # after `cd /tmp` a relative path is not the repo's: no row, not even a dangling one
    assert not {r for r in scan_repo(tmp_path / "again", files) if r[:2] == ("scripts/later.sh", 3)}


def test_a_relative_path_tries_the_folders_above_the_script(tmp_path: Path) -> None:
    # run from svc/: svc/scripts/b.sh, not the root scripts/b.sh
    files = {"svc/scripts/a.sh": "bash scripts/b.sh\n", "svc/scripts/b.sh": "",
             "scripts/b.sh": ""}
    assert rules(tmp_path, files, "svc/scripts/a.sh") == {
        (1, "svc/scripts/b.sh", "script", "bash", "likely", True),
    }


def test_missing_script_in_a_reference_position_is_dangling(tmp_path: Path) -> None:
    # line 4 names another project's checkout: unknown, no row
    files = {"run.sh": text("""
        ./gone.sh --now
        SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
        "$SCRIPT_DIR/notify.sh"
        $OTHER_CHECKOUT/tools/gen.sh
        """)}
    assert scan_repo(tmp_path, files, only="run.sh") == {
        ("run.sh", 1, "./gone.sh", "missing", True),
        ("run.sh", 3, "$SCRIPT_DIR/notify.sh", "missing", True),
    }


# Traps: words that look like script names but are not in a reference position.


def test_trap_service_names_and_ini_arguments(tmp_path: Path) -> None:
    files = {"lib/nova": LIB, "lib/database": LIB, "run.sh": text("""
        if is_service_enabled nova; then stop_service nova; fi
        iniset $CONF database connection nova
        setup_lib "nova"
        """)}
    assert scan_repo(tmp_path, files, only="run.sh") == set()


def test_trap_compares_case_patterns_and_regexes(tmp_path: Path) -> None:
    files = {"lib/stack": LIB, "update.sh": "", "run.sh": text("""
        [[ "$1" == "stack" ]] && echo yes
        if [ "$caller" = "update.sh" ]; then :; fi
        case $x in stack|update.sh) : ;; esac
        [[ $list =~ "stack" ]]
        """)}
    assert scan_repo(tmp_path, files, only="run.sh") == set()


def test_trap_echo_printf_and_messages(tmp_path: Path) -> None:
    files = {"lib/host": LIB, "tool.sh": "", "run.sh": text("""
        echo "Running tool.sh now"
        printf '%s\\n' tool.sh
        die $LINENO "could not find host address"
        log_f "tool.sh binary not found"
        """)}
    assert scan_repo(tmp_path, files, only="run.sh") == set()


def test_trap_assignment_values_that_never_run(tmp_path: Path) -> None:
    files = {"lib/horizon": LIB, "mvnd.sh": "", "run.sh": text("""
        STACK_USER=stack
        ENABLED_SERVICES+=,horizon
        MVN_CMD=mvnd.sh
        MAP["horizon"]=$DEST/horizon
        """)}
    assert scan_repo(tmp_path, files, only="run.sh") == set()


def test_trap_comments(tmp_path: Path) -> None:
    files = {"build.sh": "", "run.sh": "# ./build.sh is retired\n: # build.sh\n"}
    assert scan_repo(tmp_path, files, only="run.sh") == set()


def test_trap_process_patterns_chmod_and_file_tests(tmp_path: Path) -> None:
    files = {"monitor.sh": "", "check.py": "", "run.sh": text("""
        pkill -f "monitor.sh"
        pgrep -f check.py
        ps aux | grep monitor.sh | grep -v grep
        chmod +x ./monitor.sh
        if [ -x "$(dirname "$0")/monitor.sh" ]; then :; fi
        sed -i s/a/b/ check.py
        git diff --name-only -- monitor.sh
        """)}
    assert scan_repo(tmp_path, files, only="run.sh") == set()


def test_trap_writing_a_file_is_no_reference(tmp_path: Path) -> None:
    files = {"state.sh": "", "run.sh": text("""
        cat << EOF >> "./state.sh"
        X=1
        EOF
        """)}
    assert scan_repo(tmp_path, files, only="run.sh") == set()


def test_trap_paths_inside_an_upstream_clone(tmp_path: Path) -> None:
    files = {"scripts/build.sh": "", "run.sh": "git clone https://h/p /src/p && cd /src/p && "
                                               "scripts/build.sh\n"}
    assert scan_repo(tmp_path, files, only="run.sh") == set()


def test_an_installer_that_clones_its_own_repo_runs_the_clone(tmp_path: Path) -> None:
    # the repo folder is `repo` (test_references_support): a clone of `.../repo.git` into an
    # absolute folder is this repo there, for the rest of the file, and every row after the
    # clone is likely (the clone may be of another branch)
    files = {"setup.sh": "", "tools/check.sh": "", "install.sh": text("""
        #!/bin/bash
        INSTALL_DIR="${APP_INSTALL_DIR:-/var/app}"
        REPO_URL="https://example.com/acme/repo.git"
        ./tools/check.sh
        fetch() {
          git clone --depth=1 --branch "$BRANCH" "$REPO_URL" "$INSTALL_DIR"
        }
        start() {
          cd "$INSTALL_DIR"
          "$INSTALL_DIR/tools/check.sh" --quick
          exec ./setup.sh "$@"
        }
        fetch
        start
    """)}
    assert rules(tmp_path, files, "install.sh") == {
        (4, "tools/check.sh", "script", "command", "certain", True),
        (10, "tools/check.sh", "script", "command", "likely", True),
        (11, "setup.sh", "script", "exec", "likely", True),
    }


def test_a_clone_made_with_sudo_and_a_cron_line_written_after_it(tmp_path: Path) -> None:
    files = {"backup.sh": "", "setup.sh": "", "install.sh": text("""
        #!/bin/bash
        sudo -u app git clone https://example.com/acme/repo.git /srv/app
        /srv/app/setup.sh
        cat > /etc/cron.d/app <<EOF
        0 3 * * * app /srv/app/backup.sh
        EOF
    """)}
    assert {(line, target, confidence) for line, target, _, _, confidence, _
            in rules(tmp_path, files, "install.sh")} == {
        (3, "setup.sh", "likely"), (5, "backup.sh", "likely")}


def test_trap_a_clone_of_another_repo_into_a_folder(tmp_path: Path) -> None:
    # another name; the repo's own name but not its origin (a namesake); a mirror
    files = {"setup.sh": "", "install.sh": text("""
        #!/bin/bash
        git clone https://example.com/acme/other.git /var/app
        cd /var/app && ./setup.sh
        git clone git@example.com:someone/repo.git /opt/theirs
        sh /opt/theirs/setup.sh
        git clone --mirror https://example.com/acme/repo.git /srv/mirror
        sh /srv/mirror/setup.sh
    """)}
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "config").write_text(
        '[core]\n\tbare = false\n[remote "origin"]\n\turl = https://example.com/acme/repo.git\n')
    assert rules(tmp_path, files, "install.sh") == set()


# Files a script writes.


def test_heredoc_echo_and_tee_that_write_a_crontab_or_a_unit(tmp_path: Path) -> None:
    files = {"scripts/backup.sh": "", "scripts/check.sh": "", "scripts/clean.sh": "",
             "install.sh": text("""
                 cat > /etc/cron.d/app <<'EOF'
                 15 2 * * * root /opt/app/scripts/backup.sh
                 EOF
                 (crontab -l; echo "*/5 * * * * /opt/app/scripts/check.sh") | crontab -
                 sudo tee /etc/systemd/system/clean.service <<EOF
                 [Service]
                 ExecStart=/opt/app/scripts/clean.sh
                 EOF
                 """)}
    assert rules(tmp_path, files, "install.sh") == {
        (2, "scripts/backup.sh", "cron", "written-crontab>command", "likely", True),
        (4, "scripts/check.sh", "cron", "written-crontab>command", "likely", True),
        (7, "scripts/clean.sh", "systemd", "written-unit>command", "likely", True),
    }


def test_heredoc_that_writes_a_script_and_one_fed_to_a_shell(tmp_path: Path) -> None:
    files = {"scripts/vacuum.sh": "", "scripts/fix.sh": "", "install.sh": text("""
        cat > /usr/local/bin/pg-vacuum <<'EOF'
        #!/bin/sh
        exec /opt/app/scripts/vacuum.sh "$@"
        EOF
        bash <<EOF
        /opt/app/scripts/fix.sh
        EOF
        """)}
    assert rules(tmp_path, files, "install.sh") == {
        (3, "scripts/vacuum.sh", "script", "written-script>exec", "likely", True),
        (6, "scripts/fix.sh", "script", "heredoc-shell>command", "likely", True),
    }


def test_gcloud_runs_a_module_or_a_cloud_function(tmp_path: Path) -> None:
    files = {"trainer/__init__.py": "", "trainer/task.py": "", "fn/main.py": "", "main.py": "",
             "deploy.sh": text("""
                 gcloud ai-platform jobs submit training j --module-name trainer.task
                 gcloud functions deploy sync --source fn --runtime python311
                 gcloud beta functions deploy other --trigger-http
                 """)}
    assert targets(tmp_path, files, "deploy.sh") == {
        (1, "trainer/__init__.py"), (1, "trainer/task.py"), (2, "fn/main.py"), (3, "main.py")}
