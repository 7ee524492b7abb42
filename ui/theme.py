"""Look and feel: CJK fonts, a legible base size, spacing, colours and the app icon.

The users are often middle-aged cadres on old laptops, so the base font is
larger than the desktop default (11 pt) and controls get generous padding.
Fonts are a *family list* so the first one installed wins: Windows ships
Microsoft YaHei, Linux desktops (Kylin, UOS, Debian) have Noto Sans CJK or
WenQuanYi, a Mac has PingFang. High-DPI scaling is Qt 6's default.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QFrame, QVBoxLayout

FONT_FAMILIES = ["Microsoft YaHei UI", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
                 "WenQuanYi Micro Hei", "PingFang SC", "Sans Serif"]
BASE_POINT_SIZE = 11
SPACING = 8  # between controls
MARGIN = 16  # around a page
ACCENT = "#1f5fa8"  # a calm government blue
DANGER = "#b3261e"
OK = "#2e7d32"
WARN = "#b26a00"
MUTED = "#5f6368"

STATUS_COLOURS = {
    "draft": "#5f6368", "ready": "#1f5fa8", "sending": "#1f5fa8", "sent": "#2e7d32",
    "received": "#2e7d32", "in_review": "#6a4fb3", "returned": "#b3261e",
    "approved": "#2e7d32", "rejected": "#b3261e", "completed": "#2e7d32",
}

STYLE = f"""
QPushButton {{ padding: 6px 14px; min-height: 26px; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT};
    border-radius: 4px; font-weight: bold; }}
QPushButton[primary="true"]:disabled {{ background: #9db4d3; border-color: #9db4d3; }}
QPushButton[chip="true"] {{ border: 1px solid #c4c7c5; border-radius: 14px; padding: 4px 12px;
    background: white; }}
QPushButton[chip="true"]:checked {{ background: {ACCENT}; color: white; border-color: {ACCENT}; }}
QLineEdit, QComboBox, QDateEdit, QSpinBox {{ padding: 4px 6px; min-height: 26px; }}
QLabel[role="title"] {{ font-size: 18pt; font-weight: bold; }}
QLabel[role="subtitle"] {{ color: {MUTED}; }}
QLabel[role="error"] {{ color: {DANGER}; }}
QLabel[role="hint"] {{ color: {MUTED}; }}
QTableView {{ gridline-color: #e0e0e0; selection-background-color: #cfe0f5;
    selection-color: black; alternate-background-color: #f6f8fb; }}
QHeaderView::section {{ padding: 6px; font-weight: bold; background: #eef1f5; border: none;
    border-right: 1px solid #dde1e6; border-bottom: 1px solid #dde1e6; }}
QToolBar {{ spacing: 6px; padding: 4px; }}
QToolBar QToolButton {{ padding: 6px 10px; }}
QStatusBar QLabel {{ padding: 0 8px; }}
"""


def resource_dir() -> Path:
    """``resources/`` beside the packages, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    base = Path(bundle) if bundle else Path(__file__).resolve().parent.parent
    return base / "resources"


def base_font() -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSize(BASE_POINT_SIZE)
    # Hinting full keeps small Chinese strokes crisp on the low-DPI screens of old laptops.
    font.setHintingPreference(QFont.HintingPreference.PreferFullHinting)
    return font


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")  # the same look on Windows, Kylin and UOS; scales cleanly
    app.setFont(base_font())
    app.setStyleSheet(STYLE)
    app.setWindowIcon(app_icon())


def app_icon() -> QIcon:
    """The packaged ``resources/icons/app*.png`` (every size there), else one drawn here."""
    folder = resource_dir() / "icons"
    files = sorted(folder.glob("app-*.png")) or sorted(folder.glob("app.png"))
    icon = QIcon()
    for path in files:
        icon.addFile(str(path))
    return icon if files else QIcon(draw_icon(256))


def draw_icon(size: int) -> QPixmap:
    """A blue rounded square with 办 (to handle, as in 办事): readable at 16 px."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(ACCENT))
    rect = QRectF(size * 0.04, size * 0.04, size * 0.92, size * 0.92)
    painter.drawRoundedRect(rect, size * 0.18, size * 0.18)
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPixelSize(int(size * 0.62))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "办")
    painter.end()
    return pixmap


def set_role(widget: object, role: str) -> None:
    """Tag a label for the style sheet (title, subtitle, error, hint)."""
    from PySide6.QtWidgets import QWidget

    if isinstance(widget, QWidget):
        widget.setProperty("role", role)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def card(width: int) -> tuple[QFrame, QVBoxLayout]:
    """The white, rounded panel that the sign-in and first-run screens sit on."""
    frame = QFrame()
    frame.setObjectName("card")
    frame.setStyleSheet("#card { background: white; border: 1px solid #d5d9de; border-radius: 8px; }")
    frame.setFixedWidth(width)
    inner = QVBoxLayout(frame)
    inner.setContentsMargins(32, 28, 32, 28)
    inner.setSpacing(SPACING + 4)
    return frame, inner
