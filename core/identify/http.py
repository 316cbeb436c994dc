"""The one HTTP client the scholarly-service lookups share: timeouts, retries
with backoff, a per-service rate limiter that honours `Retry-After` (on a clock
tests replace), an on-disk cache of answers, and a polite User-Agent. Each
service's base URL can be overridden by an environment variable (mirrors, tests)."""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from lectern.core import __version__

RETRY_STATUSES = frozenset({429, 502, 503, 504})
LONGEST_WAIT = 120.0  # a service asking to wait longer is reported, not waited for


@dataclass(frozen=True)
class Service:
    name: str  # as users know it, in messages
    env: str  # the variable that overrides the base URL
    default_url: str
    interval: float  # seconds between two requests, as its terms ask
    key_env: str = ""  # the variable holding the user's API key, when the service takes one
    key_header: str = ""  # the header it is sent in

    @property
    def base_url(self) -> str:
        return (os.environ.get(self.env, "").strip() or self.default_url).rstrip("/")

    def headers(self, accept: str | None) -> dict[str, str] | None:
        """The request's own headers: what it accepts, and the API key when one is set."""
        headers = {"Accept": accept} if accept else {}
        key = os.environ.get(self.key_env, "").strip() if self.key_env else ""
        if key:
            headers[self.key_header] = key
        return headers or None


# arXiv's API terms: no more than one request every three seconds, one connection.
ARXIV = Service("arXiv", "LECTERN_ARXIV_URL", "https://export.arxiv.org/api", 3.0)
CROSSREF = Service("Crossref", "LECTERN_CROSSREF_URL", "https://api.crossref.org", 0.2)
DOI = Service("doi.org", "LECTERN_DOI_URL", "https://doi.org", 0.2)
# The title search beside Crossref's (which holds few preprints). Its terms: without
# a key, a pool shared by every user (busy at times: 429, retried); with a free key,
# one request a second.
SEMANTIC_SCHOLAR = Service("Semantic Scholar", "LECTERN_SEMANTIC_SCHOLAR_URL",
                           "https://api.semanticscholar.org/graph/v1", 1.0,
                           key_env="LECTERN_SEMANTIC_SCHOLAR_KEY", key_header="x-api-key")
SERVICES = (ARXIV, DOI, CROSSREF, SEMANTIC_SCHOLAR)


class ServiceError(Exception):
    """A service could not give an answer; the message says which and why."""

    def __init__(self, service: str, message: str) -> None:
        super().__init__(message)
        self.service = service


class NotFound(ServiceError):
    """The service answered that it has no such record."""


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class RateLimiter:
    """When each service may be asked again: its interval after each request,
    or as long as its `Retry-After` said."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._next: dict[str, float] = {}

    def wait(self, service: Service) -> None:
        delay = self._next.get(service.name, 0.0) - self.clock.monotonic()
        if delay > 0:
            self.clock.sleep(delay)

    def done(self, service: Service, wait: float | None = None) -> None:
        self._next[service.name] = self.clock.monotonic() + max(service.interval, wait or 0.0)


def retry_after(value: str | None) -> float | None:
    """Seconds a `Retry-After` header asks for (a number or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass
class Answer:
    status: int
    text: str
    content_type: str
    url: str
    cached: bool = False

    def json(self, service: str) -> Any:
        try:
            return json.loads(self.text)
        except json.JSONDecodeError:
            raise ServiceError(service, f"{service} answered with something that is not JSON.") from None


def user_agent(mailto: str | None) -> str:
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"Lectern/{__version__} (reading-list manager{contact})"


class Http:
    """Asks the services; `cache` is a folder (None: no cache), `clock` the
    rate limiter's (a fake one in tests), `mailto` the polite contact."""

    def __init__(self, cache: Path | None = None, clock: Clock | None = None, timeout: float = 15.0,
                 retries: int = 3, backoff: float = 1.0, mailto: str | None = None,
                 max_age: float = 30 * 86400) -> None:
        self.cache = cache
        self.clock = clock or SystemClock()
        self.limiter = RateLimiter(self.clock)
        self.timeout, self.retries, self.backoff, self.max_age = timeout, retries, backoff, max_age
        self.mailto = mailto if mailto is not None else (os.environ.get("LECTERN_MAILTO", "").strip() or None)
        self.requests = 0  # sent, cache hits aside
        import httpx  # (here, not at the top: the window starts without loading it, until a lookup)

        self.client = httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5,
                                   headers={"User-Agent": user_agent(self.mailto)},
                                   limits=httpx.Limits(max_connections=1, max_keepalive_connections=1))

    def __enter__(self) -> "Http":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def _cache_file(self, url: str, accept: str | None) -> Path | None:
        if self.cache is None:
            return None
        digest = hashlib.sha256(f"{url}\n{accept or ''}".encode()).hexdigest()
        return self.cache / "http" / f"{digest}.json"

    def _cached(self, path: Path | None) -> Answer | None:
        try:
            if path is None or time.time() - path.stat().st_mtime > self.max_age:
                return None
            data = json.loads(path.read_text(encoding="utf-8"))
            return Answer(data["status"], data["text"], data["content_type"], data["url"], cached=True)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _store(self, path: Path | None, answer: Answer) -> None:
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_suffix(".part")
            part.write_text(json.dumps({"status": answer.status, "text": answer.text,
                                        "content_type": answer.content_type, "url": answer.url}), encoding="utf-8")
            part.replace(path)
        except OSError:
            pass  # a cache that cannot be written only costs a request next time

    def get(self, service: Service, path: str, params: dict[str, str] | None = None,
            accept: str | None = None) -> Answer:
        """GET `path` of `service`: a 2xx answer, else NotFound (404, 410) or ServiceError."""
        import httpx

        name = service.name
        try:
            request = self.client.build_request("GET", service.base_url + path, params=params,
                                                headers=service.headers(accept))
        except httpx.InvalidURL:
            raise ServiceError(name, f"{service.base_url} (from {service.env}) is not a web address.") from None
        key = self._cache_file(str(request.url), accept)
        hit = self._cached(key)
        if hit is not None:
            return hit
        problem = f"{name} did not answer"
        for attempt in range(self.retries + 1):
            self.limiter.wait(service)
            self.requests += 1
            try:
                response = self.client.send(request)
            except httpx.TimeoutException:
                self.limiter.done(service, self.backoff * 2 ** attempt)
                problem = f"{name} did not answer within {self.timeout:g} seconds"
                continue
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                self.limiter.done(service)
                raise ServiceError(name, f"{name} could not be reached at {service.base_url} ({_reason(exc)}); "
                                         "is this computer online?") from None
            if response.status_code in RETRY_STATUSES:
                asked = retry_after(response.headers.get("Retry-After"))
                if asked is not None and asked > LONGEST_WAIT:
                    self.limiter.done(service, asked)
                    raise ServiceError(name, f"{name} is busy and asks to wait {asked:.0f} seconds; try again later.")
                self.limiter.done(service, asked if asked is not None else self.backoff * 2 ** attempt)
                problem = f"{name} is busy or unavailable (HTTP {response.status_code})"
                continue
            self.limiter.done(service)
            if response.status_code in (404, 410):
                raise NotFound(name, f"{name} has no such record.")
            if response.status_code >= 400:
                raise ServiceError(name, f"{name} refused the request (HTTP {response.status_code}).")
            answer = Answer(response.status_code, response.text, response.headers.get("Content-Type", ""),
                            str(response.url))
            self._store(key, answer)
            return answer
        raise ServiceError(name, f"{problem}, after {self.retries + 1} tries.")


def _reason(exc: Exception) -> str:
    import httpx

    if isinstance(exc, httpx.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return "not a web address"
    return str(exc) or type(exc).__name__
