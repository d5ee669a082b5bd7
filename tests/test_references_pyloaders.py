"""Python that loads every module of a folder by path (`scandir` + `spec_from_file_location`),
and a relative import that only an image's layout makes valid."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, scan_repo, text

LOADER = text('''
    import importlib.util
    import sys
    from os import scandir


    def _load(name, path, into):
        spec = importlib.util.spec_from_file_location("", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        into.append(module)


    def read_settings(settings_dir, main):
        loaded = []
        with scandir(settings_dir) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_file() and entry.name.endswith(".py"):
                    _load(entry.name, entry.path, loaded)
        return loaded


    _settings = read_settings(
        settings_dir="/etc/shop/settings/",
        main="base",
    )
    ''')
SERVICE = {
    "Dockerfile": text("""
        FROM python:3.12-slim
        COPY docker/settings.docker.py /opt/shop/shop/settings.py
        COPY docker/ldap.docker.py /opt/shop/shop/ldap.py
        COPY settings/ /etc/shop/settings/
        CMD ["gunicorn", "shop.wsgi"]
        """),
    "docker-compose.yml": text("""
        services:
          shop:
            build: .
            volumes:
              - ./test-settings/test_base.py:/etc/shop/settings/test_base.py:ro
        """),
    "docker/settings.docker.py": LOADER,
    "docker/ldap.docker.py": text('''
        from .settings import read_settings

        _ldap = read_settings(
            settings_dir="/etc/shop/settings/ldap/",
            main="ldap_base",
        )
        '''),
    "settings/base.py": "DEBUG = False\n",
    "settings/extra.py": "EXTRA = {}\n",
    "settings/__init__.py": "",
    "settings/ldap/ldap_base.py": "LDAP_URI = ''\n",
    "test-settings/test_base.py": "DEBUG = True\n",
}


def test_a_folder_loader_loads_every_module_of_the_folder_it_is_handed(tmp_path: Path) -> None:
    got = rules(tmp_path, SERVICE, "docker/settings.docker.py")
    loaded = {(line, target) for line, target, kind, rule, sure, live in got
              if rule == "folder-loader" and kind == "import" and sure == "likely" and live}
    assert loaded == {(22, "settings/base.py"), (22, "settings/extra.py"),
                      (22, "test-settings/test_base.py")}, got


def test_an_imported_loader_and_a_relative_import_made_valid_by_the_image(
        tmp_path: Path) -> None:
    got = rules(tmp_path, SERVICE, "docker/ldap.docker.py")
    assert got == {
        (1, "docker/settings.docker.py", "import", "import-relative+image", "likely", True),
        (3, "settings/ldap/ldap_base.py", "import", "folder-loader", "likely", True)}, got


# traps: a function that scans a folder and only reads its files, one that loads a single path,
# an imported function that is no loader, a relative import no layout makes valid
NOT_LOADERS = {
    "Dockerfile": "FROM python:3.12-slim\nCOPY app/ /opt/app/\nCOPY settings/ /etc/app/s/\n",
    "app/readers.py": text('''
        import importlib.util
        import os


        def read_all(folder):
            return [open(os.path.join(folder, n)).read() for n in os.listdir(folder)]


        def load_one(path):
            spec = importlib.util.spec_from_file_location("one", path)
            return spec


        def plain(folder):
            return folder
        '''),
    "app/main.py": text('''
        from readers import load_one, plain, read_all
        from .missing import thing

        read_all("/etc/app/s/")
        load_one("/etc/app/s/")
        plain("/etc/app/s/")
        '''),
    "settings/base.py": "DEBUG = False\n",
}


def test_functions_that_do_not_load_a_folder_give_no_rows(tmp_path: Path) -> None:
    got = scan_repo(tmp_path, NOT_LOADERS, only="app/main.py")
    assert {t for _, _, t, _, _ in got} == {"app/readers.py"}, got
