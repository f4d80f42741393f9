"""Real local test servers: a scripted byte-logging HTTP/1.1 server, a forward proxy, TLS files.

from tests.servers import RawHTTPServer, install_standard_routes
with RawHTTPServer() as server:
    install_standard_routes(server)
    ...  # fetch server.url("/chunked"); compare with server.sent_for("/chunked")
"""

from tests.servers.base import TCPService
from tests.servers.corpus import (
    CorpusTransfer,
    corpus_headers,
    corpus_transfer,
    default_corpus_dir,
    install_corpus_routes,
)
from tests.servers.proxy import NEWS_HOST, SOURCE_HOST, TEST_HOSTNAMES, ForwardProxy
from tests.servers.rawhttp import (
    CorpusPage,
    Exchange,
    Handler,
    RawHTTPServer,
    Request,
    ResponseWriter,
    static_route,
)
from tests.servers.routes import (
    HUGE_SIZE,
    ROBOTS_TXT,
    STANDARD_BODIES,
    TRUNCATED_LENGTH,
    TRUNCATED_SENT,
    build_response,
    chunk,
    html_page,
    huge_body,
    huge_sha256,
    install_standard_routes,
    pieces_route,
)
from tests.servers.tls import TLSFiles, client_context, make_self_signed
from tests.servers.wire import (
    ClientGone,
    Message,
    ServerStopping,
    dechunk,
    read_response,
    recv_all,
)

__all__ = [
    "HUGE_SIZE",
    "NEWS_HOST",
    "ROBOTS_TXT",
    "SOURCE_HOST",
    "STANDARD_BODIES",
    "TEST_HOSTNAMES",
    "TRUNCATED_LENGTH",
    "TRUNCATED_SENT",
    "ClientGone",
    "CorpusPage",
    "CorpusTransfer",
    "Exchange",
    "ForwardProxy",
    "Handler",
    "Message",
    "RawHTTPServer",
    "Request",
    "ResponseWriter",
    "ServerStopping",
    "TCPService",
    "TLSFiles",
    "build_response",
    "chunk",
    "client_context",
    "corpus_headers",
    "corpus_transfer",
    "dechunk",
    "default_corpus_dir",
    "html_page",
    "huge_body",
    "huge_sha256",
    "install_corpus_routes",
    "install_standard_routes",
    "make_self_signed",
    "pieces_route",
    "read_response",
    "recv_all",
    "static_route",
]
