"""`make setup`'s first step: are the system libraries WeasyPrint loads, and the font the PDF
reports use, installed? Says which Debian/Ubuntu packages are missing and exits 1, so that a new
machine learns it at setup rather than from a failure at the first PDF download.

Only the standard library: it runs with the system's python3, before the virtualenv exists.
"""

from __future__ import annotations

import ctypes.util
import glob
import os
import shutil
import subprocess
import sys

# (the library's name as the linker knows it, the Debian/Ubuntu package that installs it),
# the ones WeasyPrint opens (weasyprint/text/ffi.py).
LIBRARIES = [
    ("gobject-2.0", "libglib2.0-0"),
    ("pango-1.0", "libpango-1.0-0"),
    ("pangoft2-1.0", "libpangoft2-1.0-0"),
    ("harfbuzz", "libharfbuzz0b"),
    ("harfbuzz-subset", "libharfbuzz-subset0"),
    ("fontconfig", "libfontconfig1"),
]
# The PDF reports' font (static/pdf/report.css), with the package that installs it.
FONTS = [("Liberation Sans", "LiberationSans-Regular.ttf", "fonts-liberation")]
FONT_FOLDERS = ["/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts"]


def has_library(name: str) -> bool:
    return ctypes.util.find_library(name) is not None


def has_font(family: str, file_name: str) -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list:
        found = subprocess.run(  # noqa: S603 - a fixed command
            [fc_list, family, "family"], capture_output=True, text=True, check=False
        )
        if found.returncode == 0:
            return family in found.stdout
    return any(
        glob.glob(f"{os.path.expanduser(folder)}/**/{file_name}", recursive=True) for folder in FONT_FOLDERS
    )


def missing_packages() -> list[tuple[str, str]]:
    """(what is missing, the package to install) for everything not found."""
    missing = [(f"the {name} library", package) for name, package in LIBRARIES if not has_library(name)]
    missing += [
        (f"the {family} font", package)
        for family, file_name, package in FONTS
        if not has_font(family, file_name)
    ]
    return missing


def main() -> int:
    missing = missing_packages()
    if not missing:
        print("System check: WeasyPrint's libraries and the PDF reports' font are installed.")
        return 0
    packages = sorted({package for _, package in missing})
    print("PDF reports cannot be made on this machine. WeasyPrint needs, and cannot find:", file=sys.stderr)
    for what, package in missing:
        print(f"  - {what} (Debian/Ubuntu package {package})", file=sys.stderr)
    print(
        f"\nInstall them, then run make again:\n  sudo apt-get install {' '.join(packages)}", file=sys.stderr
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
