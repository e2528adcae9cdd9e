"""The embedded moto server (Step Functions, Scheduler, Lambda, IAM, ...) on a loopback port, in-process."""

from __future__ import annotations

import copy
import json
import logging
import os
import urllib.request
from typing import Any

# Step Functions runs the real ASL; Lambda tasks are dispatched in-process by infra/local/workflows.py.
CONFIG = {"stepfunctions": {"execute_state_machine": True}}


class MotoServer:
    """moto's ThreadedMotoServer, configured for the local stack.

    moto's backends are global to the process: run one MotoServer per process at a time.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._server: Any = None
        self._saved_config: dict[str, Any] | None = None
        self._saved_moto_port: str | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        thread = getattr(self._server, "_thread", None)
        return thread is not None and thread.is_alive()

    def start(self) -> None:
        from moto.core.config import default_user_config
        from moto.server import ThreadedMotoServer

        # werkzeug would otherwise log every request the app and the interpreter make.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._saved_config = copy.deepcopy(dict(default_user_config))
        self._server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        self._server.start()
        self.port = self._server.get_host_and_port()[1]
        # moto's Step Functions interpreter calls Lambda through http://localhost:$MOTO_PORT.
        self._saved_moto_port = os.environ.get("MOTO_PORT")
        os.environ["MOTO_PORT"] = str(self.port)
        self.configure(CONFIG)

    def configure(self, config: dict[str, Any]) -> dict[str, Any]:
        """Set moto's configuration the server-mode way (POST /moto-api/config); returns the result."""
        request = urllib.request.Request(  # noqa: S310 - our own loopback http:// URL
            f"{self.endpoint}/moto-api/config",
            data=json.dumps(config).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback URL
            return json.loads(response.read())

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.stop()
        self._server = None
        from moto.core.config import default_user_config

        if self._saved_config is not None:
            default_user_config.update(self._saved_config)  # type: ignore[typeddict-item]
        if self._saved_moto_port is None:
            os.environ.pop("MOTO_PORT", None)
        else:
            os.environ["MOTO_PORT"] = self._saved_moto_port
