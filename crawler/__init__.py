"""Everything of prov that touches Scrapy: spiders, download handler, runner and CLI."""

__version__ = "0.1.0"
