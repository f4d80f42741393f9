"""Evidence packages: WACZ export of captures, texts and claims, signed, with trusted time.

``rfc3161`` (time-stamp requests, responses and token checks) and ``certchain`` (certificate
paths to a trust anchor) are the cryptographic ground; ``tsa`` asks time-stamp authorities;
``signing`` makes and checks the WACZ ``signedData``; ``merkle`` batches capture digests under
one token. May import the glossary leaves, ``archive.index``, ``archive.store``,
``archive.warc`` and the public functions of ``archive.citations``; nothing imports it but the
CLI.
"""
