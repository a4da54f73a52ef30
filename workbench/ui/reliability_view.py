"""The reliability view: choose material, coders and parameters; tables (with the table behind each
number), plots, a disagreement navigator and reconciliation into the Consensus coder.

All computing runs through the window's ``TaskRunner`` (``workbench.services.reliability_run``); each
resolution is one store transaction on the database worker. Every new compare clears the results
and disables the choices until the new ones arrive (and a failed compare leaves them cleared).
Tables read as people read them (:mod:`workbench.ui.reliability_format`), disagreements in words
(:mod:`workbench.ui.reliability_disagreements`). ``disagreement_activated`` carries a
``reliability_run.Target``: a text one opens the coding view at its passage, a timed or rating one
the side-by-side view of both raters (:mod:`workbench.ui.reliability_pair`), never anyone's
own observation.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.coding.reliability.results import undefined_label
from workbench.coding.side_by_side import SideBySide
from workbench.exchange.reliability_report import write_report
from workbench.model.errors import WorkbenchError
from workbench.model.wording import counted
from workbench.services import reliability_run as rr
from workbench.store import reliability_data as rd
from workbench.store.engine import Database
from workbench.ui import reliability_disagreements as words
from workbench.ui.reliability_disagreements import CHOICE_LABELS
from workbench.ui.reliability_format import number, statistic_label
from workbench.ui.reliability_models import FrameModel, PlotsPanel, ResultsModel
from workbench.ui.runner import Task, TaskRunner

SOURCE_HINT = "Select a row to see the table its number came from."
CONTROLS_PX = 190  # the settings and the list of tables; the rest of the width shows results
MAX_COLUMN_PX = 360  # a long passage or label is cut there (the tooltip has it whole)
RATING_ONLY, SPAN_ONLY = ("value",), ("both", "none")  # choices that apply to ratings only / not to ratings
RESOLVED = 5  # the disagreements table's "resolved" column


def _spin(low: int, high: int, value: int, step: int, suffix: str = " ms") -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setValue(value)
    box.setSuffix(suffix)
    return box


class ReliabilityView(QWidget):
    """Compare coders on one kind of material and reconcile what they disagree on."""

    disagreement_activated = Signal(object)  # reliability_run.Target
    resolved = Signal(object)  # the store Change of a resolution
    error = Signal(str)
    results_cleared = Signal()  # a new compare began: earlier results (and side-by-side views) are stale

    def __init__(
        self, db: Database, runner: TaskRunner, lead_id: int | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.db, self.runner, self.lead_id = db, runner, lead_id
        self.asked_by: int | None = lead_id  # whose comparison it is (checked by the service)
        self.outcome: rr.Outcome | None = None
        self.agreed: list = []
        self.items: list = []
        self.done: dict[str, dict] = {}  # disagreement key -> its resolution
        self.task: Task | None = None

        self.material = QComboBox()
        self.material.addItems(list(rr.MATERIALS))
        self.coders = QListWidget()
        self.coders.setMaximumHeight(110)
        self.coders.setToolTip("The coders to compare; the first two ticked are A and B")
        self.sheets = QListWidget()  # the results tables, beside the settings: the table gets the width
        self.sheets.setToolTip("The tables of the comparison; choose one to see it")
        self.unit_ms = _spin(1, 600_000, 1000, 100)
        self.tolerance_ms = _spin(0, 600_000, 0, 100)
        self.window_ms = _spin(0, 600_000, 2000, 100)
        self.min_overlap = QDoubleSpinBox()
        self.min_overlap.setRange(0.01, 1.0)
        self.min_overlap.setSingleStep(0.05)
        self.min_overlap.setValue(0.9)
        self.run_button = QPushButton("Compare")
        self.save_button = QPushButton("Save report…")
        self.save_button.setEnabled(False)
        self.status = QLabel("Choose the material and the coders, then Compare.")
        self.status.setWordWrap(True)
        controls = self._controls()

        self.tabs = QTabWidget()
        self.tabs.addTab(self._tables_tab(), "Tables")
        self.tabs.addTab(self._plots_tab(), "Plots")
        self.tabs.addTab(self._disagreements_tab(), "Disagreements")
        layout = QHBoxLayout(self)
        layout.addWidget(controls)
        layout.addWidget(self.tabs, 1)

        self.material.currentTextChanged.connect(self._material_changed)
        self.run_button.clicked.connect(lambda: self.run())
        self.save_button.clicked.connect(lambda: self.save_report())
        self._material_changed(self.material.currentText())

    # --- building ------------------------------------------------------------------------------

    def _controls(self) -> QWidget:
        """The settings, Compare and Save, the status line and the list of tables: one narrow column."""
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # labels above: a narrow column
        form.addRow("Material", self.material)
        form.addRow("Coders", self.coders)
        form.addRow("Time unit", self.unit_ms)
        form.addRow("Tolerance", self.tolerance_ms)
        form.addRow("Event window", self.window_ms)
        form.addRow("Segment overlap", self.min_overlap)
        controls = QWidget()
        controls.setMaximumWidth(CONTROLS_PX)
        left = QVBoxLayout(controls)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(form)
        left.addWidget(self.run_button)
        left.addWidget(self.save_button)
        left.addWidget(self.status)
        left.addWidget(QLabel("Tables"))
        left.addWidget(self.sheets, 1)
        return controls

    def _tables_tab(self) -> QWidget:
        self.table_model, self.source_model = ResultsModel(), FrameModel()
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setMaximumSectionSize(MAX_COLUMN_PX)
        self.table.verticalHeader().hide()  # row numbers say nothing; the first columns name the row
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.source = QTableView()
        self.source.setModel(self.source_model)
        self.source_label = QLabel(SOURCE_HINT)
        self.source_label.setWordWrap(True)
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(self.explanation)
        box.addWidget(self.table, 3)
        box.addWidget(self.source_label)
        box.addWidget(self.source, 1)
        self.sheets.currentTextChanged.connect(self._sheet_chosen)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._row_chosen(cur.row()))
        return page

    def _plots_tab(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        row = QHBoxLayout()
        self.timeline_label = QLabel("Timelines of")
        self.timeline_choice = QComboBox()
        self.timeline_choice.setToolTip("The observation whose two timelines are drawn")
        self.timeline_choice.currentTextChanged.connect(self._timeline_chosen)
        row.addWidget(self.timeline_label)
        row.addWidget(self.timeline_choice, 1)
        box.addLayout(row)
        self.plots = PlotsPanel()
        box.addWidget(self.plots, 1)
        self._fill_timeline_choice()
        return page

    def _fill_timeline_choice(self) -> None:
        """The observations to draw timelines of (timed material only)."""
        m = self.outcome.material if self.outcome is not None else None
        labels = list(m.media_ids) if isinstance(m, rd.TimedMaterial) else []
        self.timeline_choice.blockSignals(True)
        self.timeline_choice.clear()
        self.timeline_choice.addItems(labels)
        self.timeline_choice.blockSignals(False)
        for widget in (self.timeline_label, self.timeline_choice):
            widget.setVisible(bool(labels))

    def _timeline_chosen(self, label: str) -> None:
        if not label or self.outcome is None:
            return
        try:
            rr.show_timelines(self.outcome, label)
        except WorkbenchError as exc:
            self._fail(str(exc))
            return
        self.plots.show_figures(self.outcome.report.figures)

    def _disagreements_tab(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.disagreement_table = QTableWidget(0, 6)
        self.disagreement_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.disagreement_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.disagreement_table.horizontalHeader().setMaximumSectionSize(MAX_COLUMN_PX)
        self.disagreement_table.setToolTip("Double-click a disagreement to see it where it is")
        self.disagreement_table.cellDoubleClicked.connect(lambda row, _col: self.activate(row))
        box.addWidget(self.disagreement_table)
        buttons = QHBoxLayout()
        self.choice_buttons: dict[str, QPushButton] = {}
        for choice, text in CHOICE_LABELS.items():
            button = QPushButton(text)
            button.clicked.connect(lambda _checked=False, c=choice: self.resolve_selected(c))
            buttons.addWidget(button)
            self.choice_buttons[choice] = button
        self.agreed_value = QSpinBox()
        self.agreed_value.setToolTip("An agreed value within the scale's range")
        self.value_button = QPushButton("Agreed value")
        self.value_button.clicked.connect(lambda: self.resolve_selected("value", self.agreed_value.value()))
        for widget in (self.agreed_value, self.value_button):
            buttons.addWidget(widget)
        self.disagreement_table.itemSelectionChanged.connect(self._selection_changed)
        self.copy_button = QPushButton("Copy agreements to Consensus")
        self.copy_button.clicked.connect(lambda: self.copy_agreements())
        buttons.addStretch(1)
        box.addLayout(buttons)
        below = QHBoxLayout()  # a second row: the tab stays narrow enough for a 1280-pixel screen
        below.addStretch(1)
        below.addWidget(self.copy_button)
        box.addLayout(below)
        self._enable_reconcile()
        return page

    def _material_changed(self, material: str) -> None:
        if self.outcome is not None:  # the results shown are of other material
            self.clear_results("Choose the coders, then Compare.")
        timed = material == "observations"
        for box in (self.unit_ms, self.tolerance_ms, self.window_ms):
            box.setEnabled(timed)
        self.min_overlap.setEnabled(material == "transcripts")
        try:
            names = rd.text_coders(self.db) if material == "transcripts" else rd.observation_raters(self.db)
        except WorkbenchError as exc:
            names = []
            self.status.setText(str(exc))
        names = [n for n in names if n != rd.CONSENSUS] + [n for n in names if n == rd.CONSENSUS]
        self.coders.clear()
        for i, name in enumerate(names):
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if i < 2 and name != rd.CONSENSUS else Qt.CheckState.Unchecked
            )
            self.coders.addItem(item)

    # --- running -------------------------------------------------------------------------------

    def chosen_coders(self) -> tuple[str, ...]:
        return tuple(
            self.coders.item(i).text()
            for i in range(self.coders.count())
            if self.coders.item(i).checkState() == Qt.CheckState.Checked
        )

    def set_coders(self, names: list[str]) -> None:
        for i in range(self.coders.count()):
            item = self.coders.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked)

    def settings(self) -> rr.Settings:
        return rr.Settings(
            self.material.currentText(),
            self.chosen_coders() or None,
            self.unit_ms.value(),
            self.tolerance_ms.value(),
            self.window_ms.value(),
            round(self.min_overlap.value(), 4),
        )

    def run(self) -> Task | None:
        """Compute on a worker thread; earlier results are cleared now, the new tables appear when
        it is done (and nothing stale is left if it fails)."""
        self.clear_results()
        settings = self.settings()
        try:
            settings.check()
        except WorkbenchError as exc:
            self._fail(str(exc))
            return None
        self.run_button.setEnabled(False)
        self.status.setText(f"Comparing {settings.material}…")
        self.task = self.runner.run(
            f"Reliability: {settings.material}",
            rr.run_reliability,
            self.db,
            settings,
            on_done=self.show_outcome,
            on_error=self._compare_failed,
            asked_by=self.asked_by,
        )
        return self.task

    def clear_results(self, message: str | None = None) -> None:
        """No results, no choices: what a new or failed compare leaves until results arrive."""
        self.outcome = None
        self.agreed, self.items, self.done = [], [], {}
        self.sheets.clear()
        self.table_model.set_frame(None)
        self.source_model.set_frame(None)
        self.explanation.clear()
        self.source_label.setText(SOURCE_HINT)
        self.plots.show_figures({})
        self._fill_timeline_choice()
        self.disagreement_table.clearSelection()
        self.disagreement_table.setRowCount(0)
        self.save_button.setEnabled(False)
        self._enable_reconcile()
        if message is not None:
            self.status.setText(message)
        self.results_cleared.emit()

    def _compare_failed(self, message: str) -> None:
        self.clear_results()
        self._fail(message)

    def _fail(self, message: str) -> None:
        self.run_button.setEnabled(True)
        self.status.setText(message)
        self.error.emit(message)

    def show_outcome(self, outcome: rr.Outcome) -> None:
        self.run_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.outcome = outcome
        self.done = dict(outcome.resolutions)
        report = outcome.report
        self.sheets.clear()
        self.sheets.addItems(list(report.sheets))
        if report.sheets:
            self.sheets.setCurrentRow(0)
        self.plots.show_figures(report.figures)
        self._fill_timeline_choice()
        self.agreed, self.items = rr.disagreements(outcome)
        self._fill_disagreements()
        self.status.setText(words.describe(outcome, len(self.items)))

    def names(self) -> dict[str, str]:
        """Code -> name of the behaviours, subjects, tasks and scales compared (empty for text)."""
        return dict(getattr(self.outcome.material, "names", {})) if self.outcome is not None else {}

    def _sheet_chosen(self, name: str) -> None:
        if self.outcome is None or name not in self.outcome.report.sheets:
            self.table_model.set_frame(None)
            return
        self.table_model.set_frame(self.outcome.report.sheets[name], self.names())
        self._fit_columns()
        self.explanation.setText(dict(self.outcome.report.about).get(name, ""))
        self.source_model.set_frame(None)
        self.source_label.setText(SOURCE_HINT)

    def _fit_columns(self) -> None:
        """Columns as wide as their contents (the table scrolls inside itself); a coefficient's column
        as wide as its numbers, its "undefined (…)" cells wrapping onto more lines."""
        table, model = self.table, self.table_model
        table.resizeColumnsToContents()
        metrics, header = table.fontMetrics(), table.horizontalHeader()
        wrapped = False
        for c, column in enumerate(model.columns):
            if not column.coefficient:
                continue
            texts = [model.index(r, c).data() for r in range(model.rowCount())]
            numbers = [t for t in texts if not t.startswith("undefined")]
            wrapped |= len(numbers) < len(texts)
            widths = [metrics.horizontalAdvance(t) for t in [*numbers, "undefined (all"]]
            table.setColumnWidth(
                c, max([header.sectionSizeFromContents(c).width(), *[w + 12 for w in widths]])
            )
        if wrapped:
            table.resizeRowsToContents()

    def _row_chosen(self, row: int) -> None:
        if self.outcome is None or row < 0:
            return
        result = self.outcome.report.result_of(self.sheets.currentItem().text(), row)
        self.source_model.set_frame(None if result is None else result.table, self.names())
        self.source.resizeColumnsToContents()
        self.source_label.setText(
            "This row has no single source table." if result is None else _source_text(result)
        )

    def select_row(self, sheet: str, row: int) -> None:
        """Show a sheet and select one of its rows (as a click would)."""
        assert self.outcome is not None  # a report is shown
        self.sheets.setCurrentRow(list(self.outcome.report.sheets).index(sheet))
        self.table.selectRow(row)

    def save_report(self, path: Path | None = None) -> Task | None:
        if self.outcome is None:
            return None
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self, "Save reliability report", "reliability.xlsx", "Excel (*.xlsx);;Web page (*.html)"
            )
            if not name:
                return None
            path = Path(name)
        report = self.outcome.report
        return self.runner.run(
            f"Saving {path.name}",
            lambda progress=None, cancelled=None: write_report(report, path),
            on_done=lambda p: self.status.setText(f"Saved {p}"),
            on_error=self._fail,
        )

    # --- disagreements -------------------------------------------------------------------------

    def rating_material(self) -> bool:
        return self.outcome is not None and isinstance(self.outcome.material, rd.RatingsMaterial)

    def _fill_disagreements(self) -> None:
        table = self.disagreement_table
        table.clearContents()
        table.setRowCount(len(self.items))
        if self.outcome is None:
            return
        m = self.outcome.material
        table.setHorizontalHeaderLabels(words.headers(m, words.coders_of(m)))
        for row, item in enumerate(self.items):
            cells = [*words.row_cells(m, item), words.Cell(words.resolution_text(self.done.get(item.key)))]
            for col, cell in enumerate(cells):
                widget_item = QTableWidgetItem(cell.text)
                widget_item.setToolTip(cell.tip or cell.text)
                table.setItem(row, col, widget_item)
        table.resizeColumnsToContents()
        self._enable_reconcile()

    def _selected_rows(self) -> list[int]:
        model = self.disagreement_table.selectionModel()
        return sorted({i.row() for i in model.selectedRows() if i.row() < len(self.items)})

    def _enable_reconcile(self) -> None:
        """The choices act on the selected disagreements of the results shown, for a lead only."""
        ok = self.lead_id is not None and bool(self.items) and bool(self._selected_rows())
        rating = self.rating_material()
        for choice, button in self.choice_buttons.items():
            button.setEnabled(ok and not (rating and choice in SPAN_ONLY))
        for widget in (self.agreed_value, self.value_button):
            widget.setVisible(rating)
            widget.setEnabled(ok and rating)
        self.copy_button.setEnabled(self.lead_id is not None and bool(self.agreed))

    def _selection_changed(self) -> None:
        """The choices follow the selection; the agreed-value box takes the chosen rating's scale."""
        self._enable_reconcile()
        rows = self._selected_rows()
        if not self.rating_material() or not rows:
            return
        item = self.items[rows[0]]
        self.agreed_value.setRange(item.range.minimum, item.range.maximum)
        self.agreed_value.setToolTip("\n".join(f"{v}: {t}" for v, t in item.range.anchors))

    def row_of(self, key: str) -> int | None:
        """The row of the disagreement with this key in the results shown, if any."""
        return next((i for i, item in enumerate(self.items) if item.key == key), None)

    def resolution(self, key: str) -> str:
        """What was decided for a disagreement, in words ("" if nothing yet)."""
        return words.resolution_text(self.done.get(key))

    def side_by_side(self, row: int) -> SideBySide:
        """Both raters' coding around timed or rating disagreement ``row``."""
        if self.outcome is None or not 0 <= row < len(self.items):
            raise WorkbenchError("Compare first, then choose a disagreement.")
        return rr.side_by_side(self.outcome, self.items[row])

    def activate(self, row: int) -> None:
        """Ask whoever listens to show disagreement ``row`` (coding view or video)."""
        if self.outcome is not None and 0 <= row < len(self.items):
            self.disagreement_activated.emit(rr.target_of(self.outcome, self.items[row]))

    def resolve_selected(self, choice: str, value: int | None = None) -> None:
        rows = sorted({i.row() for i in self.disagreement_table.selectionModel().selectedRows()})
        for row in rows:
            self.resolve(row, choice, value)

    def resolve(self, row: int, choice: str, value: int | None = None):
        """Store the choice for disagreement ``row`` in the Consensus coder (one transaction); for a
        rating, "A", "B" or "value" with the agreed ``value``."""
        if self.outcome is None or self.lead_id is None:
            return None
        try:
            db, lead, outcome, item = self.db, self.lead_id, self.outcome, self.items[row]
            change = self._write(lambda: rr.resolve(db, lead, outcome, item, choice, value))
        except WorkbenchError as exc:
            self._fail(str(exc))
            return None
        item = self.items[row]
        kept = item.kept(choice, value) if self.rating_material() else None
        self.done[item.key] = {"choice": choice, "value": kept}
        self.disagreement_table.setItem(
            row, RESOLVED, QTableWidgetItem(words.resolution_text(self.done[item.key]))
        )
        self.status.setText(change.description)
        self.resolved.emit(change)
        return change

    def _write(self, fn):
        """Run a write on the window's database worker (the GUI keeps handling events meanwhile)."""
        worker = getattr(self.runner, "db_worker", None)
        return worker.wait_for(fn) if worker is not None else fn()

    def copy_agreements(self):
        if self.outcome is None or self.lead_id is None or not self.agreed:
            return None
        try:
            db, lead, outcome, agreed = self.db, self.lead_id, self.outcome, self.agreed
            change = self._write(lambda: rr.copy_agreements(db, lead, outcome, agreed))
        except WorkbenchError as exc:
            self._fail(str(exc))
            return None
        self.status.setText(change.description)
        self.resolved.emit(change)
        return change


def _source_text(result) -> str:
    """ "Cohen's κ = 0.782 from this table (129 units compared)", or why it is undefined."""
    name = statistic_label(result.statistic)
    value = f"= {number(result.value)}" if result.defined else f"is {undefined_label(result.reason)}"
    units = (
        counted(result.n_units, "unit") if float(result.n_units).is_integer() else f"{result.n_units:g} units"
    )
    reason = f" {result.reason[:1].upper()}{result.reason[1:]}." if result.reason else ""
    return f"{name} {value} from this table ({units} compared):{reason}"
