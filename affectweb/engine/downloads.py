"""Short-lived signed download links for stored media.

The `media` URL of a representation (Basic auth, ownership checked) redirects to one of
these, so clients and browsers can fetch the bytes without sending credentials to
wherever the bytes come from, and a leaked link stops working after a few minutes.
"""

from __future__ import annotations

from django.core import signing

from affectweb.engine.models import Representation

SALT = "affectweb.engine.download"
MAX_AGE_SECONDS = 600


def sign(rep: Representation) -> str:
    # The storage name is signed too: the link serves that one file or nothing.
    return signing.dumps({"r": rep.pk, "f": rep.file.name}, salt=SALT, compress=True)


def unsign(token: str) -> Representation | None:
    """The representation the token names, if the token is genuine, fresh and still apt."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:  # also raised for an expired token
        return None
    rep = Representation.objects.filter(pk=data.get("r")).first()
    return rep if rep is not None and rep.file.name == data.get("f") else None
