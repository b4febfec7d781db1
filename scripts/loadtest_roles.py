"""`make loadtest`'s simulated people (see `loadtest`): officials browsing the dashboards,
department heads filling in and submitting quarterly reports, the admin importing files, and a
watcher of the analytics generation readers see; with the run's settings from the environment."""

from __future__ import annotations

import os
import random
import re
import threading
import time
from dataclasses import dataclass, field

from loadtest_checks import (
    GenerationWatch,
    Import,
    SubmittedReport,
    page_mixes_generations,
)
from loadtest_http import Browser, Response, csrf_token
from loadtest_prepare import (
    IMPORT_INDEX,
    IMPORT_LEVEL,
    IMPORT_YEAR,
    import_file_paths,
)

USERS = int(os.environ.get("LOADTEST_USERS", "50"))
SECONDS = float(os.environ.get("LOADTEST_SECONDS", "300"))
IMPORT_EVERY = float(os.environ.get("LOADTEST_IMPORT_EVERY", "60"))
THINK_S = float(os.environ.get("LOADTEST_THINK_S", "1.0"))
DOUBLE_CLICK = float(os.environ.get("LOADTEST_DOUBLE_CLICK", "0.25"))
PORT = int(os.environ.get("LOADTEST_PORT", "8790"))
GUNICORN_WORKERS = os.environ.get("LOADTEST_GUNICORN_WORKERS", "3")
REUSE = os.environ.get("LOADTEST_REUSE_DB") == "1"
WORKER_NAME = "loadtest"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

INTERNAL_PAGE = f"/chi-so/noi-bo/?chi_so={IMPORT_INDEX}&nam={IMPORT_YEAR}"
OFFICIAL_PAGES: dict[str, list[str]] = {
    "home": ["/"],
    "index": ["/chi-so/PCI/?nam=2021", "/chi-so/PAPI/", "/chi-so/PAR/"],
    "unit": ["/don-vi/49/", "/don-vi/502/"],
    "internal": [INTERNAL_PAGE, "/chi-so/noi-bo/?chi_so=PAR_DEPT"],
    "compare": ["/chi-so/so-sanh/?chi_so=PCI&don_vi=49&don_vi=48&don_vi=01"],
    "map": ["/chi-so/ban-do/?chi_so=PCI"],
}


@dataclass
class Hit:
    name: str
    status: int
    ms: float
    expected: bool


@dataclass
class Run:
    deadline: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    hits: list[Hit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    submitted: list[SubmittedReport] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    watch: GenerationWatch = field(default_factory=GenerationWatch)

    def over(self) -> bool:
        return time.monotonic() >= self.deadline

    def call(
        self,
        browser: Browser,
        name: str,
        method: str,
        path: str,
        *,
        expect: tuple[int, ...] = (200,),
        fields: list[tuple[str, str]] | None = None,
        files: list[tuple[str, str, bytes, str]] | None = None,
    ) -> Response | None:
        try:
            response = browser.request(method, path, fields=fields, files=files)
        except OSError as error:
            self.record(Hit(name, 0, 0.0, False), f"{name} {path}: {error}")
            return None
        ok = response.status in expect
        self.record(
            Hit(name, response.status, response.ms, ok),
            "" if ok else f"{name} {method} {path}: HTTP {response.status}",
        )
        return response

    def record(self, hit: Hit, problem: str = "") -> None:
        with self.lock:
            self.hits.append(hit)
            if problem:
                self.problems.append(problem)

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)


def think(rng: random.Random) -> None:
    time.sleep(rng.uniform(0.5, 1.5) * THINK_S)


def login(run: Run, browser: Browser, username: str, password: str) -> bool:
    page = run.call(browser, "login", "GET", "/dang-nhap/")
    if page is None:
        return False
    done = run.call(
        browser,
        "login",
        "POST",
        "/dang-nhap/",
        expect=(302,),
        fields=[
            ("csrfmiddlewaretoken", csrf_token(page.body)),
            ("username", username),
            ("password", password),
        ],
    )
    return done is not None and done.status == 302


# People ------------------------------------------------------------------------------------------


def official(run: Run, username: str, password: str, seed: int) -> None:
    rng = random.Random(seed)
    browser = Browser(PORT)
    if not login(run, browser, username, password):
        return
    names = list(OFFICIAL_PAGES)
    while not run.over():
        name = rng.choice(names)
        path = rng.choice(OFFICIAL_PAGES[name])
        response = run.call(browser, name, "GET", path)
        if response is not None and response.status == 200 and path == INTERNAL_PAGE:
            mixed = page_mixes_generations(response.body)
            with run.lock:
                if mixed is not None:
                    run.watch.pages_checked += 1
                    run.watch.pages_mixed += int(mixed)
        think(rng)


REPORT_RE = re.compile(r"/tien-do/bao-cao/(\d+)/")


def _report_fields(page: str, *, action: str) -> list[tuple[str, str]]:
    fields = [("csrfmiddlewaretoken", csrf_token(page)), ("action", action)]
    for progress in re.findall(r'name="p(\d+)-status"', page):
        fields += [
            (f"p{progress}-status", "done"),
            (f"p{progress}-percent_complete", "100"),
            (f"p{progress}-done", "Đã hoàn thành trong quý (thử tải)."),
            (f"p{progress}-difficulties", ""),
            (f"p{progress}-proposals", ""),
            (f"p{progress}-explanation", "Số liệu thử tải."),
        ]
    fields += [(name, "12") for name in re.findall(r'name="(i\d+)"', page)]
    return fields


def clicks(
    run: Run,
    browser: Browser,
    name: str,
    path: str,
    fields: list[tuple[str, str]],
    *,
    double: bool,
    expect: tuple[int, ...] = (302,),
) -> list[Response | None]:
    """A form's button pressed once, or twice at once (a double click)."""
    results: list[Response | None] = [None, None] if double else [None]

    def press(slot: int) -> None:
        results[slot] = run.call(browser, name, "POST", path, expect=expect, fields=fields)

    threads = [threading.Thread(target=press, args=(n,)) for n in range(len(results))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _report_open(
    run: Run, browser: Browser, window_id: int, key: str, double: bool, rng: random.Random
) -> tuple[int, str] | None:
    """The quarter's page, then "open the report" (its id and path, once it redirects there)."""
    home = run.call(browser, "progress_home", "GET", f"/tien-do/?quy={key}")
    if home is None or home.status != 200:
        return None
    think(rng)
    starts = clicks(
        run,
        browser,
        "report_open",
        f"/tien-do/ky/{window_id}/mo/",
        [("csrfmiddlewaretoken", csrf_token(home.body))],
        double=double,
    )
    for start in starts:
        found = REPORT_RE.search(start.location) if start is not None else None
        if found:
            return int(found.group(1)), found.group(0)
    return None


def _report_submitted(run: Run, browser: Browser, path: str) -> bool:
    page = run.call(browser, "report", "GET", path)
    if page is None or page.status != 200:
        return False
    status = re.search(r'id="report-status">([^<]*)<', page.body)
    if status and status.group(1).strip() in ("Đã gửi", "Submitted"):
        return True
    run.problem(f"{path} not submitted after submit: {status and status.group(1)}")
    return False


def head(
    run: Run, username: str, password: str, unit_id: int, windows: list[tuple[int, str]], seed: int
) -> None:
    """Quarter after quarter: open the report, save it with one evidence file per task, submit."""
    rng = random.Random(seed)
    browser = Browser(PORT)
    if not login(run, browser, username, password):
        return
    for window_id, key in windows:
        if run.over():
            return
        double = rng.random() < DOUBLE_CLICK
        opened = _report_open(run, browser, window_id, key, double, rng)
        if opened is None:
            continue
        report_id, path = opened
        page = run.call(browser, "report", "GET", path)
        if page is None or page.status != 200:
            continue
        think(rng)
        files = [
            (f"evidence-{p}", f"minh-chung-{report_id}-{p}.pdf", PDF, "application/pdf")
            for p in re.findall(r'name="p(\d+)-status"', page.body)
        ]
        fields = _report_fields(page.body, action="save")
        saved = run.call(
            browser, "report_save", "POST", path, expect=(302,), fields=fields, files=files
        )
        if saved is None or saved.status != 302:
            continue
        page = run.call(browser, "report", "GET", path)
        if page is None or page.status != 200:
            continue
        think(rng)
        # A second click lands on a report already submitted: refused (403), or turned back by
        # the transition (the form again with the reason). Either way, one submission, and
        # nothing written to the report once it is submitted (checked afterwards).
        submits = clicks(
            run,
            browser,
            "report_submit",
            path,
            _report_fields(page.body, action="submit"),
            double=double,
            expect=(302, 403, 200) if double else (302,),
        )
        if any(s is not None and s.status == 302 for s in submits) and _report_submitted(
            run, browser, path
        ):
            with run.lock:
                run.submitted.append(
                    SubmittedReport(report_id, unit_id, window_id, files_uploaded=len(files))
                )
        think(rng)


BATCH_RE = re.compile(r"/chi-so/nhap-du-lieu/(\d+)/$")


def admin(run: Run, username: str, password: str, first_version: int) -> None:
    browser = Browser(PORT)
    if not login(run, browser, username, password):
        return
    files = [path.read_bytes() for path in import_file_paths()]
    number = 0
    next_at = time.monotonic() + 5
    while True:
        while time.monotonic() < next_at and not run.over():
            time.sleep(0.2)
        if run.over():
            return
        next_at += IMPORT_EVERY
        version = (first_version + number) % 2
        number += 1
        listing = run.call(browser, "import_list", "GET", "/chi-so/nhap-du-lieu/")
        if listing is None or listing.status != 200:
            continue
        upload = run.call(
            browser,
            "import_upload",
            "POST",
            "/chi-so/nhap-du-lieu/",
            expect=(302,),
            fields=[
                ("csrfmiddlewaretoken", csrf_token(listing.body)),
                ("index", IMPORT_INDEX),
                ("year", str(IMPORT_YEAR)),
                ("level", IMPORT_LEVEL),
                ("held", ""),
            ],
            files=[
                ("file", f"par_district_{IMPORT_YEAR}_v{version}.csv", files[version], "text/csv")
            ],
        )
        found = BATCH_RE.search(upload.location) if upload else None
        if found is None:
            run.problem(f"import upload not accepted: {upload and upload.status}")
            continue
        batch_id = int(found.group(1))
        preview = run.call(browser, "import_preview", "GET", found.group(0))
        if preview is None or preview.status != 200:
            with run.lock:
                run.imports.append(Import(batch_id, committed=False))
            continue
        commit = run.call(
            browser,
            "import_commit",
            "POST",
            f"/chi-so/nhap-du-lieu/{batch_id}/ghi/",
            expect=(302,),
            fields=[("csrfmiddlewaretoken", csrf_token(preview.body))],
        )
        committed = commit is not None and commit.location == "/chi-so/nhap-du-lieu/"
        with run.lock:
            run.imports.append(Import(batch_id, committed=committed))
        if committed:
            run.call(browser, "import_list", "GET", commit.location)


def watcher(run: Run, edition_id: int, stop: threading.Event) -> None:
    """Every half second, one snapshot (one statement): the run the imported edition's pointer
    names, and the runs that have result rows for it: a partition per run on PostgreSQL (read
    from the catalogue, which takes no lock a switch could wait on), plus any rows in the
    default partition. Rows of two runs, or of a run readers are not pointed at, would be two
    generations visible at once.

    (Scanning indices_rankresult itself for every run's rows deadlocks with the switch's
    DROP of the old partition: the first version of this watcher did, once a run.)"""
    from django.db import DatabaseError, connection

    sql = (
        "SELECT ea.run_id, ARRAY(SELECT substring(c.relname FROM '_r([0-9]+)_e')::bigint "
        "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'indices_rankresult'::regclass AND c.relname ~ %s), "
        "ARRAY(SELECT DISTINCT d.run_id FROM indices_rankresult_default d "
        "WHERE d.edition_id = %s) "
        "FROM indices_editionanalysis ea WHERE ea.edition_id = %s"
    )
    pattern = f"^indices_rankresult_r[0-9]+_e{int(edition_id)}$"
    try:
        while not stop.is_set():
            try:
                with connection.cursor() as cursor:
                    cursor.execute(sql, [pattern, edition_id, edition_id])
                    pointer, partitions, default = cursor.fetchone()
            except DatabaseError as error:
                run.problem(f"generation watcher: {error}".splitlines()[0])
                stop.wait(0.5)
                continue
            runs = set(partitions) | set(default)
            with run.lock:
                run.watch.samples += 1
                if runs != {pointer}:
                    run.watch.mixed_samples.append(f"pointer {pointer}, rows of runs {runs}")
            stop.wait(0.5)
    finally:
        connection.close()


# The stack ---------------------------------------------------------------------------------------
