"""What the API clients share: the errors a caller's retry policy reads, and backoff.

Every client call is one attempt; the caller decides whether and when to try again
(`ProviderError.retryable`, `.retry_after`, `backoff()`), because an RQ job must
re-schedule itself instead of sleeping in a worker.
"""

from __future__ import annotations

import requests

from affectweb.protocols.clarifai import THROTTLE_HEADER


class ProviderError(Exception):
    """A call failed. The message is meant for a researcher."""

    retryable = False

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class TransientError(ProviderError):
    """Network trouble, a timeout, a 5xx or a garbled answer: worth trying again."""

    retryable = True


class ThrottledError(TransientError):
    """429: the provider asks us to wait `retry_after` seconds."""


class AuthError(ProviderError):
    """401/403: the credentials are wrong; retrying will not help."""


class NotFoundError(ProviderError):
    """404/410: the URL we hold is gone (a moved jobs service, a purged job)."""


class ConflictError(ProviderError):
    """409: not now, in this state (e.g. a job that is being analysed)."""


class UnsupportedError(ProviderError):
    """405/501: the provider does not offer this operation."""


def backoff(attempt: int, first: float = 2.0, cap: float = 60.0) -> float:
    """Seconds to wait before attempt `attempt` (0-based): 2, 4, 8, … capped."""
    return min(cap, first * 2 ** max(0, attempt))


def retry_after(response: requests.Response) -> float | None:
    """The wait a response asks for, in seconds, if any."""
    # Clarifai-style throttling sends X-Throttle-Wait-Seconds; HTTP sends Retry-After.
    for header in (THROTTLE_HEADER, "Retry-After"):
        value = response.headers.get(header)
        if value:
            try:
                return max(0.0, float(value))
            except ValueError:
                continue  # an HTTP-date Retry-After: fall back to our own backoff
    return None


def network_error(exc: requests.RequestException, url: str) -> TransientError:
    """A failed exchange (no answer at all) as the error a caller retries."""
    if isinstance(exc, requests.Timeout):
        return TransientError(f"The provider did not answer in time ({url}).")
    return TransientError(f"Could not reach the provider ({url}): {exc.__class__.__name__}.")
