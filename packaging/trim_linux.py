"""Build-time trimming of the Linux bundle's shared libraries (used by build.spec).

Three steps, each on PyInstaller's TOC of binaries (``(dest, src, kind)``):

* :func:`drop_orphans` — libraries nothing kept needs any more. PyInstaller
  copies a library because some collected file links it; once build.spec has
  dropped that file (a Qt module or plugin we do not use), the library is
  dead weight. Starting from what is loaded by other means (Python extension
  modules, Qt plugins, libpython, libraries opened with ctypes) this follows
  the ELF ``NEEDED`` entries and keeps only what it reaches. Only libraries
  that are never opened by name are candidates: those PyInstaller took from
  the system, from a wheel's ``*.libs`` folder (auditwheel puts only link
  dependencies there) and Qt's own ``lib`` folder.
* :func:`strip` — symbol tables and debug sections out of every library
  (``strip --strip-unneeded``: the dynamic symbols that linking and loading
  use stay, as do ``.gnu_debuglink`` notes). Wheels ship some libraries
  unstripped; sqlcipher3-wheels' module carries its full debug information.
* :func:`trim_icu_data` — Qt's ICU data library with only what Qt can use
  of it, for Chinese and English (see the comment above it).

Every step needs binutils (``readelf``, ``strip``); the ICU step also needs
``icupkg`` (Debian: ``icu-devtools``) and a C compiler. Without them the step
is skipped with a warning and the bundle is simply larger.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

# Loaded with ctypes, not through a NEEDED entry: roots like extension modules.
CTYPES_LOADED = re.compile(r"^pypdfium2_raw[/\\]")
# Libraries only ever loaded as another file's NEEDED dependency.
PRUNABLE_SRC = re.compile(r"^(/usr)?/lib(64)?/|[/\\][\w.-]+\.libs[/\\]|[/\\]PySide6[/\\]Qt[/\\]lib[/\\]")


def warn(message: str) -> None:
    print(f"WARNING (trim_linux): {message}", flush=True)


def have_binutils() -> bool:
    return bool(shutil.which("readelf") and shutil.which("strip"))


def needed(path: str) -> list[str]:
    """The ELF ``NEEDED`` entries of ``path`` (empty for non-ELF files)."""
    out = subprocess.run(["readelf", "-d", "-W", path], capture_output=True, text=True)
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out.stdout)


def _symlink_target(dest: str, src: str) -> str:
    return os.path.normpath(os.path.join(os.path.dirname(dest), src))


def drop_orphans(binaries: list[tuple[str, str, str]]) -> tuple[list[tuple[str, str, str]], list[str]]:
    """``binaries`` without the libraries no kept file needs; also the dropped names."""
    if not have_binutils():
        warn("readelf not found: unused libraries are not dropped")
        return binaries, []
    by_dest = {dest: (dest, src, kind) for dest, src, kind in binaries}
    by_name: dict[str, list[tuple[str, str, str]]] = {}
    for entry in binaries:
        by_name.setdefault(Path(entry[0]).name, []).append(entry)

    def is_root(dest: str, src: str, kind: str) -> bool:
        if kind == "SYMLINK":
            return False
        return (kind == "EXTENSION" or CTYPES_LOADED.search(dest) is not None
                or re.search(r"[/\\]plugins[/\\]", dest) is not None
                or Path(dest).name.startswith("libpython")
                or PRUNABLE_SRC.search(os.path.realpath(src)) is None)

    reached: set[str] = set()
    queue = [entry for entry in binaries if is_root(*entry)]
    while queue:
        dest, src, kind = queue.pop()
        if dest in reached:
            continue
        reached.add(dest)
        if kind == "SYMLINK":
            target = by_dest.get(_symlink_target(dest, src))
            if target:
                queue.append(target)
            continue
        for name in needed(src):
            queue.extend(by_name.get(name, []))
    kept = [entry for entry in binaries if entry[0] in reached]
    dropped = sorted(entry[0] for entry in binaries if entry[0] not in reached)
    return kept, dropped


def _version_needs(path: str) -> dict[str, set[str]]:
    """{library file name: symbol versions} that ``path`` requires."""
    out = subprocess.run(["readelf", "-V", "-W", path], capture_output=True, text=True).stdout
    needs: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in out.split("Version needs section", 1)[1].splitlines() if "Version needs" in out else []:
        if m := re.search(r"File: (\S+)", line):
            current = needs.setdefault(m.group(1), set())
        elif (m := re.search(r"Name: (\S+)", line)) and current is not None:
            current.add(m.group(1))
    return needs


def _version_defs(path: str) -> set[str]:
    """The symbol versions ``path`` defines."""
    out = subprocess.run(["readelf", "-V", "-W", path], capture_output=True, text=True).stdout
    if "Version definition" not in out:
        return set()
    section = out.split("Version definition section", 1)[1].split("Version needs section")[0]
    return set(re.findall(r"Name: (\S+)", section))


def replace_vendored(binaries: list[tuple[str, str, str]], mapping: dict[str, str]) -> list[tuple[str, str, str]]:
    """Give vendored copies (dest matching a key) the contents of the library named by the value.

    The replacement is the bundle's own copy of that library if it has one,
    else the system's. Skipped, with a warning, if a user of the vendored copy
    asks for a symbol version the replacement does not define.
    """
    if not mapping or not have_binutils():
        return binaries
    from PyInstaller.depend.bindepend import resolve_library_path

    out = []
    for dest, src, kind in binaries:
        pattern = next((p for p in mapping if kind == "BINARY" and re.search(p, dest)), None)
        if pattern:
            name = mapping[pattern]
            ours = [s for d, s, k in binaries if Path(d).name == name and k != "SYMLINK"]
            other = ours[0] if ours else resolve_library_path(name)
            vendored = Path(dest).name
            wanted: set[str] = set()
            for _, user_src, user_kind in binaries:
                if user_kind != "SYMLINK" and vendored in needed(user_src):
                    wanted |= _version_needs(user_src).get(vendored, set())
            missing = wanted - _version_defs(other) if other else {"(library not found)"}
            if missing:
                warn(f"{dest} kept: {name} lacks {sorted(missing)}")
            else:
                print(f"trim_linux: {dest}: {os.path.getsize(src) / 2**20:.2f} MiB -> "
                      f"{os.path.getsize(other) / 2**20:.2f} MiB, the contents of {other}", flush=True)
                src = os.path.realpath(other)
        out.append((dest, src, kind))
    return out


def _has_symbols(path: str) -> bool:
    out = subprocess.run(["readelf", "-S", "-W", path], capture_output=True, text=True).stdout
    return bool(re.search(r"\] \.(symtab|debug_\w+)\s", out))


def strip(binaries: list[tuple[str, str, str]], workdir: Path) -> tuple[list[tuple[str, str, str]], int]:
    """``binaries`` with stripped copies (in ``workdir``) of the unstripped ones; bytes saved."""
    if not have_binutils():
        warn("strip/readelf not found: libraries keep their symbols")
        return binaries, 0
    out, saved = [], 0
    for dest, src, kind in binaries:
        if kind in ("BINARY", "EXTENSION") and _has_symbols(src):
            copy = workdir / dest
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(os.path.realpath(src), copy)
            subprocess.run(["strip", "--strip-unneeded", str(copy)], check=True)
            saved += os.path.getsize(src) - copy.stat().st_size
            src = str(copy)
        out.append((dest, src, kind))
    return out, saved


# --- ICU data ----------------------------------------------------------------------------
#
# libicudata.so.NN is nothing but one symbol, icudtNN_dat: an ICU data package
# (30 MiB for ICU 73). Qt is ICU's only user in the bundle, and libQt6Core
# calls exactly four of its services (see its undefined dynamic symbols):
# collation (ucol_*: QCollator, sorting), case mapping (u_strToUpper/Lower),
# time zones (ucal_*: canonical IDs, display names) and text codecs (ucnv_*:
# QStringDecoder for non-Unicode encodings). So the trimmed package keeps
# everything those can reach, and drops:
#
# * the CLDR locale data of every language but root, en, zh and yue (a
#   zh_Hant_HK rule set refers to yue): the `xx.res`, `xx_YY.res` bundles in
#   every tree. The app runs in Chinese or English; ICU falls back to root for
#   a locale it has no data for (never an error), and root collation (DUCET)
#   still orders every script sensibly;
# * what Qt never calls: break iterators and their dictionaries (brkitr/; Qt
#   has its own text boundaries), transliterators (translit/), number
#   spell-out (rbnf/), spoof detection, character names, StringPrep and IDNA
#   (Qt has its own);
# * converters other than the Chinese ones (GB18030, GBK, GB2312, Big5,
#   Big5-HKSCS, CNS 11643) and the Windows-125x and ISO-8859 code pages; the
#   Unicode ones and Latin-1 are built into ICU and Qt, not data. Our code
#   never decodes text with Qt (Python does all file I/O).
#
# icupkg refuses to write a package in which a kept item refers to a dropped
# one, so the result is consistent. scripts/smoke-frozen.sh checks pinyin
# collation, a Chinese time-zone name and the GB18030 and Big5 codecs.
ICU_KEEP_LANGUAGES = {"root", "en", "zh", "yue"}
_LOCALE_ITEM = re.compile(r"^([a-z]{2,3})(_[A-Za-z0-9]*)*\.res$")
ICU_DROP_TREES = ("brkitr/", "translit/", "rbnf/")
ICU_DROP_ITEMS = re.compile(r"^(confusables\w*\.cfu|unames\.icu|\w+\.spp|uts46\.nrm)$")
ICU_KEEP_CONVERTERS = re.compile(
    r"^(gb18030|windows-9(36|50)-2000|ibm-(1383|1386|5478|950|1373|1375)_|cns-11643-1992"
    r"|ibm-125\d_|ibm-53(4[6-9]|5[0-4])_|ibm-9(1[2-9]|2[0-3])_|iso-8859_)")


def _icu_drop(item: str) -> bool:
    name = item.rsplit("/", 1)[-1]
    if item.startswith(ICU_DROP_TREES) or ICU_DROP_ITEMS.match(item):
        return True
    if name.endswith(".cnv"):
        return not ICU_KEEP_CONVERTERS.match(name)
    locale = _LOCALE_ITEM.match(name)
    return locale is not None and locale.group(1) not in ICU_KEEP_LANGUAGES


def _icu_symbol(path: str) -> tuple[str, int, int] | None:
    """(name, file offset, size) of the icudtNN_dat symbol in a libicudata."""
    symbols = subprocess.run(["readelf", "-s", "-W", path], capture_output=True, text=True).stdout
    match = re.search(r":\s+([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\w+\s+(\d+)\s+(icudt\d+_dat)$",
                      symbols, re.M)
    if not match:
        return None
    address, size, section = int(match.group(1), 16), int(match.group(2), 0), int(match.group(3))
    sections = subprocess.run(["readelf", "-S", "-W", path], capture_output=True, text=True).stdout
    row = re.search(rf"\[\s*{section}\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", sections)
    if not row:
        return None
    offset = int(row.group(2), 16) + address - int(row.group(1), 16)
    return match.group(4), offset, size


def trim_icu_data(src: str, workdir: Path) -> str | None:
    """A libicudata built from ``src`` with only what Qt can use of it (see above); None if it cannot."""
    soname = Path(src).name
    icupkg, cc = shutil.which("icupkg"), shutil.which("cc") or shutil.which("gcc")
    if not (have_binutils() and icupkg and cc):
        warn(f"{soname} kept whole: binutils, icupkg (icu-devtools) and cc are needed to trim it")
        return None
    symbol = _icu_symbol(src)
    if symbol is None:
        warn(f"{soname} kept whole: no icudtNN_dat symbol found")
        return None
    name, offset, size = symbol
    package = name[: -len("_dat")] + "l"  # icudt73l: little-endian, ASCII
    work = workdir / "icu"
    shutil.rmtree(work, ignore_errors=True)
    (work / "in").mkdir(parents=True)
    (work / "out").mkdir()
    with open(src, "rb") as f:
        f.seek(offset)
        data = f.read(size)
    if data[2:4] != b"\xda\x27" or data[12:16] != b"CmnD":
        warn(f"{soname} kept whole: {name} is not an ICU common data package")
        return None
    (work / "in" / f"{package}.dat").write_bytes(data)
    listing = subprocess.run([icupkg, "-l", str(work / "in" / f"{package}.dat")],
                             capture_output=True, text=True, check=True).stdout.split()
    remove = [item for item in listing if _icu_drop(item)]
    (work / "remove.txt").write_text("\n".join(remove) + "\n")
    run = subprocess.run([icupkg, "-r", str(work / "remove.txt"), str(work / "in" / f"{package}.dat"),
                          str(work / "out" / f"{package}.dat")], capture_output=True, text=True)
    if run.returncode != 0:
        warn(f"{soname} kept whole: icupkg failed: {run.stderr.strip() or run.stdout.strip()}")
        return None
    (work / "data.S").write_text(
        "\t.section .rodata\n\t.balign 16\n"
        f"\t.globl {name}\n\t.type {name}, @object\n"
        f"{name}:\n\t.incbin \"out/{package}.dat\"\n\t.size {name}, . - {name}\n"
        "\t.section .note.GNU-stack,\"\",@progbits\n")
    out = work / soname
    subprocess.run([cc, "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-Wl,-z,noexecstack",
                    "-o", str(out), "data.S"], cwd=work, check=True)
    subprocess.run(["strip", "--strip-unneeded", str(out)], check=True)
    kept = len(listing) - len(remove)
    print(f"trim_linux: {soname}: {size / 2**20:.1f} MiB -> {out.stat().st_size / 2**20:.1f} MiB "
          f"({kept} of {len(listing)} items: collation, case mapping, time zones and Chinese and "
          f"Western codecs for {', '.join(sorted(ICU_KEEP_LANGUAGES))})",
          flush=True)
    return str(out)
