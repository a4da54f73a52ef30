"""The Retrieval tab: coded extracts by code (with sub-codes), participant, attribute and coder;
text search (exact, regex, lemma, or similar meaning with the sentence model) with keyword in context; code frequencies and co-occurrence as
tables and charts; the framework matrix. Double-clicking an extract or hit opens it for coding."""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.model.errors import WorkbenchError
from workbench.store import people, retrieval, text_search
from workbench.store.retrieval import Filters
from workbench.ui.coding.charts import ChartCanvas
from workbench.ui.coding.coder_filter import CoderFilter
from workbench.ui.coding.framework_view import FrameworkView
from workbench.ui.coding.tables import ROW_ROLE, frame_model, rows_model
from workbench.ui.fit import compact, labelled_grid
from workbench.ui.participants_model import format_duration

if TYPE_CHECKING:
    from workbench.ui.coding.wiring import TextCoding

ANY = "(any)"
EXTRACT_COLUMNS = (
    "Participant",
    "Timepoint",
    "Transcript",
    "Speaker",
    "Start",
    "Code",
    "Coder",
    "Text",
    "Memo",
)
HIT_COLUMNS = ("Participant", "Transcript", "Time", "Left", "Match", "Right")
SIMILAR_COLUMNS = ("Score", "Participant", "Transcript", "Time", "Speaker", "Left", "Passage", "Right")
SIMILAR_TOP = 50


def _combo(items, tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setToolTip(tip)
    combo.addItem(ANY, None)
    for text, data in items:
        combo.addItem(text, data)
    return compact(combo)


class RetrievalTab(QWidget):
    def __init__(self, host: TextCoding, parent: QWidget | None = None):
        super().__init__(parent)
        self.host = host
        db = host.db
        records = host.window.participants_model.records
        self.extract_rows: list = []
        self.hits: list = []
        self.viewer = CoderFilter(host.coder, people.list_coders(db))
        self.code = _combo(host.codes.choices(), "Code (with its sub-codes)")
        self.participant = _combo([(p.pseudonym, p.pseudonym) for p in records], "Participant")
        self.site = _combo([(s, s) for s in sorted({p.site for p in records if p.site})], "Site")
        self.timepoint = _combo([(t.name, t.name) for t in people.list_timepoints(db)], "Timepoint")
        self.attribute = QLineEdit()
        self.attribute.setPlaceholderText("attribute=value")
        self.coder = _combo([(c.name, c.id) for c in people.list_coders(db)], "Coder")
        show = QPushButton("Show")
        show.clicked.connect(lambda: self.host.window.guarded(self.refresh))
        compact(self.viewer)
        filters = labelled_grid(
            [
                ("Show", self.viewer),
                ("Code", self.code),
                ("Participant", self.participant),
                ("Coder", self.coder),
                ("Site", self.site),
                ("Timepoint", self.timepoint),
                ("Attribute", self.attribute),
                ("", show),
            ],
            columns=3,
        )
        self.pages = QTabWidget()
        self.extracts_table = self._table(self._open_extract)
        self.pages.addTab(self.extracts_table, "Extracts")
        self.search_page = self._search_page()
        self.pages.addTab(self.search_page, "Text search")
        self.freq_table, self.freq_chart = self._table(), ChartCanvas()
        self.pages.addTab(self._split(self.freq_table, self.freq_chart), "Frequencies")
        self.unit = QComboBox()
        self.unit.addItem("Overlapping codings", "span")
        self.unit.addItem("Same segment", "segment")
        self.unit.currentIndexChanged.connect(lambda _i: self.host.window.guarded(self.refresh))
        self.co_table, self.co_chart = self._table(), ChartCanvas()
        co_page = QWidget()
        co_layout = QVBoxLayout(co_page)
        co_layout.addWidget(self.unit)
        co_layout.addWidget(self._split(self.co_table, self.co_chart))
        self.pages.addTab(co_page, "Co-occurrence")
        self.framework = FrameworkView(host)
        self.pages.addTab(self.framework, "Framework")
        self.summary = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.summary)
        host.window.changed.connect(self._changed)
        current = host.current_code()
        if current is not None:
            self.choose_code(current.id)
        host.window.guarded(self.refresh)

    def _table(self, on_open=None) -> QTableView:
        table = QTableView()
        table.setSortingEnabled(False)
        table.setWordWrap(False)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        if on_open is not None:
            table.doubleClicked.connect(lambda index: self.host.window.guarded(lambda: on_open(index.row())))
        return table

    def _split(self, table: QWidget, chart: QWidget) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(table)
        splitter.addWidget(chart)
        return splitter

    def _search_page(self) -> QWidget:
        page = QWidget()
        self.query = QLineEdit()
        self.query.setPlaceholderText("Search the transcripts…")
        self.query.returnPressed.connect(self.search)
        self.mode = QComboBox()
        for text, mode in (
            ("Exact", "exact"),
            ("Regular expression", "regex"),
            ("Lemma (any inflection)", "lemma"),
            ("Similar meaning (with the filters)", "similar"),
        ):
            self.mode.addItem(text, mode)
        self.case = QCheckBox("Match case")
        go = QPushButton("Search")
        go.clicked.connect(self.search)
        bar = QHBoxLayout()
        for widget in (self.query, self.mode, self.case, go):
            bar.addWidget(widget)
        self.hits_table = self._table(self._open_hit)
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.hits_table)
        return page

    # --- filters ------------------------------------------------------------------------------

    def choose_code(self, code_id: int) -> None:
        self.code.setCurrentIndex(max(0, self.code.findData(code_id)))

    def filters(self) -> Filters:
        code = self.host.codes.get(self.code.currentData()) if self.code.currentData() else None
        attributes: tuple[tuple[str, str], ...] = ()
        if self.attribute.text().strip():
            name, sep, value = self.attribute.text().partition("=")
            if not sep or not name.strip():
                raise WorkbenchError("Write an attribute filter as name=value, e.g. arm=COS-P.")
            attributes = ((name.strip(), value.strip()),)
        return Filters(
            code_guids=(code.guid,) if code else (),
            participants=(self.participant.currentData(),) if self.participant.currentData() else (),
            site=self.site.currentData(),
            timepoint=self.timepoint.currentData(),
            attributes=attributes,
            coder_ids=(self.coder.currentData(),) if self.coder.currentData() else (),
        )

    # --- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read what the pages show on the database worker (in turn, after any coding submitted
        before), then show it."""
        db, viewer, filters, unit = (
            self.host.db,
            self.viewer.viewer(),
            self.filters(),
            self.unit.currentData(),
        )
        codes = self.host.exports.framework_codes()

        def read():
            return (
                retrieval.extracts(db, viewer, filters),
                retrieval.code_frequencies(db, viewer, filters),
                retrieval.cooccurrence(db, viewer, unit, filters),
                retrieval.framework_matrix(db, viewer, codes, filters),
            )

        def show(found) -> None:
            if shiboken6.isValid(self):  # the tab may be closed by then
                self._show(*found)

        self.host.window.db_worker.submit(read, show, self.host.window.show_error)

    def _show(self, extracts, freq, co, matrix) -> None:
        self.extract_rows = extracts
        rows = [
            (
                e.participant,
                e.timepoint,
                e.transcript_name,
                e.speaker,
                format_duration(e.start_ms),
                " / ".join(e.code_path),
                e.coder,
                e.text,
                e.memo,
            )
            for e in self.extract_rows
        ]
        self.extracts_table.setModel(rows_model(EXTRACT_COLUMNS, rows, self.extract_rows, self))
        self.extracts_table.resizeColumnsToContents()
        self.freq_table.setModel(frame_model(freq, self))
        self.freq_chart.show_frequencies(freq)
        self.co_table.setModel(frame_model(co, self))
        self.co_chart.show_cooccurrence(co)
        self.framework.show_matrix(matrix)
        self.summary.setText(f"{len(self.extract_rows)} extracts")

    def _changed(self, change) -> None:
        if change.touches("text_codings") or change.touches("memos") or change.touches("framework_summaries"):
            self.host.window.guarded(self.refresh)

    def search(self) -> None:
        query, mode = self.query.text(), self.mode.currentData()
        if mode == "similar":
            self.find_similar(text=query)
            return
        self.summary.setText("Searching…")
        self.host.window.runner.run(
            f"Searching for {query!r}",
            text_search.search_text,
            self.host.db,
            query,
            mode,
            self.case.isChecked(),
            on_done=self.show_hits,
            on_error=lambda message: self.summary.setText(f"Search failed: {message}"),
        )

    def show_hits(self, hits) -> None:
        self.hits = list(hits)
        rows = [
            (h.participant, h.transcript_name, format_duration(h.time_ms or 0), h.left, h.match, h.right)
            for h in self.hits
        ]
        self.hits_table.setModel(rows_model(HIT_COLUMNS, rows, self.hits, self))
        self.hits_table.resizeColumnsToContents()
        self.summary.setText(f"{len(self.hits)} hits")

    def find_similar(self, text: str | None = None, span: tuple[int, int, int] | None = None) -> None:
        """Passages like ``text``, or like the ``span`` (transcript, start, end) of a transcript,
        narrowed by the filters above; the index catches up first (on the pool, writes on the worker)."""
        from workbench.services.semantic_search import find_similar

        self.pages.setCurrentIndex(self.pages.indexOf(self.search_page))
        self.mode.setCurrentIndex(self.mode.findData("similar"))
        filters = self.filters()
        tid, where = (span[0], (span[1], span[2])) if span else (None, None)
        self.summary.setText("Finding similar passages…")
        self.host.window.runner.run(
            "Finding similar passages",
            find_similar,
            self.host.db,
            self.host.coder.id,
            None if span else text,
            tid,
            where,
            SIMILAR_TOP,
            filters,
            database=self.host.window.db_worker.call,
            on_done=self.show_similar,
            on_error=lambda message: self.summary.setText(f"Search failed: {message}"),
        )

    def show_similar(self, found) -> None:
        if not shiboken6.isValid(self):
            return
        self.hits = [p.hit for p in found]
        rows = [
            (
                f"{p.score:.2f}",
                p.hit.participant,
                p.hit.transcript_name,
                format_duration(p.hit.time_ms or 0),
                p.hit.speaker or "",
                p.hit.left,
                p.hit.match,
                p.hit.right,
            )
            for p in found
        ]
        self.hits_table.setModel(rows_model(SIMILAR_COLUMNS, rows, self.hits, self))
        self.hits_table.resizeColumnsToContents()
        self.summary.setText(f"{len(self.hits)} similar passages, most alike first")

    # --- opening ------------------------------------------------------------------------------

    def _open_extract(self, row: int) -> None:
        e = self.extracts_table.model().index(row, 0).data(ROW_ROLE)
        view = self.host.open_transcript_id(e.transcript_id)
        view.pick(e.coding_id)

    def _open_hit(self, row: int) -> None:
        hit = self.hits_table.model().index(row, 0).data(ROW_ROLE)
        view = self.host.open_transcript_id(hit.transcript_id)
        view.edit.select_span(hit.start_pos, hit.end_pos)
