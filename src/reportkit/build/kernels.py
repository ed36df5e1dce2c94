"""The kernel manager the build's notebooks run under: Unix-socket channels, no TCP ports.

With TCP, jupyter_client picks each kernel's five ports by binding to port 0 and closing the
socket; the kernel binds them again a moment later. When several worker processes start kernels
at once, one can be handed a port another has just picked ("Address already in use", or a
kernel that never answers). IPC channels are files in a private folder of their own, so
concurrent kernels cannot collide. Used on POSIX systems only (ZeroMQ has no IPC on Windows).

``ForkingKernelManager`` adds fast start-up: each kernel is forked from a template process that
has already imported the notebooks' libraries (``reportkit.build.kernel_template``), one fresh
process per notebook, and falls back to the standard launch on any failure (Linux only).
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import DottedObjectName, Type, default

log = logging.getLogger("reportkit.build.kernels")


class ReadyKernelClient(AsyncKernelClient):
    """An ``AsyncKernelClient`` that knows its kernel is ready as soon as it is.

    jupyter_client's ``wait_for_ready`` waits for the ``kernel_info`` reply, then for any IOPub
    message within 0.2 s, then drains IOPub until it has been quiet for another 0.2 s: at least
    0.2 s of waiting per kernel, 8 times per build. Here the kernel is ready when IOPub carries
    the ``idle`` status of our own ``kernel_info`` request: IOPub is then connected and holds
    nothing more of that request. If that status does not arrive within 0.1 s (IOPub connected
    too late to see it: ZeroMQ's subscriptions take a moment to reach the kernel), the request
    is sent again, as jupyter_client does.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:  # type: ignore[override]
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            msg_id = self.kernel_info()
            try:
                reply = await self._async_recv_reply(msg_id, timeout=1.0)
            except TimeoutError:
                reply = None
            if reply is not None and await self._idle_after(msg_id, 0.1):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def _idle_after(self, msg_id: str, timeout: float) -> bool:
        """Whether IOPub reports the kernel idle after request ``msg_id`` within ``timeout``."""
        end = time.monotonic() + timeout
        while (left := end - time.monotonic()) > 0:
            try:
                message = await self.iopub_channel.get_msg(timeout=left)
            except Empty:
                return False
            if (message["msg_type"] == "status"
                    and message["parent_header"].get("msg_id") == msg_id
                    and message["content"].get("execution_state") == "idle"):
                return True
        return False


class IpcKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose channels are Unix sockets in a fresh private folder,
    with a client that starts without fixed waits (``ReadyKernelClient``), and that checks
    every 10 ms (not 100 ms) whether a kernel asked to shut down has exited."""

    _socket_dir: str | None = None
    client_class = DottedObjectName("reportkit.build.kernels.ReadyKernelClient")
    client_factory = Type(ReadyKernelClient)

    async def _async_finish_shutdown(self, waittime: float | None = None,
                                     pollinterval: float = 0.1, restart: bool = False) -> None:
        await super()._async_finish_shutdown(waittime, min(pollinterval, 0.01), restart)

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @default("ip")
    def _ip_default(self) -> str:
        # A short absolute path: Unix socket paths are limited to about 100 characters, and
        # the kernel (whose working folder differs from ours) must find the same sockets.
        self._socket_dir = tempfile.mkdtemp(prefix="rk-kernel-")
        return f"{self._socket_dir}/k"

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        """Remove the socket files and, unless restarting, their folder."""
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._socket_dir:
            shutil.rmtree(self._socket_dir, ignore_errors=True)


# --- Fast kernels: forked from a warmed template ---------------------------------------------

TEMPLATE_MODULE = "reportkit.build.kernel_template"
TEMPLATE_READY_SECONDS = 120.0
#: How a build's worker processes find the build's template: JSON ``{"address", "flags"}``.
TEMPLATE_ENV = "REPORTKIT_KERNEL_TEMPLATE"


class TemplateServer:
    """The build's one kernel template (``reportkit.build.kernel_template``), started in the build's
    process so that it warms up while the data are validated, and shared by every worker
    process through a listening Unix socket in a private folder (``environment()`` tells the
    workers where). The socket is bound before the template starts, so a worker can connect
    at once; it is greeted when the template is ready. ``close()`` stops the template, and with
    it any kernel still running."""

    def __init__(self, flags: tuple[str, ...] = ()) -> None:
        self.flags = tuple(flags)
        self.folder = tempfile.mkdtemp(prefix="rk-template-")
        self.address = os.path.join(self.folder, "s")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            listener.bind(self.address)
            listener.listen(64)
            self.process = subprocess.Popen(
                [sys.executable, *self.flags, "-m", TEMPLATE_MODULE, "--listen-fd",
                 str(listener.fileno())], stdin=theirs, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, pass_fds=(listener.fileno(),),
            )
        except OSError:
            ours.close()
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        finally:
            listener.close()
            theirs.close()
        self.control = ours

    def environment(self) -> dict[str, str]:
        """What a worker process needs in its environment to use this template."""
        return {TEMPLATE_ENV: json.dumps({"address": self.address, "flags": list(self.flags)})}

    def close(self) -> None:
        """Stop the template at once: it holds no state, and it may still be importing (a
        build whose data failed validation does not wait for it to warm up)."""
        self.control.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> TemplateServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def start_server(kernel_name: str) -> TemplateServer | None:
    """A template for kernel ``kernel_name``, or None when its command is not forkable or the
    template cannot be started (kernels then start the standard way)."""
    flags = kernelspec_flags(kernel_name)
    if flags is None:
        return None
    try:
        return TemplateServer(flags)
    except OSError as exc:
        log.warning("no kernel template (%s): kernels start the standard way", exc)
        return None


class KernelTemplate:
    """A worker's connection to the build's template (``TemplateServer``): asks it to fork
    kernels."""

    def __init__(self, address: str, flags: tuple[str, ...] = ()) -> None:
        self.flags = tuple(flags)
        self.channel = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.channel.connect(address)
        except OSError:
            self.channel.close()
            raise
        self._ready = False

    def wait_ready(self, timeout: float = TEMPLATE_READY_SECONDS) -> None:
        """Block until the template has warmed up; raises ``OSError`` if it never says so."""
        if self._ready:
            return
        self.channel.settimeout(timeout)
        try:
            message = self.channel.recv(64)
        finally:
            self.channel.settimeout(None)
        if message != b"ready":
            raise ConnectionError(f"the kernel template exited while warming up ({message!r})")
        self._ready = True

    def fork(self, argv: list[str], cwd: str, env: dict[str, str],
             streams: tuple[int, int, int]) -> tuple[int, int]:
        """Fork a kernel running ``ipykernel`` with ``argv``: its pid and a pidfd for it."""
        self.wait_ready()
        request = json.dumps({"argv": argv, "cwd": cwd, "env": env}).encode()
        socket.send_fds(self.channel, [request], list(streams))
        self.channel.settimeout(TEMPLATE_READY_SECONDS)
        try:
            reply, fds, _flags, _addr = socket.recv_fds(self.channel, 4096, 1)
        finally:
            self.channel.settimeout(None)
        if not reply or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            raise ConnectionError("the kernel template did not answer (it has exited)")
        return int(json.loads(reply)["pid"]), fds[0]

    def close(self) -> None:
        self.channel.close()


_template: KernelTemplate | None = None
_template_failed = False


def split_kernel_command(cmd: list[str]) -> tuple[tuple[str, ...], list[str]] | None:
    """``(interpreter flags, kernel arguments)`` of an ipykernel command run by this very
    interpreter (e.g. ``python -Xfrozen_modules=off -m ipykernel_launcher -f FILE``), or None
    for any other command (another Python, another kernel): those are never forked."""
    if not cmd or os.path.abspath(cmd[0]) != os.path.abspath(sys.executable):
        return None
    for index in range(1, len(cmd) - 1):
        if cmd[index:index + 2] == ["-m", "ipykernel_launcher"]:
            flags = tuple(cmd[1:index])
            if all(flag.startswith("-X") for flag in flags):
                return flags, cmd[index + 2:]
            return None
    return None


def kernelspec_flags(name: str) -> tuple[str, ...] | None:
    """The interpreter flags of kernel ``name``'s command, or None when it is not forkable."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        argv = KernelSpecManager().get_kernel_spec(name).argv
    except (NoSuchKernel, OSError, ValueError):
        return None
    split = split_kernel_command(argv)
    return None if split is None else split[0]


def connect_template() -> KernelTemplate | None:
    """This worker's connection to the build's template (once; None when there is none, or
    after it has failed)."""
    global _template, _template_failed
    if _template is None and not _template_failed:
        try:
            where = json.loads(os.environ[TEMPLATE_ENV])
            _template = KernelTemplate(where["address"], tuple(where["flags"]))
        except KeyError:
            _template_failed = True  # no template for this process: the standard launch
        except (OSError, ValueError, TypeError) as exc:
            log.warning("no kernel template (%s): kernels start the standard way", exc)
            _template_failed = True
    return _template


def forget_template() -> None:
    """Give up the template after a failure: later kernels start the standard way."""
    global _template, _template_failed
    if _template is not None:
        with contextlib.suppress(OSError):
            _template.close()
    _template, _template_failed = None, True


class ForkedKernel:
    """A ``Popen``-like handle on a kernel forked by the template (not our child: its pidfd
    tells when it has exited, and signals go through the pidfd, so a reused pid is never hit).
    The template collects its exit status, so ``returncode`` is the signal we sent, or 0."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, pidfd: int) -> None:
        self.pid = pid
        self.pidfd = pidfd
        self.returncode: int | None = None
        self._signalled = 0

    def poll(self) -> int | None:
        if self.returncode is None and self.pidfd >= 0:
            ready, _, _ = select.select([self.pidfd], [], [], 0)
            if ready:
                self.returncode = -self._signalled
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)
        if self.pidfd >= 0:
            os.close(self.pidfd)
            self.pidfd = -1
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is not None:
            raise ProcessLookupError(errno.ESRCH, "the kernel has exited")
        signal.pidfd_send_signal(self.pidfd, signum)
        self._signalled = signum

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkingProvisioner(LocalProvisioner):
    """Launches an ipykernel by forking the warmed template, and the standard way (a new
    interpreter) whenever that is not possible: another kernel command, no template, or any
    failure of the template."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        split = split_kernel_command(cmd) if hasattr(os, "pidfd_open") else None
        template = connect_template() if split is not None else None
        if template is not None and split is not None and template.flags == split[0]:
            env = dict(kwargs.get("env") or os.environ)
            env.setdefault("JPY_PARENT_PID", str(os.getpid()))
            cwd = str(kwargs.get("cwd") or os.getcwd())
            stdin = os.open(os.devnull, os.O_RDONLY)
            try:
                pid, pidfd = template.fork(split[1], cwd, env, (stdin, _fd(kwargs, "stdout", 1),
                                                               _fd(kwargs, "stderr", 2)))
            except (OSError, ValueError, KeyError) as exc:
                log.warning("the kernel template failed (%s): starting the kernel the "
                            "standard way", exc)
                forget_template()
            else:
                self.process = ForkedKernel(pid, pidfd)
                self.pid = self.pgid = pid  # the forked kernel leads a new session
                self.cwd = cwd
                return self.connection_info
            finally:
                os.close(stdin)
        return await super().launch_kernel(cmd, **kwargs)

    async def send_signal(self, signum: int) -> None:
        if isinstance(self.process, ForkedKernel) and self.process.poll() is not None:
            return  # exited: its process group may be someone else's by now
        await super().send_signal(signum)


def _fd(kwargs: dict[str, Any], name: str, default: int) -> int:
    """The file descriptor a launch keyword names (a file, a number, or ours by default)."""
    value = kwargs.get(name)
    if value is None:
        return default
    return value if isinstance(value, int) else value.fileno()


class ForkingKernelManager(IpcKernelManager):
    """``IpcKernelManager`` whose kernels are forked from the warmed template when possible."""

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if self.provisioner is None:
            self.provisioner = ForkingProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)
