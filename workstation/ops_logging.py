"""Log files: rotating, one structured line per record, scrubbed of secrets and ID numbers.

Logs end up in support bundles and on IT staff's laptops, so every record is
scrubbed by the handler itself, whatever the caller passed: passwords, bearer
tokens, ``device_token`` values and long random tokens are replaced by ``***``;
18-digit ID numbers keep their first and last four characters; mobile numbers
their first three and last four.

The GUI and the command line write separate files (``app.log``, ``cli.log``):
two processes rotating one file corrupt it on Windows.
"""

from __future__ import annotations

import json
import logging
import os
import re
from datetime import datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from workstation.paths import LOG_DIR

MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 5
MASK = "***"

_SECRET_WORDS = r"password|passwd|pwd|secret|token|api[_-]?key|enrollment[_-]?code|authorization"
_SECRET_KEY = re.compile(rf"(?i)^\w*(?:{_SECRET_WORDS})\w*$|^(?:密码|口令)$")
_QUOTED = re.compile(
    rf"""(?i)(["']?)\b(\w*(?:{_SECRET_WORDS})\w*)\1(\s*[:=]\s*)(["'])(.*?)(?<!\\)\4""")
_UNQUOTED = re.compile(rf"""(?i)\b(\w*(?:{_SECRET_WORDS})\w*)(\s*[:=]\s*)(?!\*\*\*)([^\s"',;&}}\]]+)""")
_CHINESE = re.compile(r"(密码|口令)(\s*[:：=]\s*)(\S+)")
_SCHEME = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*")
# A long base64url-ish run with both cases is a token; hashes (hex) and paths are left alone.
_RANDOM = re.compile(r"(?<![\w-])(?=[\w-]*[a-z])(?=[\w-]*[A-Z])(?![0-9a-fA-F]+(?![\w-]))[\w-]{32,}(?![\w-])")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{10}(\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d)\d{4}(\d{4})(?![0-9A-Za-z])")


def scrub(text: str) -> str:
    """Mask secrets, ID numbers and mobile numbers in free text."""
    text = _SCHEME.sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = _QUOTED.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(1)}{m.group(3)}"
                                 f"{m.group(4)}{MASK}{m.group(4)}", text)
    text = _UNQUOTED.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    text = _CHINESE.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    text = _RANDOM.sub(MASK, text)
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}{'*' * 10}{m.group(2)}", text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.match(key))


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def extras(record: logging.LogRecord) -> dict[str, Any]:
    """What the caller passed with ``extra=``."""
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


class ScrubFilter(logging.Filter):
    """Rewrites each record in place, so every handler after it sees the scrubbed text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = scrub(message), None
        for key, value in extras(record).items():
            setattr(record, key, MASK if is_secret_key(key) else scrub(_text(value)))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


class LineFormatter(logging.Formatter):
    """``time level logger message key=value ...`` on one line; tracebacks indented below."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")
        message = record.getMessage().replace("\r", "\\r").replace("\n", "\\n")
        fields = {"pid": record.process, **extras(record)}
        pairs = " ".join(f"{k}={_quote(_text(v))}" for k, v in fields.items())
        line = f"{when} {record.levelname} {record.name} {message} {pairs}"
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line += "\n" + "\n".join("  " + ln for ln in record.exc_text.splitlines())
        return line


def _quote(value: str) -> str:
    if value and not re.search(r"[\s\"=\\]", value):
        return value
    return json.dumps(value, ensure_ascii=False)


class DataDirFileHandler(RotatingFileHandler):
    """A rotating file in ``<data_dir>/logs`` that never creates the data directory itself."""

    def __init__(self, data_dir: Path, name: str, max_bytes: int, backups: int) -> None:
        self.data_dir = data_dir
        super().__init__(data_dir / LOG_DIR / f"{name}.log", maxBytes=max_bytes,
                         backupCount=backups, encoding="utf-8", delay=True)
        self.addFilter(ScrubFilter())
        self.setFormatter(LineFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        # Logging must not make a missing data directory look present to doctor or restore.
        if self.stream is None and not self.data_dir.is_dir():
            return
        super().emit(record)

    def _open(self):  # type: ignore[no-untyped-def]
        Path(self.baseFilename).parent.mkdir(exist_ok=True)
        return super()._open()

    def close_file(self) -> None:
        """Close the file (it reopens on the next record), so its folder can be moved."""
        self.acquire()
        try:
            if self.stream is not None:
                self.stream.close()
                self.stream = None  # type: ignore[assignment]
        finally:
            self.release()


def configure_logging(data_dir: Path | str | None, name: str = "cli",
                      level: str | None = None, max_bytes: int = MAX_BYTES,
                      backups: int = BACKUPS) -> Path | None:
    """Send the root logger to ``<data_dir>/logs/<name>.log``; safe to call again.

    Returns the log file's path, or ``None`` when the data directory cannot be
    determined (logging must never stop the program).
    """
    from workstation.paths import resolve_data_dir

    try:
        directory = resolve_data_dir(data_dir)
    except Exception:
        return None
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, DataDirFileHandler)]:
        root.removeHandler(old)
        old.close()
    handler = DataDirFileHandler(directory, name, max_bytes, backups)
    root.addHandler(handler)
    root.setLevel(level or os.environ.get("WORKSTATION_LOG_LEVEL", "INFO").upper())
    logging.captureWarnings(True)
    return Path(handler.baseFilename)


def release_files(under: Path | None = None) -> None:
    """Close our log files (optionally only those inside ``under``) before moving folders."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, DataDirFileHandler):
            if under is None or Path(handler.baseFilename).is_relative_to(under):
                handler.close_file()


def log_files(data_dir: Path) -> list[Path]:
    """Our log files, newest first."""
    folder = data_dir / LOG_DIR
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.is_file() and ".log" in p.name]
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)
