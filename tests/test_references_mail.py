"""Programs a mail server runs by a path or name that a non-shell text hands it: a `|command`
delivery in an aliases file a script writes, a Sieve filter's `pipe "name"`. Rows only where
the image that holds the text installs a repo script there, and only `likely`."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, text

RELAY = {
    "relay/Dockerfile": text("""
        FROM debian:12
        COPY boot.sh /opt/boot.sh
        COPY learn-ham /usr/local/bin/learn-ham
        COPY learn-spam /usr/local/bin/learn-spam
        CMD ["/opt/boot.sh"]
        """),
    "relay/boot.sh": text("""
        #!/bin/bash
        cat <<EOF > /etc/aliases
        # written at start
        devnull: /dev/null
        ham: "|/usr/local/bin/learn-ham --verbose"
        archive: root, |/usr/bin/procmail
        EOF
        echo 'spam: "|/usr/local/bin/learn-spam"' >> /etc/postfix/aliases
        newaliases
        """),
    "relay/learn-ham": "#!/bin/bash\ncurl -s --data-binary @- http://filter:11334/learnham\n",
    "relay/learn-spam": "#!/bin/bash\ncurl -s --data-binary @- http://filter:11334/learnspam\n",
}


def test_pipe_deliveries_of_a_written_aliases_file_run_the_installed_scripts(
        tmp_path: Path) -> None:
    """The `|/usr/bin/procmail` delivery names a program the repo does not hold: no row."""
    assert rules(tmp_path, RELAY, "relay/boot.sh") == {
        (5, "relay/learn-ham", "script", "written-aliases>command", "likely", True),
        (8, "relay/learn-spam", "script", "written-aliases>command", "likely", True)}


def test_an_aliases_text_written_elsewhere_is_data(tmp_path: Path) -> None:
    boot = RELAY["relay/boot.sh"].replace("> /etc/aliases", "> /tmp/aliases.txt").replace(
        ">> /etc/postfix/aliases", ">> /tmp/notes")
    assert rules(tmp_path, {**RELAY, "relay/boot.sh": boot}, "relay/boot.sh") == set()


def test_a_heredoc_redirected_after_its_start_writes_the_named_file(tmp_path: Path) -> None:
    """`cat <<EOF > /etc/cron.d/x`: the redirect written after the heredoc start."""
    files = {"ops/install.sh": text("""
                 #!/bin/bash
                 cat <<EOF > /etc/cron.d/nightly
                 15 3 * * * root /opt/app/ops/nightly.sh
                 EOF
                 """),
             "ops/nightly.sh": "#!/bin/bash\necho nightly\n"}
    assert rules(tmp_path, files, "ops/install.sh") == {
        (3, "ops/nightly.sh", "cron", "written-crontab>command", "likely", True)}


IMAP = {
    "imap/Dockerfile": text("""
        FROM debian:12
        COPY report-spam.sieve /usr/lib/dovecot/sieve/report-spam.sieve
        COPY train-spam /usr/lib/dovecot/sieve/train-spam
        COPY train-ham /usr/local/libexec/sieve/train-ham
        COPY on-move.sieve /etc/dovecot/sieve/on-move.sieve
        """),
    "imap/report-spam.sieve": text("""
        require ["vnd.dovecot.pipe", "copy"];
        # pipe :copy "train-ham"; is the other folder's
        pipe :copy "train-spam";
        pipe "sa-learn";
        """),
    "imap/on-move.sieve": 'require ["vnd.dovecot.pipe"];\npipe :try "train-ham";\n',
    "imap/train-spam": "#!/bin/bash\nexec rspamc learn_spam\n",
    "imap/train-ham": "#!/bin/bash\nexec rspamc learn_ham\n",
}


def test_a_sieve_pipe_runs_the_script_installed_beside_the_filter(tmp_path: Path) -> None:
    """`sa-learn` is a program no repo file is installed as; the comment names nothing."""
    assert rules(tmp_path, IMAP, "imap/report-spam.sieve") == {
        (3, "imap/train-spam", "config", "sieve-pipe", "likely", True)}


def test_a_sieve_pipe_searches_the_folder_the_servers_setting_names(tmp_path: Path) -> None:
    files = {**IMAP, "conf/dovecot/plugins.conf": text("""
        plugin {
          sieve_plugins = sieve_imapsieve sieve_extprograms
          sieve_pipe_bin_dir = /usr/local/libexec/sieve
        }
        """)}
    assert rules(tmp_path, IMAP, "imap/on-move.sieve") == set()
    assert rules(tmp_path / "set", files, "imap/on-move.sieve") == {
        (2, "imap/train-ham", "config", "sieve-pipe", "likely", True)}


def test_a_sieve_filter_no_image_holds_names_no_script(tmp_path: Path) -> None:
    files = {**IMAP, "docs/examples/spam.sieve": 'pipe :copy "train-spam";\n'}
    assert rules(tmp_path, files, "docs/examples/spam.sieve") == set()
