"""Test settings for egress-policy crawls: host names resolve through tests.egress_stub."""

from settings.test import *  # noqa: F403

PROV_RESOLVER = "tests.egress_stub.resolve"
