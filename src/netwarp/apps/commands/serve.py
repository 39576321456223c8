"""``netwarp serve``: the local web app (train live in the browser, see inside the layers)."""

from __future__ import annotations

import argparse
import errno
import re
import secrets
import socket
import sys
import threading
import webbrowser

from netwarp.errors import NetwarpError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
_TOKEN = re.compile(r"^[A-Za-z0-9._~-]{8,128}$")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help="start the local web app: train live in the browser and see inside the layers",
        description="Start a local web app: configure a dataset and a network, train it live "
        "(training runs in worker processes) and watch every layer deform space as epochs arrive; "
        "compare and download runs. Binds 127.0.0.1 by default; any other --host requires a token "
        "(generated and printed when not given). Needs: " + "pip install 'netwarp[serve]'.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument("--no-open", action="store_true", help="do not open a browser")
    p.add_argument("--token", help="token every API call must carry (required beyond localhost; default: generated)")
    p.add_argument("--workers", type=int, default=2, help="training processes (default 2)")
    p.set_defaults(func=run)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port``, or a NetwarpError saying why not."""
    if not 0 <= port <= 65535:
        raise NetwarpError(f"--port {port}: must be in 0..65535")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise NetwarpError(f"--host {host}: cannot resolve ({exc.strerror})") from None
    family, kind, proto, _, addr = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise NetwarpError(
                f"port {port} on {host} is in use; pick another with --port (0 = any free port)"
            ) from None
        raise NetwarpError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def run(args: argparse.Namespace) -> int:
    from netwarp.apps.serve import require

    require()
    if not 1 <= args.workers <= 16:
        raise NetwarpError(f"--workers {args.workers}: must be in 1..16")
    token = args.token
    local = args.host in LOCAL_HOSTS
    if token is not None and not _TOKEN.match(token):
        raise NetwarpError("--token: use 8 to 128 letters, digits or ._~- characters")
    if not local and token is None:
        token = secrets.token_urlsafe(24)
    sock = bind(args.host, args.port)
    port = sock.getsockname()[1]
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    shown = f"[{shown}]" if ":" in shown else shown
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")

    import uvicorn

    from netwarp.apps.serve import create_app

    app = create_app(token=token, workers=args.workers)
    # bounded connections (streams included) and idle keep-alive: a few slow clients cannot hold the server
    from netwarp.apps.serve.protocol import HeaderDeadlineProtocol

    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=3, timeout_keep_alive=5,
                            limit_concurrency=512, http=HeaderDeadlineProtocol)  # fmt: skip
    server = uvicorn.Server(config)
    print(f"netwarp serve: open {url}", flush=True)
    if token and not local:
        print(f"netwarp serve: listening on {args.host}:{port} for other machines; the token is {token}", flush=True)
    print("netwarp serve: press Ctrl+C to stop", flush=True)
    if not args.no_open:
        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    sys.stdout.flush()
    return 0
