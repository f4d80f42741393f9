"""Scrapy settings profiles: ``base`` (the defaults of every prov crawl) and ``test`` (the
suite's: small limits, loopback only); ``sources.json`` is the default source registry.

Read by Scrapy by module name (``scrapy.cfg``, ``SCRAPY_SETTINGS_MODULE``); imports nothing of
prov but the dotted names of its components, as strings.
"""
