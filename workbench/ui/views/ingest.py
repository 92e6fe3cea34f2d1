"""Ingest: upload files, list server-side paths, paste an article or give a URL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from workbench.ingest.status import IngestStatus
from workbench.records import ArticleDraft, IngestReport
from workbench.settings import Settings
from workbench.ui import common
from workbench.ui.components import display, uploads


def run_ingest(targets: list[str] | None = None, drafts: list[ArticleDraft] | None = None,
               folder: Path | None = None, server: bool = False,
               defaults: dict[str, str | None] | None = None) -> IngestReport:  # fmt: skip
    """Ingest with a live progress bar; stores the report for the result table."""
    wb = common.workbench()
    expected = max(len(targets or drafts or []), 1)
    bar = st.progress(0.0, text="Starting…")

    def progress(articles: int, claims: int) -> None:
        bar.progress(min(articles / expected, 1.0) if articles <= expected else 0.99,
                     text=f"{articles:,} article(s), {claims:,} claim(s)")  # fmt: skip

    def status(now: IngestStatus) -> None:
        # plain text of numbers and stage names only (st.progress renders its text as Markdown)
        done = min(now.inputs_done / expected, 1.0) if now.inputs_done <= expected else 0.99
        bar.progress(done, text=f"{now.inputs_done:,} input(s) · {now.line()}")

    with common.write_lock(), st.spinner("Reading, segmenting, attributing and embedding…"):
        if drafts is not None:
            report = wb.ingest_drafts(drafts, progress=progress, status=status)
        elif defaults:
            from workbench.ingest.limits import Limits
            from workbench.ingest.readers import iter_inputs

            items = iter_inputs(targets or [], limits=Limits.from_settings(wb.settings))
            report = wb.ingest_drafts(
                uploads.with_defaults(items, **defaults), progress=progress, status=status
            )
        elif server:
            report = wb.ingest_server_paths(
                targets or [], progress=progress, root=server_root(), status=status
            )
        else:
            report = wb.ingest(targets or [], progress=progress, status=status)
    bar.progress(1.0, text=f"Done in {report.seconds:.1f} s")
    for r in report.results:
        r.origin = uploads.display_origin(r.origin, folder)
    st.session_state["ingest_report"] = report
    return report


def show_report(report: IngestReport) -> None:
    msg = (f"Ingested {report.ingested} article(s) with {report.claims} claim(s); "
           f"{report.duplicates} duplicate(s) skipped; {report.failed} failed.")  # fmt: skip
    (st.warning if report.failed else st.success)(msg)
    st.dataframe(
        display.result_rows(report.results),
        hide_index=True,
        key="ingest_results",
        column_config={
            "input": st.column_config.TextColumn("input", width="medium"),
            "status": st.column_config.TextColumn("result", width="small"),
            "reason": st.column_config.TextColumn("reason", width="large"),
        },
    )


def upload_tab() -> None:
    files = st.file_uploader(
        "Files", type=uploads.UPLOAD_TYPES, accept_multiple_files=True, key="ingest_files",
        help="Text, Markdown, HTML, JSON, JSONL, CSV, TSV and RSS/Atom feeds.",
    )  # fmt: skip
    a, b = st.columns(2)
    outlet = a.text_input("Outlet", key="upload_outlet",
                          help="For files that name no outlet (front matter or a record field).")  # fmt: skip
    date = b.date_input("Date", value=None, key="upload_date", format="YYYY-MM-DD",
                        help="For files that name no date and have no dateline at the top.")  # fmt: skip
    if st.button(
        "Ingest uploaded files", key="ingest_upload_go", disabled=not files, type="primary"
    ):
        folder, paths = uploads.save_uploads(files)
        defaults = {
            "outlet": outlet.strip() or None,
            "date": date.isoformat() if isinstance(date, dt.date) else None,
        }
        try:
            run_ingest([str(p) for p in paths], folder=folder,
                       defaults=defaults if any(defaults.values()) else None)  # fmt: skip
        finally:
            uploads.remove_folder(folder)


def server_root() -> str:
    """The ``server_paths`` setting, read afresh (the open Workbench is cached per process)."""
    return Settings.from_env().server_paths.strip()


def paths_tab() -> None:
    root = server_root()
    if not root:
        st.info(
            "Reading files on the server is off. An administrator can allow one folder with the"
            " WORKBENCH\\_SERVER\\_PATHS setting."
        )
        return
    st.caption("Only files inside the folder the administrator allowed can be read.")
    text = st.text_area(
        "Files or folders inside the allowed folder, one per line",
        key="ingest_paths", placeholder="feeds/news.rss",
    )  # fmt: skip
    targets = uploads.parse_targets(text)
    if st.button("Ingest paths", key="ingest_paths_go", disabled=not targets, type="primary"):
        run_ingest(targets, server=True)


def paste_tab() -> None:
    with st.form("ingest_paste_form", border=False):
        title = st.text_input("Title", key="paste_title")
        a, b = st.columns(2)
        outlet = a.text_input("Outlet", key="paste_outlet")
        date = b.date_input("Date", value=None, key="paste_date", format="YYYY-MM-DD")
        url = st.text_input("URL", key="paste_url")
        text = st.text_area("Article text", key="paste_text", height=220)
        go = st.form_submit_button("Ingest article", type="primary", key="paste_go")
    if go:
        if not text.strip():
            st.error("Paste the article text first.")
            return
        draft = ArticleDraft(
            text=text, title=title.strip() or None, outlet=outlet.strip() or None,
            date=date.isoformat() if isinstance(date, dt.date) else None,
            url=url.strip() or None, origin=f"pasted: {title.strip() or 'untitled'}",
        )  # fmt: skip
        run_ingest(drafts=[draft])


def url_tab() -> None:
    url = st.text_input("Article or feed URL", key="ingest_url", placeholder="https://…")
    ok = url.strip().lower().startswith(("http://", "https://"))
    if st.button("Fetch and ingest", key="ingest_url_go", disabled=not ok, type="primary"):
        run_ingest([url.strip()])


def main() -> None:
    st.title("Ingest")
    st.caption(
        "Add articles. Re-ingesting an article changes nothing; a bad file never stops the rest."
    )
    tabs = st.tabs(["Upload files", "Server paths", "Paste text", "From a URL"])
    for tab, draw in zip(tabs, (upload_tab, paths_tab, paste_tab, url_tab), strict=True):
        with tab:
            draw()
    report = st.session_state.get("ingest_report")
    if report is not None:
        st.subheader("Last ingest")
        show_report(report)


main()
