"""Build hook: compile the gettext catalogues (bot/texts/locale/*/LC_MESSAGES/*.po ->
.mo) whenever the package is built or installed, so a wheel carries its .mo files.
Everything else about the package is in pyproject.toml. (At run time a missing or
stale .mo is compiled again from its .po: bot/texts/catalogues.py.)"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

LOCALE = Path(__file__).resolve().parent / "bot" / "texts" / "locale"


def compile_catalogues() -> None:
    try:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po
    except ImportError:  # compiled on first load instead
        return
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        with po.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog)


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        compile_catalogues()
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
