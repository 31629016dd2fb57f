"""The published pages in a real browser: `facts serve` on the seeds, read by headless Chromium.

Each page's rendered DOM (`--dump-dom`) is checked, and a screenshot of it written to tests/screenshots/
(look at them when a page changes). Where Chromium cannot start, the test says so and fails.
"""

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from support import copy_db, facts_command

SHOTS = Path(__file__).parent / "screenshots"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def chromium() -> str:
    for name in BROWSERS:
        if found := shutil.which(name):
            return found
    pytest.fail("no Chromium here (tried chromium, chromium-browser, google-chrome): .ci/setup installs it")


def browse(url: str, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--window-size=1280,1400", *flags, url], capture_output=True, text=True, timeout=90)


@pytest.fixture(scope="module")
def site(seed_template, tmp_path_factory):
    db = tmp_path_factory.mktemp("served") / "facts.db"
    copy_db(seed_template, db)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(facts_command() + ["--db", str(db), "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/-/versions.json", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"facts serve did not start: {server.stderr.read().decode()[-500:]}")
            time.sleep(0.2)
    yield base
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=20)


PAGES = {  # name: path, what the rendered page must hold
    "facts-table": ("/facts/facts_flat", ["≈30,000 troops", 'href="/-/facts/facts/fact/1"', "Feb 2022"]),
    "fact": ("/-/facts/facts/fact/1", ["<mark>NATO officials claim Russia has roughly 30,000 troops stationed in "
                                       "Belarus</mark>", "Other claims on this subject", ">NATO</a>"]),
    "source": ("/-/facts/facts/source/odr-2022-02-09", ["<mark>Alexander Lukashenka has ruled Belarus since 1994",
                                                         'href="/-/facts/facts/fact/43"']),
    "compare": ("/-/facts/facts/compare?subject=Russian+troops+in+Belarus&unit=troops",
                ["Estimate: 20,000 (10,000–30,000)", "<svg", "When each claim holds"]),
    "actor": ("/-/facts/facts/actor/1", ["<h1>Alexander Lukashenko</h1>", "Also called",
                                         'href="/-/facts/facts/fact/37"']),
    "disagreements": ("/facts/subject_spread", ['compare?subject=Russian+troops+in+Belarus&amp;unit=troops">Russian '
                                                "troops in Belarus</a>", "Andrey Porotnikov; Jens Stoltenberg"]),
}


@pytest.mark.parametrize("name", PAGES)
def test_a_published_page_renders_in_a_real_browser(site, name):
    path, wanted = PAGES[name]
    dom = browse(site + path, "--dump-dom")
    if dom.returncode != 0 or "<html" not in dom.stdout:
        pytest.fail(f"Chromium could not render {path}: {dom.stderr.strip()[-500:]}")
    for text in wanted:
        assert text in dom.stdout, (name, text)
    assert "Traceback" not in dom.stdout and "Error 500" not in dom.stdout
    SHOTS.mkdir(exist_ok=True)
    shot = SHOTS / f"{name}.png"
    shot.unlink(missing_ok=True)
    taken = browse(site + path, f"--screenshot={shot}")
    assert taken.returncode == 0 and shot.exists() and shot.stat().st_size > 10_000, taken.stderr[-500:]


@pytest.fixture(scope="module")
def static_site(seed_template, tmp_path_factory) -> Path:
    """facts export --site of the seeds, one fact's claim carrying markup the search must not obey."""
    db = tmp_path_factory.mktemp("static") / "facts.db"
    copy_db(seed_template, db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE facts SET claim = claim || ' <img src=x onerror=alert(1)>' WHERE id = 58")
    conn.commit()
    conn.close()
    folder = db.parent / "published" / "site"
    done = subprocess.run(facts_command() + ["--db", str(db), "export", "--site", str(folder)], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    return folder


def test_the_static_sites_search_runs_from_a_file(static_site):
    conn = sqlite3.connect(static_site / "facts.db")
    wanted = sorted(i for (i,) in conn.execute(
        "SELECT id FROM facts_flat WHERE lower(claim || ' ' || subject || ' ' || claimant || ' ' || source || ' ' || "
        "coalesce(tags, '')) LIKE '%lukashenko%' AND lower(claim || subject) LIKE '%belarus%'"))
    url = (static_site / "facts.html").as_uri() + "?q=Lukashenko+belarus"
    dom = browse(url, "--dump-dom", "--virtual-time-budget=5000")
    if dom.returncode != 0 or "<html" not in dom.stdout:
        pytest.fail(f"Chromium could not render {url}: {dom.stderr.strip()[-500:]}")
    shown = sorted(int(i) for i in re.findall(r'<td class="col-fact"><a href="fact/(\d+)\.html">', dom.stdout))
    assert wanted and shown == wanted
    assert f"{len(wanted)} facts match." in dom.stdout
    assert "&lt;img src=x onerror=alert(1)&gt;" in dom.stdout and "<img src=" not in dom.stdout  # read as text
    SHOTS.mkdir(exist_ok=True)
    for name, page in (("site-search", url), ("site-fact", (static_site / "fact" / "1.html").as_uri()),
                       ("site-index", (static_site / "index.html").as_uri())):
        shot = SHOTS / f"{name}.png"
        shot.unlink(missing_ok=True)
        taken = browse(page, f"--screenshot={shot}", "--virtual-time-budget=5000")
        assert taken.returncode == 0 and shot.exists() and shot.stat().st_size > 10_000, taken.stderr[-500:]
