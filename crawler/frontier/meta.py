"""The ``Request.meta`` keys of the shared frontier (the worker's own bookkeeping).

``frontier_request`` names a queued request for its whole life: it is given when the request is
pushed, kept when the request is redelivered, recorded in the WARC metadata of its capture
(``frontier-request``) and in the index (``captures.request_id``). ``frontier_delivery`` is 2
for a request taken back from a worker that stopped. ``frontier_lease`` is this worker's lease
on the request, and ``frontier_parent`` the request whose callback yielded it; neither is ever
pushed.
"""

from __future__ import annotations

from crawler.download.context import DELIVERY, REQUEST_ID

__all__ = ["DELIVERY", "LEASE", "PARENT", "PRIVATE", "REQUEST_ID"]

LEASE = "frontier_lease"
PARENT = "frontier_parent"
PRIVATE = (DELIVERY, LEASE, PARENT)  # removed before a request is pushed
