"""Scrapy spiders: ``capture`` archives the given URLs now; ``citations`` archives an article
and follows the sources it cites (links, and publishers named without a link).

Spiders hand every response to the recording download handler (``crawler.download``) and the
``archive`` library; they may import ``crawler.settings_config`` and ``archive``.
"""
