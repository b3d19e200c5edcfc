"""A tutorial by its address (``iplab import https://...``): fetched with the standard
library (proxies from ``https_proxy``/``http_proxy`` as usual), read as the server says
it is (a web page, Markdown) or as its name says. A GitHub file's page
(``github.com/OWNER/REPO/blob/REF/PATH``) is fetched as the file itself.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import PurePosixPath

from iplab import __version__
from iplab.errors import UsageError
from iplab.importer.reader import Kind
from iplab.records import Record, frozen

#: how long a server may take to answer, and the most a page may hold
TIMEOUT = 30.0
LIMIT = 8 * 1024 * 1024
_GITHUB_BLOB = re.compile(r"https://github\.com/([^/]+)/([^/]+)/blob/(.+)")

#: what a server's Content-Type says a page is
_KINDS: dict[str, Kind] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/x-rst": "rst",
    "text/prs.fallenstein.rst": "rst",
    "text/asciidoc": "asciidoc",
    "text/x-asciidoc": "asciidoc",
    "text/org": "org",
    "text/x-org": "org",
    "application/x-ipynb+json": "notebook",
    "text/x-shellscript": "shell",
    "application/x-sh": "shell",
}


@frozen
class Fetched(Record):
    text: str
    #: the kind the server's Content-Type says (None: it does not say)
    kind: Kind | None
    #: the name of the file the address ends with (for the scenario's name)
    name: str


def is_address(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def raw_address(address: str) -> str:
    """A GitHub file's page as the file itself; any other address as it is."""
    return _GITHUB_BLOB.sub(r"https://raw.githubusercontent.com/\1/\2/\3", address)


def fetch(address: str) -> Fetched:
    """The text at ``address``; a UsageError naming it and why when it cannot be had."""
    url = raw_address(address)
    headers = {
        "User-Agent": f"iplab/{__version__} (tutorial import)",
        "Accept": "text/html, text/markdown, text/x-shellscript, text/plain;q=0.9, */*;q=0.5",
    }
    try:  # (an address urllib cannot read, http://[::1, is a ValueError)
        path = urllib.parse.urlsplit(url).path
        request = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            body = response.read(LIMIT + 1)
            charset = response.headers.get_content_charset() or "utf-8"
            ctype = response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        raise UsageError(f"{address}: the server answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise UsageError(f"{address}: cannot fetch: {exc.reason}") from None
    except (TimeoutError, OSError, ValueError) as exc:
        raise UsageError(f"{address}: cannot fetch: {exc}") from None
    if len(body) > LIMIT:
        raise UsageError(f"{address}: more than {LIMIT // (1024 * 1024)} MB: not a tutorial page")
    try:
        text = body.decode(charset)
    except (LookupError, UnicodeDecodeError) as exc:
        raise UsageError(f"{address}: not {charset} text ({exc})") from None
    return Fetched(text, _KINDS.get(ctype), PurePosixPath(path).name or "imported")
