"""The `chalice` command, with Nagle's algorithm off in `chalice local`'s request handler.

chalice local answers in two writes (headers, then body) on kept-alive HTTP/1.1 connections; with Nagle
on, the body waits for the client's delayed ACK: 40 ms on every request of a browser or a requests
Session. TCP_NODELAY (the standard library's `disable_nagle_algorithm`) brings that to a few ms.
"""

from __future__ import annotations

import sys

from chalice import local
from chalice.cli import main

local.ChaliceRequestHandler.disable_nagle_algorithm = True

if __name__ == "__main__":
    sys.exit(main())
