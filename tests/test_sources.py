"""Sources as analysts keep them: a saved web page, a PDF, a URL; the original kept; bad input refused."""

import http.server
import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import snapshot

from facts.cli import cli
from facts.db import open_db

PAGES = Path(__file__).parent / "fixtures" / "pages"
PAGE = PAGES / "daily-test.html"


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), *args], env={"FACTS_AUTHOR": "librarian"})


def stored(db, key) -> dict:
    return dict(open_db(db).query("SELECT * FROM sources WHERE key = ?", [key]).__next__())


def make_pdf(path: Path, pages: list[str], encrypt: bool = False, title: str | None = "Border report") -> Path:
    from fpdf import FPDF
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.set_author("Monitoring Desk")
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, text)
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password="reader")
    pdf.output(str(path))
    return path


def test_a_saved_web_page_gives_its_article_and_its_metadata(seeded_path):
    result = run(seeded_path, "sources", "add", str(PAGE), "--key", "daily-test")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Added source daily-test (web page, 388 characters)"
    source = stored(seeded_path, "daily-test")
    assert (source["title"], source["author"], source["publisher"], source["published"], source["url"],
            source["language"], source["media_type"]) == (
        "How many Russian troops are in Belarus?", "Jane Reporter", "The Daily Test", "2023-03-06",
        "https://daily.example/world/belarus-troops", "en-GB", "text/html")
    text = source["text"]
    assert text.startswith("How many Russian troops are in Belarus?\n\nThe border guard said on 1 March")
    for markup in ("<", "Top 50", "99 cents", "width", "123456", "Related stories", "10,000 soldiers",
                   "500 employees", "60 armoured"):
        assert markup not in text, markup  # navigation, ads, styles, scripts, captions, asides, footers
    # Only the article's figures are proposed.
    found = json.loads(run(seeded_path, "extract", "daily-test", "--json", "--kind", "quantity").stdout)
    assert [c["text"] for c in found] == ["up to about 8,000 Russian troops", "roughly 12,000",
                                          "more than 40 trains", "could reach 15,000"]


def test_a_flag_wins_over_what_the_page_says(seeded_path):
    result = run(seeded_path, "sources", "add", str(PAGE), "--key", "daily-test", "--title", "Troops in Belarus",
                 "--published", "2023-03", "--archive-url", "https://web.archive.example/2023/daily-test")
    assert result.exit_code == 0, result.output
    source = stored(seeded_path, "daily-test")
    assert (source["title"], source["published"], source["author"], source["archive_url"]) == (
        "Troops in Belarus", "2023-03", "Jane Reporter", "https://web.archive.example/2023/daily-test")


def test_the_original_is_kept_and_given_back(seeded_path, tmp_path):
    assert run(seeded_path, "sources", "add", str(PAGE), "--key", "daily-test").exit_code == 0
    out = tmp_path / "back.html"
    result = run(seeded_path, "sources", "original", "daily-test", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == PAGE.read_bytes()
    import hashlib
    sha = open_db(seeded_path).execute("SELECT sha256 FROM source_originals").fetchall()
    assert (hashlib.sha256(PAGE.read_bytes()).hexdigest(),) in sha


def test_a_pdf_gives_its_text_page_by_page(seeded_path, tmp_path):
    pdf = make_pdf(tmp_path / "report.pdf", ["Page one says about 8,000 Russian troops remained near Brest.",
                                             "Page two says more than 40 trains arrived in March."])
    result = run(seeded_path, "sources", "add", str(pdf), "--key", "border-report")
    assert result.exit_code == 0, result.output
    assert "PDF, 2 pages" in result.stdout
    source = stored(seeded_path, "border-report")
    assert (source["title"], source["author"], source["media_type"]) == (
        "Border report", "Monitoring Desk", "application/pdf")
    starts = json.loads(source["page_starts"])
    assert len(starts) == 2 and source["text"][starts[1]:].startswith("Page two says")
    assert source["text"][:starts[1]].strip().endswith("near Brest.")


@pytest.mark.parametrize("make, says", [
    (lambda p: make_pdf(p, ["", ""]), "a PDF with no text layer (a scan?): it needs OCR first"),
    (lambda p: make_pdf(p, ["Secret: 9,000 troops."], encrypt=True), "an encrypted PDF"),
    (lambda p: p.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8), "neither a web page, a PDF nor text"),
    (lambda p: p.write_bytes(b"%PDF-1.7\n garbage that is no PDF"), "not a readable PDF"),
    (lambda p: p.write_text("<!DOCTYPE html><html><head><title>Menu</title></head><body><nav>Home</nav></body></html>"),
     "a web page with no article text in it"),
    (lambda p: p.write_text("   \n\n  "), "holds no text"),
])
def test_bad_documents_are_refused_in_one_line(seeded_path, tmp_path, make, says):
    path = tmp_path / "document.bin"
    make(path)
    before = snapshot(seeded_path)
    result = run(seeded_path, "sources", "add", str(path), "--key", "bad", "--title", "Bad")
    assert result.exit_code == 1, result.output
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert snapshot(seeded_path) == before


def test_the_same_text_twice_is_reported(seeded_path, tmp_path):
    assert run(seeded_path, "sources", "add", str(PAGE), "--key", "daily-test").exit_code == 0
    copy = tmp_path / "copy.html"
    copy.write_bytes(PAGE.read_bytes())
    result = run(seeded_path, "sources", "add", str(copy), "--key", "daily-copy")
    assert result.exit_code == 0
    assert "source daily-test has the very same text" in result.stderr


class Pages(http.server.BaseHTTPRequestHandler):
    """A web server for the tests, on 127.0.0.1 only."""

    routes: dict = {}

    def do_GET(self):
        status, media_type, body = self.routes.get(self.path, (404, "text/plain", b"not here"))
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    pdf = make_pdf(tmp_path / "served.pdf", ["Served: up to about 8,000 Russian troops."])
    Pages.routes = {
        "/article": (200, "text/html; charset=utf-8", PAGE.read_bytes()),
        "/report.pdf": (200, "application/pdf", pdf.read_bytes()),
        "/image.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
        "/broken": (500, "text/plain", b"oops"),
    }
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_url_is_fetched_and_read_as_what_it_is(seeded_path, server):
    result = run(seeded_path, "sources", "add", f"{server}/article", "--key", "fetched-page")
    assert result.exit_code == 0, result.output
    page = stored(seeded_path, "fetched-page")
    assert page["media_type"] == "text/html" and page["title"] == "How many Russian troops are in Belarus?"
    assert page["url"] == "https://daily.example/world/belarus-troops"  # the page's canonical URL
    assert page["retrieved"] is not None
    result = run(seeded_path, "sources", "add", f"{server}/report.pdf", "--key", "fetched-pdf")
    assert result.exit_code == 0, result.output
    pdf = stored(seeded_path, "fetched-pdf")
    assert pdf["media_type"] == "application/pdf" and pdf["url"] == f"{server}/report.pdf"


@pytest.mark.parametrize("path, says", [
    ("/missing", "the server answered 404"),
    ("/broken", "the server answered 500"),
    ("/image.png", "neither a web page nor a PDF (image/png)"),
])
def test_a_url_that_fails_is_refused_in_one_line(seeded_path, server, path, says):
    before = snapshot(seeded_path)
    result = run(seeded_path, "sources", "add", f"{server}{path}", "--key", "bad", "--title", "Bad")
    assert result.exit_code == 1 and says in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert snapshot(seeded_path) == before


def test_a_url_larger_than_the_limit_is_refused(seeded_path, server, monkeypatch):
    import facts.documents
    import facts.files
    monkeypatch.setattr(facts.documents, "MAX_FILE_BYTES", 1000)
    result = run(seeded_path, "sources", "add", f"{server}/article", "--key", "big", "--title", "Big")
    assert result.exit_code == 1 and "larger than" in result.stderr


def test_an_unreachable_url_is_refused_quickly(seeded_path, monkeypatch):
    import facts.documents
    monkeypatch.setattr(facts.documents, "FETCH_SECONDS", 2)
    result = run(seeded_path, "sources", "add", "http://127.0.0.1:9/nothing", "--key", "gone", "--title", "Gone")
    assert result.exit_code == 1 and "could not be fetched" in result.stderr


def test_metadata_changes_keep_who_when_and_why(seeded_path):
    result = run(seeded_path, "sources", "edit", "odr-2022-02-09", "--reliability", "c", "--title", "Why Belarus?",
                 "--reason", "the count is second-hand")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Source odr-2022-02-09: title, reliability changed"
    (by, reason, old, new), = open_db(seeded_path).execute(
        "SELECT changed_by, reason, old, new FROM source_history").fetchall()
    assert (by, reason) == ("librarian", "the count is second-hand")
    assert json.loads(old) == {"title": "Why is Belarus hosting Russian troops?", "reliability": "B"}
    assert json.loads(new) == {"title": "Why Belarus?", "reliability": "C"}
    before = snapshot(seeded_path)
    bad = run(seeded_path, "sources", "edit", "odr-2022-02-09", "--reliability", "Z", "--reason", "r")
    assert bad.exit_code == 1 and "reliability" in bad.stderr and snapshot(seeded_path) == before


def test_only_a_source_no_fact_cites_can_be_removed(seeded_path):
    before = snapshot(seeded_path)
    refused = run(seeded_path, "sources", "remove", "odr-2022-02-09")
    assert refused.exit_code == 1
    assert refused.stderr.strip() == "Error: source 'odr-2022-02-09' is cited by 23 facts: it cannot be removed"
    assert snapshot(seeded_path) == before
    assert run(seeded_path, "sources", "add", str(PAGE), "--key", "daily-test").exit_code == 0
    assert run(seeded_path, "sources", "remove", "daily-test").exit_code == 0
    db = open_db(seeded_path)
    assert db.execute("SELECT count(*) FROM sources WHERE key = 'daily-test'").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM source_originals WHERE source_id NOT IN (SELECT id FROM sources)"
                      ).fetchone()[0] == 0


def test_a_new_version_anchors_every_quote_it_can_and_keeps_the_orphans(seeded_path, tmp_path):
    """A paragraph inserted before a quote (found exactly), a word changed inside another (found by its
    context), a quoted sentence deleted (an orphan, kept and listed)."""
    from facts.writing import add_fact
    first = tmp_path / "v1.txt"
    first.write_text("Brest, 6 March.\n\nThe guard said about 8,000 troops remained near Brest.\n\n"
                     "Monitors counted more than 40 trains in March.\n\nAnalysts say 15,000 could follow.\n",
                     encoding="utf-8")
    assert run(seeded_path, "sources", "add", str(first), "--key", "memo", "--title", "Memo").exit_code == 0
    db = open_db(seeded_path)
    quotes = {"troops": "about 8,000 troops remained near Brest", "trains": "Monitors counted more than 40 trains",
              "follow": "Analysts say 15,000 could follow"}
    ids = {name: add_fact(db, {"claim": f"A claim about {name}.", "subject": name, "quantity": "1", "date": "2023",
                               "actor": "NATO", "source": "memo", "quote": quote, "confidence": 0.5}, "tester")[0]
           for name, quote in quotes.items()}
    second = tmp_path / "v2.txt"
    second.write_text("Brest, 6 March.\n\nA new paragraph comes first.\n\n"
                      "The guard said about 8,000 troops remained near Brest.\n\n"
                      "Monitors tallied more than 40 trains in March.\n\n", encoding="utf-8")
    result = run(seeded_path, "sources", "update", "memo", str(second), "--reason", "corrected by the publisher")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == ("Stored version 2 of memo: 2 quotes found again (1 exact, 0 by their context, 1 reworded), "
                        "1 orphaned")
    assert lines[1] == f"Orphan: fact #{ids['follow']} (its quote is no longer in the source; the fact is kept)"
    text = second.read_text(encoding="utf-8")
    rows = {r[0]: r[1:] for r in db.execute("SELECT id, quote, quote_start, anchored_by FROM facts WHERE id IN "
                                            f"({', '.join(str(i) for i in ids.values())})")}
    troops, trains, follow = rows[ids["troops"]], rows[ids["trains"]], rows[ids["follow"]]
    assert troops[2] == "exact" and text[troops[1]:troops[1] + len(troops[0])] == troops[0]
    assert trains[2] == "fuzzy" and trains[0] == "Monitors tallied more than 40 trains"
    assert follow == ("Analysts say 15,000 could follow", None, "orphan")  # kept, not deleted
    history = db.execute("SELECT new FROM fact_history WHERE fact_id = ? ORDER BY id DESC", [ids["trains"]]).fetchone()
    assert json.loads(history[0])["anchored_by"] == "fuzzy"
    versions = json.loads(run(seeded_path, "sources", "versions", "memo", "--json").stdout)
    assert [v["version"] for v in versions] == [1, 2] and versions[0]["replaced_by"] == "librarian"
    table = run(seeded_path, "sources", "versions", "memo").stdout.splitlines()
    assert table[2].split("│")[4].strip()[:4].isdigit() and "librarian" in table[2]  # when it was replaced, by whom
    assert "current" in table[3] and versions[1]["sha256"][:12] in table[3]
    # The orphan is found by a filter term and shown as one.
    orphans = json.loads(run(seeded_path, "list", "--where", "anchor:orphan", "--json").stdout)
    assert [f["id"] for f in orphans] == [ids["follow"]] and orphans[0]["anchored_by"] == "orphan"
    shown = run(seeded_path, "show", str(ids["follow"])).stdout
    assert "Quote (an orphan: not in the source's current version; kept as it was):" in shown
    bad = run(seeded_path, "list", "--where", "anchor:lost")
    assert bad.exit_code == 1 and "unknown anchoring 'lost'" in bad.stderr
    out = tmp_path / "v1-back.txt"
    assert run(seeded_path, "sources", "original", "memo", "--version", "1", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


def test_a_reworded_quote_is_found_fuzzily():
    from facts.quotes import find_quote, reanchor
    old = "Intro.\nOfficials said that about 8,000 Russian troops remained near the city of Brest.\nEnd."
    anchor = find_quote(old, "about 8,000 Russian troops remained near the city of Brest")
    new = ("Intro, rewritten.\nOfficials said on Monday that about 8,000 Russian soldiers remained near the city "
           "of Brest.\n")
    found, how = reanchor(new, anchor.exact, anchor.prefix, anchor.suffix, anchor.start)
    assert how == "fuzzy" and "8,000 Russian soldiers remained near the city of Brest" in found.exact


def test_a_changed_quote_between_its_old_neighbours_is_found_by_its_context():
    from facts.quotes import find_quote, reanchor
    old = "Intro.\nNATO says about 30,000 troops are in Belarus. The blog counts 10,000 arrivals so far.\nEnd."
    anchor = find_quote(old, "The blog counts 10,000 arrivals so far.")
    new = old.replace("counts 10,000", "counted 10,000")
    found, how = reanchor(new, anchor.exact, anchor.prefix, anchor.suffix, anchor.start)
    assert how == "context" and found.exact == "The blog counted 10,000 arrivals so far."
