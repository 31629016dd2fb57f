"""What an analyst has, turned into a source's text: a saved web page, a PDF, plain text or Markdown, or a
URL fetched for them. The original bytes come back too, so a later version of facts can read them again.

HTML is read by trafilatura (the article's text without navigation, scripts, captions or related-story
boxes, and the page's own metadata); PDF by pypdf (the text layer, page by page, with where each page
starts). Every refusal is one line.
"""

from __future__ import annotations

import hashlib
import io
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .errors import FactsError
from .files import MAX_FILE_BYTES, MAX_FILE_MB, read_file

FETCH_SECONDS = 30
USER_AGENT = "facts/0.1 (a fact database for analysts; https://pypi.org/project/facts/)"
PAGE_BREAK = "\n\n"  # between the text of two PDF pages
MIN_ARTICLE_WORDS = 8  # fewer, and what was found on a web page is a menu or a caption, not an article


@dataclass
class Document:
    """A source's text and what the document says about itself."""

    text: str
    media_type: str  # text/plain, text/markdown, text/html, application/pdf
    original: bytes
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: str | None = None  # YYYY-MM-DD, as the page says
    url: str | None = None  # the page's canonical URL, or the URL fetched
    language: str | None = None
    retrieved: str | None = None  # when a URL was fetched (UTC, ISO 8601)
    page_starts: list[int] = field(default_factory=list)  # PDF: where each page's text starts

    @property
    def original_sha256(self) -> str:
        return hashlib.sha256(self.original).hexdigest()


def is_url(target: str) -> bool:
    return re.match(r"^https?://", target, re.IGNORECASE) is not None


def read_document(target: str) -> Document:
    """A file (HTML, PDF, text) or an http(s) URL, as a source's text with its metadata."""
    if is_url(target):
        return fetch(target)
    return from_bytes(read_file(target), name=target)


def from_bytes(raw: bytes, name: str, media_type: str | None = None) -> Document:
    """Bytes as the document they are: PDF, HTML or text (by what they hold, else by the name or the
    type a server gave)."""
    kind = media_type or _sniff(raw, name)
    if kind == "application/pdf":
        return _pdf(raw, name)
    if kind == "text/html":
        return _html(raw, name)
    if kind in ("text/plain", "text/markdown"):
        return Document(_utf8(raw, name), kind, raw)
    raise FactsError(f"{name}: neither a web page, a PDF nor text ({kind})")


def _sniff(raw: bytes, name: str) -> str:
    head = raw[:2048].lstrip().lower()
    if raw.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith((b"<!doctype html", b"<html")) or (b"<html" in head and b"<body" in raw[:200_000].lower()):
        return "text/html"
    if b"\x00" in raw[:8192]:
        return "application/octet-stream (it holds NUL bytes)"
    suffix = Path(name).suffix.lower()
    if suffix in (".md", ".markdown"):
        return "text/markdown"
    if suffix in (".html", ".htm"):
        return "text/html"
    return "text/plain"


def _utf8(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        raise FactsError(f"{name}: not valid UTF-8 (byte {e.start})") from None
    if not text.strip():
        raise FactsError(f"{name}: holds no text")
    return text


def _html(raw: bytes, name: str) -> Document:
    import trafilatura
    from trafilatura.settings import Document as Page

    page = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, include_tables=True,
                                       include_images=False, favor_precision=True)
    text = (page.text or "").strip() if isinstance(page, Page) else ""
    if not isinstance(page, Page) or len(text.split()) < MIN_ARTICLE_WORDS:  # a menu is no article
        raise FactsError(f"{name}: a web page with no article text in it")
    paragraphs = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    lang = _HTML_LANG.search(raw[:4096])
    return Document("\n\n".join(paragraphs), "text/html", raw, title=page.title, author=page.author,
                    publisher=page.sitename, published=page.date, url=page.url,
                    language=lang.group(1).decode("ascii") if lang else (page.language or None))


_HTML_LANG = re.compile(rb"<html[^>]*\blang=[\"']?([A-Za-z][\w-]*)", re.IGNORECASE)


def _pdf(raw: bytes, name: str) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise FactsError(f"{name}: an encrypted PDF; save it without a password first")
        pages = [" ".join((page.extract_text() or "").split(" ")).strip() for page in reader.pages]
    except PdfReadError as e:
        raise FactsError(f"{name}: not a readable PDF ({e})") from None
    if not any(p.strip() for p in pages):
        raise FactsError(f"{name}: a PDF with no text layer (a scan?): it needs OCR first")
    starts: list[int] = []
    text = ""
    for page_text in pages:
        if starts:
            text += PAGE_BREAK
        starts.append(len(text))
        text += page_text
    info: dict = dict(reader.metadata or {})
    return Document(text, "application/pdf", raw, title=_pdf_field(info, "/Title"),
                    author=_pdf_field(info, "/Author"), page_starts=starts)


def _pdf_field(info: object, key: str) -> str | None:
    value = info.get(key) if isinstance(info, dict) else None
    return str(value).strip() or None if value else None


def page_of(page_starts: list[int], offset: int) -> int | None:
    """The page (from 1) a character offset falls on, for a PDF's text; None for other documents."""
    if not page_starts:
        return None
    from bisect import bisect_right
    return bisect_right(page_starts, offset)


def fetch(url: str) -> Document:
    """A URL over HTTP(S): a timeout, a size limit and a user agent; then read as the HTML or PDF it is."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    retrieved = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        with urllib.request.urlopen(request, timeout=FETCH_SECONDS) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > MAX_FILE_BYTES:
                raise FactsError(f"{url}: larger than {MAX_FILE_MB} MB, the most a source may be")
            raw = response.read(MAX_FILE_BYTES + 1)
            media_type = response.headers.get_content_type()
            final_url = response.geturl()
    except urllib.error.HTTPError as e:
        raise FactsError(f"{url}: the server answered {e.code} {e.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise FactsError(f"{url}: could not be fetched ({reason})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise FactsError(f"{url}: larger than {MAX_FILE_MB} MB, the most a source may be")
    if media_type not in ("text/html", "application/pdf", "application/xhtml+xml", "text/plain"):
        raise FactsError(f"{url}: neither a web page nor a PDF ({media_type})")
    kind = "text/html" if media_type == "application/xhtml+xml" else media_type
    document = from_bytes(raw, url, _sniff(raw, url) if kind == "text/plain" else kind)
    document.url = document.url or final_url
    document.retrieved = retrieved
    return document
