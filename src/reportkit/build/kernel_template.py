"""A warmed template process that forks one fresh IPython kernel per request.

Started once per build by ``reportkit.build.kernels.TemplateServer`` (``python -m
reportkit.build.kernel_template --listen-fd N``), it pays once what every chapter kernel would pay
on its own: the imports of ipykernel, pandas, matplotlib and reportkit, and matplotlib's font
list. Every worker process of the build connects to its listening Unix socket (inherited as
file descriptor N) and is answered ``ready`` once the template has warmed up.
Each request names a kernel command line, a working folder, an environment and the three
standard streams (passed as file descriptors); the template forks, and the child becomes that
kernel: a new process with fresh module state from the template's clean imports, never reused
for a second notebook. The template exits when the socket on its standard input (the build's
end) closes.

The template runs no notebook code itself, and stays single-threaded so that fork is safe.
"""

from __future__ import annotations

import array
import contextlib
import ctypes
import importlib
import json
import os
import selectors
import signal
import socket
import sys

#: What a chapter notebook imports, paid once here instead of once per kernel. Not the inline
#: backend itself: importing it is what hooks it into the kernel's shell, so each kernel must.
#: Not seaborn (with scipy.stats, 1.15 s here): one chart uses it, and its notebook's kernel
#: imports it while the others run, where warming it held every kernel back (cold builds 0.85 s
#: quicker on average, four alternating pairs).
WARM_IMPORTS = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "numpy", "pandas", "matplotlib",
    "matplotlib.pyplot", "matplotlib.figure", "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg", "typst", "reportkit", "reportkit.analysis.raster",
    "reportkit.analysis.chapter", "reportkit.analysis.charts", "reportkit.data.codes",
    "reportkit.config", "reportkit.analysis.disclosure", "reportkit.analysis.facts",
    "reportkit.analysis.stats", "reportkit.analysis.tables",
    # What ipykernel itself imports as a kernel starts: its debugger (debugpy), IPython's
    # history (sqlite3), tornado's queues. Imported only: no thread or socket is started.
    "ipykernel.debugger", "IPython.core.debugger", "IPython.core.completerlib",
    "IPython.core.oinspect", "IPython.extensions.storemagic", "sqlite3", "tornado.queues",
    "tornado.platform.asyncio",
)
#: The backend ipykernel gives matplotlib when MPLBACKEND is unset (IPKernelApp.init_gui_pylab).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
MAX_FDS = 3
PR_SET_PDEATHSIG = 1


def _die_with(signum: int = signal.SIGKILL) -> None:
    """On Linux, be killed when the parent process dies (no orphaned template or kernel)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum)


class _KernelShell:
    """Stands in for ``get_ipython()`` while the template imports: libraries that look at it
    when imported see a Jupyter kernel, as they would in a kernel started the standard way
    (pandas, for one, sets ``display.max_columns`` to 0 in a terminal and 20 in a kernel)."""

    kernel = True


def warm() -> None:
    """Import the notebooks' libraries and load matplotlib's font list (no pyplot state)."""
    import builtins

    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    shell = _KernelShell()
    builtins.get_ipython = lambda: shell  # type: ignore[attr-defined]
    try:
        for name in WARM_IMPORTS:
            importlib.import_module(name)
    finally:
        del builtins.get_ipython  # type: ignore[attr-defined]
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure()
    FigureCanvasAgg(figure)
    figure.subplots().set_title("warm")
    figure.canvas.draw()
    # Open font files would share their file offsets with every forked kernel: reopen per kernel.
    font_manager._get_font.cache_clear()


def _run_kernel(request: dict, fds: list[int], sockets: list[socket.socket]) -> None:
    """In the forked child: become the kernel the request describes (never returns). The
    template's sockets are closed first: a kernel holding one would keep a worker waiting on a
    template that has died."""
    code = 1
    try:
        for held in sockets:
            held.close()
        _die_with()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        os.setsid()  # as jupyter_client's launcher does (start_new_session)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # ipykernel read JPY_PARENT_PID when the template imported it: name our parent (the
        # template, which dies with the build's worker) so the kernel exits if it goes.
        argv = [*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = [sys.executable, *argv]
        import numpy

        numpy.random.seed()  # a fresh kernel's global generator starts from fresh entropy
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - the kernel's own traceback goes to its stderr
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _reap(_signum: int, _frame: object) -> None:
    """Collect exited kernels, so that their pidfds and ``kill(pid, 0)`` see them gone."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def _fork_kernel(connection: socket.socket, sockets: list[socket.socket]) -> bool:
    """Answer one fork request on ``connection``; False when the worker has hung up."""
    message, fds, _flags, _addr = socket.recv_fds(connection, 1 << 20, MAX_FDS)
    if not message:
        return False
    try:
        request = json.loads(message)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
        try:
            pid = os.fork()
            if pid == 0:
                _run_kernel(request, fds, sockets)
            pidfd = os.pidfd_open(pid)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
    finally:
        for fd in fds:
            os.close(fd)
    reply = json.dumps({"pid": pid}).encode()
    connection.sendmsg([reply], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                  array.array("i", [pidfd]))])
    os.close(pidfd)
    return True


def serve(control: socket.socket, listener: socket.socket) -> None:
    """Greet each worker that connects to ``listener`` with ``ready`` and answer its fork
    requests, one at a time (single-threaded), until the build closes ``control``."""
    signal.signal(signal.SIGCHLD, _reap)
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ)
    selector.register(listener, selectors.EVENT_READ)
    sockets = [control, listener]
    while True:
        for key, _events in selector.select():
            held = key.fileobj
            if held is control:
                if not control.recv(64):
                    return
            elif held is listener:
                connection, _ = listener.accept()
                connection.sendall(b"ready")
                selector.register(connection, selectors.EVENT_READ)
                sockets.append(connection)
            else:
                ok = False
                with contextlib.suppress(OSError, ValueError, KeyError):
                    ok = _fork_kernel(held, sockets)
                if not ok:  # the worker hung up, or sent what is not a request
                    selector.unregister(held)
                    sockets.remove(held)
                    held.close()


def main() -> None:
    """Warm up, then serve the workers that connect to the listening socket whose file
    descriptor follows ``--listen-fd``, until the socket on standard input closes."""
    _die_with()
    if len(sys.argv) != 3 or sys.argv[1] != "--listen-fd":
        raise SystemExit("usage: python -m reportkit.build.kernel_template --listen-fd N")
    listener = socket.socket(fileno=int(sys.argv[2]))
    control = socket.socket(fileno=os.dup(0))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    warm()
    serve(control, listener)


if __name__ == "__main__":
    main()
