"""prov's library: everything that does not need Scrapy, one sub-package per stage of the flow.

``capture`` (an exchange to WARC records and an index row, written durably) -> ``warc``
(records, files, CDXJ, fixity, recovery) -> ``store`` (local directory or S3, ranged record
reads, audits, reindex) -> ``index`` (SQLAlchemy tables and row models) -> ``text``
(extraction, text stage, diffs) -> ``citations`` (links, attributions, discovery, claims,
citation graph) -> ``watch`` (changes, claim re-checks, notifications); ``frontier`` holds
the state of crawls shared by several processes in Redis (leases, politeness). Flat leaves with
glossary names (``config``, ``errors``, ``timestamps``, ``digests``, ``surts``, ``urls``,
``http_response``, ``egress``: the address policy) import nothing of prov but each other;
``session`` is the composition root that opens configuration, index and store together.
Nothing here imports Scrapy or Twisted.
"""

import logging as _logging

# A library's messages go to the application's handlers; with none (the prov CLI, which
# prints its own one-line reports) they are not printed a second time by logging's last resort.
_logging.getLogger(__name__).addHandler(_logging.NullHandler())
