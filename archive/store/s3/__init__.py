"""S3-compatible storage: the boto3 client (``client``), verified conditional uploads
(``put``), the store itself (``store``) and the background uploader that drains the spool
(``uploader``).

May import the glossary leaves, ``archive.warc``, ``archive.index`` and ``archive.store``'s
protocol; never ``capture`` or a later stage.
"""

from __future__ import annotations

__all__: list[str] = []
