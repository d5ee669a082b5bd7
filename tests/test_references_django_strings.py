"""Django loads modules named by strings: the settings module of `os.environ.setdefault(
"DJANGO_SETTINGS_MODULE", ...)`, `include("pkg.urls")` in a URLconf, and in a settings module
(one that assigns INSTALLED_APPS) every dotted string of a top-level assignment that names a
repo module (ROOT_URLCONF, WSGI_APPLICATION, MIDDLEWARE, backends, a logging handler), plus
the `apps`, `models` and, with django.contrib.admin installed, `admin` modules of each
installed application. Rows are imports, `likely`. Healthchecks holds each form."""

from __future__ import annotations

from pathlib import Path

from conftest import live_rows

FILES = {
    "manage.py": ("#!/usr/bin/env python\nimport os\nimport sys\n\n"
                  "if __name__ == '__main__':\n"
                  "    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n"
                  "    from django.core.management import execute_from_command_line\n"
                  "    execute_from_command_line(sys.argv)\n"),
    "proj/__init__.py": "",
    "proj/settings.py": (
        "from pathlib import Path\n\nBASE_DIR = Path(__file__).parent\n"
        "INSTALLED_APPS = [\n    'django.contrib.admin',\n    'proj.shop',\n]\n"
        "MIDDLEWARE = ['proj.shop.middleware.Audit']\n"
        "ROOT_URLCONF = 'proj.urls'\n"
        "WSGI_APPLICATION = 'proj.wsgi.application'\n"
        "DATABASES = {'default': {'NAME': BASE_DIR / 'proj.sqlite'}}\n"
        "TEST_RUNNER = 'proj.missing.Runner'\n"),
    "proj/urls.py": ("from django.urls import include, path\n\n"
                     "urlpatterns = [path('', include('proj.shop.urls')),\n"
                     "               path('x/', include('templates/x.html'))]\n"),
    "proj/wsgi.py": "from django.core.wsgi import get_wsgi_application\n\n"
                    "application = get_wsgi_application()\n",
    "proj/config.py": "NAME = 'proj.shop.helpers'\n",
    "proj/shop/__init__.py": "",
    "proj/shop/apps.py": "X = 1\n",
    "proj/shop/models.py": "X = 1\n",
    "proj/shop/admin.py": "X = 1\n",
    "proj/shop/middleware.py": "class Audit:\n    pass\n",
    "proj/shop/urls.py": "urlpatterns = []\n",
    "proj/shop/helpers.py": "X = 1\n",
}


def _rows(tmp_path: Path) -> set[tuple[str, int, str, str]]:
    return live_rows(tmp_path, FILES)


def _got(rows: set[tuple[str, int, str, str]], source: str) -> set[tuple[int, str]]:
    return {(line, t) for s, line, t, rule in rows if s == source and rule.startswith("django")
            and not rule.endswith("+package")}


def test_the_settings_module_named_by_manage_py(tmp_path: Path) -> None:
    assert _got(_rows(tmp_path), "manage.py") == {(6, "proj/settings.py")}


def test_dotted_strings_and_installed_apps_of_a_settings_module(tmp_path: Path) -> None:
    got = _got(_rows(tmp_path), "proj/settings.py")
    assert got == {(6, "proj/shop/__init__.py"), (6, "proj/shop/apps.py"),
                   (6, "proj/shop/models.py"), (6, "proj/shop/admin.py"),
                   (8, "proj/shop/middleware.py"), (9, "proj/urls.py"), (10, "proj/wsgi.py")}


def test_a_file_name_and_a_missing_module_are_no_rows(tmp_path: Path) -> None:
    rows = _rows(tmp_path)
    # `BASE_DIR / 'proj.sqlite'`: not the package `proj`; `proj.missing.Runner`: no module
    assert not {t for s, line, t, _ in rows if s == "proj/settings.py" and line in (11, 12)}


def test_include_of_a_urlconf(tmp_path: Path) -> None:
    rows = _rows(tmp_path)
    assert _got(rows, "proj/urls.py") == {(3, "proj/shop/urls.py")}
    assert not {t for s, line, t, _ in rows if s == "proj/urls.py" and line == 4}


def test_dotted_strings_outside_a_settings_module_are_no_rows(tmp_path: Path) -> None:
    rows = _rows(tmp_path)
    assert not {t for s, _, t, _ in rows if s == "proj/config.py"}
    assert "proj/shop/helpers.py" not in {t for _, _, t, _ in rows}
