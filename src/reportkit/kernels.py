"""The kernel manager the build's notebooks run under: Unix-socket channels, no TCP ports.

With TCP, jupyter_client picks each kernel's five ports by binding to port 0 and closing the
socket; the kernel binds them again a moment later. When several worker processes start kernels
at once, one can be handed a port another has just picked ("Address already in use", or a
kernel that never answers). IPC channels are files in a private folder of their own, so
concurrent kernels cannot collide. Used on POSIX systems only (ZeroMQ has no IPC on Windows).
"""

from __future__ import annotations

import shutil
import tempfile

from jupyter_client.manager import AsyncKernelManager
from traitlets import default


class IpcKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose channels are Unix sockets in a fresh private folder."""

    _socket_dir: str | None = None

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
