"""Everything of prov that touches Scrapy: the recording downloader (``download``), spiders
(``spiders``), the scheduler of watched sources (``scheduler``), the shared frontier on Redis
and its workers (``frontier``), the runner that starts one crawl in this process (``runner``,
``outcome``), settings read once (``settings_config``) and the ``prov`` command line
(``cli``). Imports ``archive``; ``archive`` never imports this package.
"""

__version__ = "0.1.0"
