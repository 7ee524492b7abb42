"""Languages of the desktop UI: Qt translators, switchable at run time.

NOTE FOR EVERY UI MODULE (read this first):
  * Source strings are CHINESE (zh_CN), written in ``self.tr("新建申请")`` or
    ``QCoreApplication.translate("Context", "…")``. Chinese is the default and
    needs no translation file, so a missing ``.qm`` can never show English to a
    village cadre; English comes from ``resources/translations/workstation_en.ts``
    compiled to ``workstation_en.qm``.
  * Counts use Qt's plural form: ``self.tr("%n 件", "", n)``.
  * Set texts in a ``retranslate()`` method called from ``__init__`` and from
    ``changeEvent`` on ``QEvent.LanguageChange``: switching language installs a
    new translator and Qt sends that event to every widget, so open work stays.
  * After adding strings run ``scripts/update-translations.sh`` (pyside6-lupdate,
    then fill ``<translation>`` in the .ts with Qt Linguist or by hand, then
    pyside6-lrelease). See docs/ui.md.
  * Messages from the core (errors) come already in the current language
    through ``workstation.i18n.t``; :func:`install_language` switches that too.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from workstation import i18n

SETTING_KEY = "ui.language"
LANGUAGES = [("zh_CN", "中文"), ("en", "English")]  # each named in itself: never translated
APP_CATALOG = "workstation"

# Translation contexts of the shell's modules; the tests check they are fully translated.
SHELL_CONTEXTS = ("AccountDialog", "CaseListModel", "CaseListPage", "Curtain", "FirstRunPage",
                  "LockDialog", "LoginPage", "MainWindow", "SettingsDialog", "SyncAdvice",
                  "SyncIndicator", "SyncPanel", "SyncState", "SyncStep", "UsersDialog", "_Missing")

_installed: list[QTranslator] = []


def translations_dir() -> Path:
    from ui.theme import resource_dir

    return resource_dir() / "translations"


def normalize(lang: str | None) -> str:
    return "en" if (lang or "").lower().startswith("en") else "zh_CN"


def _load(name: str, folders: list[Path]) -> QTranslator | None:
    for folder in folders:
        translator = QTranslator()
        if translator.load(name, str(folder)):
            return translator
    return None


def install_language(lang: str | None) -> str:
    """Make ``lang`` the language of Qt, our widgets and the core; return it normalized.

    Qt sends ``LanguageChange`` to every widget when translators change, and
    widgets re-set their texts, so this works with windows open.
    """
    lang = normalize(lang)
    app = QCoreApplication.instance()
    i18n.set_language(lang)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China)
                       if lang == "zh_CN" else QLocale(QLocale.Language.English))
    if app is None:
        return lang
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    ours = [translations_dir()]
    qt_dirs = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)), *ours]
    wanted = [(f"qtbase_{lang}", qt_dirs)]  # stock dialogs: QMessageBox buttons, QFileDialog
    if lang != "zh_CN":  # Chinese is the source language: nothing to load
        wanted.append((f"{APP_CATALOG}_{lang}", ours))
    for name, folders in wanted:
        loaded = _load(name, folders)
        if loaded is not None:
            app.installTranslator(loaded)
            _installed.append(loaded)
    return lang


def current_language() -> str:
    return i18n.language()


def has_translation(lang: str) -> bool:
    return normalize(lang) == "zh_CN" or (translations_dir() / f"{APP_CATALOG}_{lang}.qm").is_file()


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Mark a string for lupdate where it is defined; translate it where it is shown.

    Qt's own version is typed as returning ``object``; this one keeps ``str``.
    """
    return text


def _tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease beside this Python, else on PATH."""
    import shutil
    import sys

    beside = Path(sys.executable).parent / f"pyside6-{name}"
    return str(beside) if beside.exists() else (shutil.which(f"pyside6-{name}") or name)


def update_catalogs(lang: str = "en") -> None:
    """Extract every ``tr()`` string of ui/ into the .ts (keeps finished translations)."""
    import subprocess

    sources = sorted(str(p) for p in (Path(__file__).parent).glob("*.py"))
    ts = translations_dir() / f"{APP_CATALOG}_{lang}.ts"
    subprocess.run([_tool("lupdate"), "-no-obsolete", "-locations", "relative",
                    "-source-language", "zh_CN", "-target-language", lang, *sources, "-ts", str(ts)],
                   check=True)


def compile_catalogs() -> None:
    """Compile every .ts to the .qm that :func:`install_language` loads."""
    import subprocess

    for ts in sorted(translations_dir().glob("*.ts")):
        subprocess.run([_tool("lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)


if __name__ == "__main__":  # python -m ui.translations update|compile
    import sys

    for command in sys.argv[1:] or ["update", "compile"]:
        {"update": update_catalogs, "compile": compile_catalogs}[command]()
