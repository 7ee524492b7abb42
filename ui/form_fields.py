"""One editor per field type, behind the same small interface.

A :class:`FieldRow` is a label, an editor, a line for help and a line for the
field's error. The form page only talks to rows (``value``, ``set_value``,
``set_error``, ``changed``), so adding a field type means adding an editor here.
Editors hand back what the person typed; the form engine in the core converts
and checks it, so a value is never rejected or changed by the widget itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workstation.forms_applicant import DEFAULT_ETHNICITY, ETHNICITIES
from workstation.i18n import pick
from workstation.validation import FieldValueError, age_on, parse_id_number

LABEL_WIDTH = 210

# A label is a definition's {"zh_CN", "en"} text, or a function that translates
# a UI string, so that both follow a language switch.
Text = dict[str, str] | str | Callable[[], str]


def text_of(text: Text) -> str:
    return text() if callable(text) else pick(text)


class Editor(QObject):
    """Adapter from a widget to a raw value; ``changed`` fires on every edit."""

    changed = Signal()

    def __init__(self, widget: QWidget, focusables: Sequence[QWidget]) -> None:
        super().__init__(widget)
        self.widget = widget
        self.focusables = list(focusables)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        self.widget.setEnabled(not read_only)


class LineEditor(Editor):
    def __init__(self, type_: str, parent: QWidget | None = None) -> None:
        edit = QLineEdit(parent)
        edit.setClearButtonEnabled(True)
        super().__init__(edit, [edit])
        self.edit = edit
        edit.setPlaceholderText(self._example(type_))
        edit.textEdited.connect(self.changed)

    def _example(self, type_: str) -> str:
        """A short example in the box, so nobody has to guess the expected format."""
        examples = {
            "id_number": self.tr("18位身份证号码"),
            "phone": self.tr("手机或座机，如 13905561234"),
            "date": self.tr("如 2026-03-15"),
            "money": self.tr("金额（元），如 1200.00"),
            "integer": self.tr("整数"),
            "decimal": self.tr("数字"),
            "division_code": self.tr("12位数字，如 340822104201"),
            "uscc": self.tr("18位统一社会信用代码"),
        }
        return examples.get(type_, "")

    def value(self) -> Any:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)


class ComboEditor(Editor):
    """A choice list whose first entry means "not answered yet"."""

    def __init__(self, options: Sequence[tuple[Any, str]], parent: QWidget | None = None) -> None:
        combo = QComboBox(parent)
        super().__init__(combo, [combo])
        combo.addItem(self.tr("— 请选择 —"), None)
        for value, label in options:
            combo.addItem(label, value)
        combo.setMaxVisibleItems(15)
        self.combo = combo
        combo.activated.connect(lambda _i: self.changed.emit())

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value) if value is not None else 0
        self.combo.setCurrentIndex(max(0, index))


class EthnicityEditor(Editor):
    """Typed or picked: the completer finds 蒙古族 from 蒙."""

    def __init__(self, names: Sequence[str], parent: QWidget | None = None) -> None:
        combo = QComboBox(parent)
        combo.setEditable(True)
        combo.addItems(list(names))
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(list(names), combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        combo.setCompleter(completer)
        super().__init__(combo, [combo])
        self.combo = combo
        combo.currentTextChanged.connect(lambda _t: self.changed.emit())

    def value(self) -> Any:
        return self.combo.currentText()

    def set_value(self, value: Any) -> None:
        self.combo.setCurrentText("" if value is None else str(value))


class MultiEditor(Editor):
    """Check boxes, three to a row; the value is the list of checked choices."""

    def __init__(self, options: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        box = QWidget(parent)
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: list[tuple[str, QCheckBox]] = []
        for i, (value, label) in enumerate(options):
            check = QCheckBox(label, box)
            grid.addWidget(check, i // 3, i % 3)
            self.boxes.append((value, check))
        super().__init__(box, [c for _v, c in self.boxes])
        for _v, check in self.boxes:
            check.toggled.connect(lambda _on: self.changed.emit())

    def value(self) -> Any:
        return [v for v, c in self.boxes if c.isChecked()]

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])
        for v, c in self.boxes:
            c.setChecked(v in chosen)


def make_editor(type_: str, choices: Sequence[tuple[Any, str]] = (),
                parent: QWidget | None = None) -> Editor:
    if type_ == "choice":
        return ComboEditor(choices, parent)
    if type_ == "multi_choice":
        return MultiEditor([(str(v), label) for v, label in choices], parent)
    if type_ == "yes_no":
        yes = QCoreApplication.translate("FormFields", "是")
        no = QCoreApplication.translate("FormFields", "否")
        return ComboEditor([(True, yes), (False, no)], parent)
    return LineEditor(type_, parent)


class FieldRow(QWidget):
    """Label, editor, help and error of one field; ``path`` is ``applicant.x`` or ``fields.x``."""

    changed = Signal(str)

    def __init__(self, path: str, label: Text, editor_factory: Callable[[QWidget], Editor],
                 required: bool = False, help_text: Text | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path, self._label, self._help, self.required = path, label, help_text, required
        self.label = QLabel(self)
        self.label.setFixedWidth(LABEL_WIDTH)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.label.setStyleSheet("padding-top: 7px;")  # level with the text in the box
        self.editor = editor_factory(self)
        self.help = QLabel(self)
        self.help.setWordWrap(True)
        self.help.setObjectName("fieldHelp")
        self.help.setStyleSheet("color: #555;")
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setObjectName("fieldError")
        self.error.hide()
        self._lay_out()
        self.editor.changed.connect(lambda: self.changed.emit(self.path))
        self.retranslate()

    def _lay_out(self) -> None:
        right = QVBoxLayout()
        right.setSpacing(2)
        right.addWidget(self.editor.widget)
        right.addWidget(self.help)
        right.addWidget(self.error)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 2)
        row.addWidget(self.label, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(right, 1)
        self.label.setBuddy(self.editor.focusables[0])

    def retranslate(self) -> None:
        mark = " <span style='color:#c0392b'>*</span>" if self.required else ""
        self.label.setText(f"{text_of(self._label)}{mark}")
        help_text = text_of(self._help) if self._help else ""
        self.help.setText(help_text)
        self.help.setVisible(bool(help_text))

    def value(self) -> Any:
        return self.editor.value()

    def set_value(self, value: Any) -> None:
        self.editor.set_value(value)

    def set_read_only(self, read_only: bool) -> None:
        self.editor.set_read_only(read_only)

    def set_error(self, message: str | None, warning: bool = False) -> None:
        """Show a problem under the editor, red for errors and amber for warnings."""
        self.error.setText(message or "")
        color = "#9a6700" if warning else "#c0392b"
        self.error.setStyleSheet(f"color: {color}; font-weight: bold;")
        self.error.setVisible(bool(message))
        self.editor.widget.setProperty("invalid", bool(message) and not warning)
        self.editor.widget.setStyleSheet(
            "" if not message or warning else "border: 2px solid #c0392b; border-radius: 3px;")

    def error_text(self) -> str:
        return self.error.text() if self.error.isVisibleTo(self) else ""

    def focus_widgets(self) -> list[QWidget]:
        return self.editor.focusables


class ReadOnlyRow(QWidget):
    """A value the program works out (gender and birth date from the ID number)."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(label, self)
        self.label.setFixedWidth(LABEL_WIDTH)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.value = QLabel(self)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.value.setStyleSheet("color: #333; background: #eef2f5; padding: 4px 6px;"
                                 " border-radius: 3px;")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 2)
        row.addWidget(self.label)
        row.addWidget(self.value, 1)

    def set_text(self, text: str) -> None:
        self.value.setText(text)


class DerivedIdRow(ReadOnlyRow):
    """Gender, birth date and age, read from the ID number as it is typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.label.setText(self.tr("性别和出生日期"))

    def show_id(self, number: str) -> None:
        self.label.setText(self.tr("性别和出生日期"))
        try:
            info = parse_id_number(number)
        except FieldValueError:
            self.set_text(self.tr("根据身份证号码自动填写"))
            return
        gender = self.tr("男") if info.gender == "M" else self.tr("女")
        age = age_on(info.birth_date, date.today())
        self.set_text(self.tr("%1 · 出生日期 %2 · %3 周岁").replace("%1", gender)
                      .replace("%2", info.birth_date.isoformat()).replace("%3", str(age)))


def applicant_specs() -> list[tuple[str, Callable[[], str], str, bool]]:
    """The applicant block every service shares: path, label (translated when shown), type,
    required. Gender and birth date are not asked: they come from the ID number."""
    q = QCoreApplication
    return [
        ("applicant.name", lambda: q.translate("CaseFormPage", "姓名"), "text", True),
        ("applicant.id_number", lambda: q.translate("CaseFormPage", "身份证号码"), "id_number", True),
        ("applicant.phone", lambda: q.translate("CaseFormPage", "联系电话"), "phone", True),
        ("applicant.ethnicity", lambda: q.translate("CaseFormPage", "民族"), "ethnicity", False),
        ("applicant.address", lambda: q.translate("CaseFormPage", "户籍地址"), "text", True),
        ("applicant.current_address", lambda: q.translate("CaseFormPage", "现住址"), "text", False),
        ("applicant.division_code",
         lambda: q.translate("CaseFormPage", "所在村（社区）区划代码"), "division_code", True),
    ]


def section_label(title: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(title, parent)
    label.setStyleSheet("font-size: 15px; font-weight: bold; color: #1f4e79;"
                        " border-bottom: 1px solid #c8d3de; padding: 10px 0 4px 0;")
    return label


def editor_factory(type_: str, choices: Sequence[tuple[Any, str]] = ()) -> Callable[[QWidget], Editor]:
    """What a FieldRow calls to make its editor (``ethnicity`` is the applicant's)."""
    if type_ == "ethnicity":
        names = sorted(ETHNICITIES, key=lambda n: (n != DEFAULT_ETHNICITY, n))
        return lambda parent: EthnicityEditor(names, parent)
    return lambda parent: make_editor(type_, choices, parent)


def clear_layout(layout: Any, keep: QWidget | None = None) -> None:
    """Empty a layout, deleting its widgets (except ``keep``, which is reused)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None and widget is not keep:
            widget.hide()
            widget.setParent(None)  # gone from findChild at once, not at the next loop
            widget.deleteLater()


def short_message(message: str, label: str) -> str:
    """Drop the field name the core puts in front: the message sits under the field."""
    for sep in ("：", ": "):
        prefix = f"{label}{sep}"
        if label and message.startswith(prefix):
            rest = message[len(prefix):]
            return rest[:1].upper() + rest[1:]
    return message
