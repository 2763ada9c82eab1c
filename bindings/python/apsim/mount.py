"""Files through a mount, as a Python program sees them (files.md section 9).

``Simulator.mount(...)`` mounts an EFS file system (through an access point or not) with the
library's ``nfs:Mount`` and returns a :class:`Mount`, whose methods take ``os``'s arguments in
``os``'s order and raise the ``OSError`` subclasses ``os`` raises (``PermissionError``,
``FileNotFoundError``, ...), with ``filename`` set. ``nfs:Mount`` refusals raise
:class:`MountError`.
"""

import ctypes
import errno as _errno
import io
import os
import stat as _stat
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from . import _codec, _native

__all__ = ["Mount", "MountError"]


class MountError(OSError):
    """``nfs:Mount`` refused: ``strerror`` is the mount helper's (or server's) line, ``errno`` the
    refusal's errno where it has one (EACCES, ENOENT, ETIMEDOUT), else None."""


_TYPES = {"file": _stat.S_IFREG, "directory": _stat.S_IFDIR, "symlink": _stat.S_IFLNK}


def _stat_result(d: Dict[str, Any]) -> os.stat_result:
    mode = _TYPES.get(d["Type"], 0) | d["Mode"]
    return os.stat_result((mode, d["Ino"], 0, d["Nlink"], d["Uid"], d["Gid"], d["Size"],
                           d["Atime"], d["Mtime"], d["Ctime"]))


def _send(sim: Any, operation: str, params: Dict[str, Any]) -> Tuple[int, Dict[str, Any]]:
    rc, text = sim._send(operation.encode(), params)
    return rc, (_codec.json_loads(text) if text else {})


def _take(lib: Any, pointer: ctypes.c_void_p) -> Dict[str, Any]:
    """The library's document behind ``pointer``, freed."""
    if not pointer.value:
        return {}
    try:
        return _codec.json_loads(ctypes.string_at(pointer.value))
    finally:
        lib.apsim_string_free(pointer)


def _write(sim: Any, params: Dict[str, Any], data: bytes) -> Tuple[int, Dict[str, Any]]:
    """nfs:Write with ``data`` beside the request (apsim_nfs_write: no base64)."""
    lib, out = _native.library(), ctypes.c_void_p()
    rc = lib.apsim_nfs_write(ctypes.byref(out), sim._handle, _codec.json_dumps(params), data, len(data))
    return rc, _take(lib, out)


def _read(sim: Any, params: Dict[str, Any]) -> Tuple[int, Dict[str, Any], bytes]:
    """nfs:Read with the bytes beside the response (apsim_nfs_read)."""
    lib, out, data, length = _native.library(), ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_size_t()
    rc = lib.apsim_nfs_read(ctypes.byref(out), ctypes.byref(data), ctypes.byref(length), sim._handle, _codec.json_dumps(params))
    try:
        raw = ctypes.string_at(data.value, length.value) if data.value else b""
    finally:
        lib.apsim_bytes_free(data)
    return rc, _take(lib, out), raw


class _RemoteFile(io.BytesIO):
    """A binary file whose bytes are written back through the mount when it is flushed or closed."""

    def __init__(self, mount: "Mount", path: str, data: bytes, writable: bool, append: bool) -> None:
        super().__init__(data)
        self._mount, self._path, self._writable, self._dirty = mount, path, writable, False
        self.name = path
        if append:
            self.seek(0, io.SEEK_END)

    def writable(self) -> bool:
        return self._writable

    def write(self, b: Any) -> int:  # type: ignore[override]
        if not self._writable:
            raise io.UnsupportedOperation("not writable")
        self._dirty = True
        return super().write(b)

    def flush(self) -> None:
        super().flush()
        if self._dirty and not self.closed:
            self._mount.write_bytes(self._path, self.getvalue())
            self._dirty = False

    def close(self) -> None:
        if not self.closed:
            self.flush()
        super().close()


class Mount:
    """One client's mount of a file system: the nfs: operations as ``os``-style methods.

    Calls run as the mount's identity (``uid``, ``gid``, ``groups``); :meth:`as_user` gives the
    same mount as another process. An access point's PosixUser replaces both, as EFS does."""

    def __init__(self, sim: Any, answer: Dict[str, Any], uid: int, gid: int, groups: Sequence[int], umask: int) -> None:
        self._sim, self.answer = sim, answer
        self.mount_id: str = answer["MountId"]
        self.uid, self.gid, self.groups, self.umask = uid, gid, tuple(groups), umask

    def __repr__(self) -> str:
        return f"<apsim.Mount {self.mount_id} of {self.answer.get('FileSystemId')}{self.answer.get('Path', '/')}>"

    def __enter__(self) -> "Mount":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.unmount()

    def as_user(self, uid: int, gid: int, groups: Sequence[int] = ()) -> "Mount":
        """The same mount, used by another process of the client host."""
        return Mount(self._sim, self.answer, uid, gid, groups, self.umask)

    # -- one call

    def _params(self, path: Any, members: Dict[str, Any]) -> Dict[str, Any]:
        params = {"MountId": self.mount_id, "Path": os.fspath(path), "Uid": self.uid, "Gid": self.gid, "Gids": list(self.groups)}
        params.update({k: v for k, v in members.items() if v is not None})
        return params

    def _call(self, operation: str, path: Any, **members: Any) -> Dict[str, Any]:
        rc, document = _send(self._sim, "nfs:" + operation, self._params(path, members))
        return self._checked(operation, path, rc, document)

    @staticmethod
    def _checked(operation: str, path: Any, rc: int, document: Dict[str, Any]) -> Dict[str, Any]:
        if rc != 0:
            error = document.get("Error", {})
            number = document.get("Errno") or getattr(_errno, error.get("Code", ""), None)
            if number is None:
                raise ValueError(error.get("Message", f"nfs:{operation} failed"))
            new = document.get("NewPath")
            if new is not None:
                raise OSError(number, os.strerror(number), os.fspath(path), new)
            raise OSError(number, os.strerror(number), os.fspath(path))
        return document

    # -- metadata

    def stat(self, path: Any) -> os.stat_result:
        return _stat_result(self._call("Stat", path))

    def lstat(self, path: Any) -> os.stat_result:
        return _stat_result(self._call("Stat", path, NoFollow=True))

    def exists(self, path: Any) -> bool:
        try:
            self.stat(path)
            return True
        except FileNotFoundError:
            return False

    def is_dir(self, path: Any) -> bool:
        try:
            return _stat.S_ISDIR(self.stat(path).st_mode)
        except FileNotFoundError:
            return False

    def is_file(self, path: Any) -> bool:
        try:
            return _stat.S_ISREG(self.stat(path).st_mode)
        except FileNotFoundError:
            return False

    def entries(self, path: Any = "/") -> List[Tuple[str, os.stat_result]]:
        """``(name, stat)`` of each entry, sorted by name (symbolic links themselves)."""
        return [(e["Name"], _stat_result(e)) for e in self._call("List", path)["Entries"]]

    def listdir(self, path: Any = "/") -> List[str]:
        return [e["Name"] for e in self._call("List", path)["Entries"]]

    def walk(self, top: Any = "/") -> Iterator[Tuple[str, List[str], List[str]]]:
        """``os.walk``'s triples, top-down."""
        top = os.fspath(top)
        dirs, files = [], []
        for name, st in self.entries(top):
            (dirs if _stat.S_ISDIR(st.st_mode) else files).append(name)
        yield top, dirs, files
        for name in dirs:
            yield from self.walk(top.rstrip("/") + "/" + name)

    # -- directories

    def mkdir(self, path: Any, mode: int = 0o777) -> None:
        self._call("Mkdir", path, Mode=mode & ~self.umask & 0o7777)

    def makedirs(self, path: Any, mode: int = 0o777, exist_ok: bool = False) -> None:
        if not exist_ok and self.exists(path):
            raise OSError(_errno.EEXIST, os.strerror(_errno.EEXIST), os.fspath(path))
        self._call("Mkdir", path, Mode=mode & ~self.umask & 0o7777, Parents=True)

    def rmdir(self, path: Any) -> None:
        self._call("Rmdir", path)

    # -- files

    def write_bytes(self, path: Any, data: bytes, mode: int = 0o666) -> int:
        """Writes ``data`` (the bytes cross the library's C ABI as they are: no base64)."""
        rc, document = _write(self._sim, self._params(path, {"Mode": mode & ~self.umask & 0o7777}), bytes(data))
        return self._checked("Write", path, rc, document)["Written"]

    def write_text(self, path: Any, text: str, encoding: str = "utf-8") -> int:
        self.write_bytes(path, text.encode(encoding))
        return len(text)

    def read_bytes(self, path: Any) -> bytes:
        rc, document, data = _read(self._sim, self._params(path, {}))
        self._checked("Read", path, rc, document)
        return data

    def read_text(self, path: Any, encoding: str = "utf-8") -> str:
        return self.read_bytes(path).decode(encoding)

    def open(self, path: Any, mode: str = "r", encoding: Optional[str] = None) -> Any:
        """A file object (a context manager): ``r``, ``w``, ``a``, ``x``, with ``b`` and ``+``."""
        path = os.fspath(path)
        binary, plus = "b" in mode, "+" in mode
        kind = mode.replace("b", "").replace("t", "").replace("+", "")
        if kind == "r":
            data, writable = self.read_bytes(path), plus
        elif kind == "w":
            self._call("Write", path, Data="", Truncate=True, Mode=0o666 & ~self.umask)
            data, writable = b"", True
        elif kind == "x":
            self._call("Write", path, Data="", Exclusive=True, Mode=0o666 & ~self.umask)
            data, writable = b"", True
        elif kind == "a":
            self._call("Write", path, Data="", Append=True, Mode=0o666 & ~self.umask)
            data, writable = self.read_bytes(path), True
        else:
            raise ValueError(f"invalid mode: {mode!r}")
        raw = _RemoteFile(self, path, data, writable, append=kind == "a")
        if binary:
            return raw
        return io.TextIOWrapper(raw, encoding=encoding or "utf-8", write_through=True)

    def truncate(self, path: Any, length: int) -> None:
        self._call("Truncate", path, Size=length)

    def remove(self, path: Any) -> None:
        self._call("Remove", path)

    unlink = remove

    def rename(self, src: Any, dst: Any) -> None:
        self._call("Rename", src, NewPath=os.fspath(dst))

    def link(self, src: Any, dst: Any) -> None:
        self._call("Link", src, NewPath=os.fspath(dst))

    def symlink(self, target: Any, link: Any) -> None:
        self._call("Symlink", link, Target=os.fspath(target))

    def readlink(self, path: Any) -> str:
        return self._call("Readlink", path)["Target"]

    def chmod(self, path: Any, mode: int) -> None:
        self._call("Chmod", path, Mode=mode & 0o7777)

    def chown(self, path: Any, uid: int, gid: int) -> None:
        """``os.chown``: -1 leaves the owner or the group as it is."""
        self._call("Chown", path, NewUid=None if uid == -1 else uid, NewGid=None if gid == -1 else gid)

    def utime(self, path: Any, times: Optional[Tuple[float, float]] = None) -> None:
        if times is None:
            self._call("SetTimes", path)
        else:
            self._call("SetTimes", path, Atime=times[0], Mtime=times[1])

    def unmount(self) -> None:
        _send(self._sim, "nfs:Unmount", {"MountId": self.mount_id})


def mount(sim: Any, file_system_or_volume_id: str, *, access_point: Optional[str] = None, path: str = "/",
          subnet: Optional[str] = None, mount_target_ip: Optional[str] = None, tls: Optional[bool] = None,
          iam: bool = False, principal: Optional[str] = None, read_only: bool = False, uid: int = 0, gid: int = 0,
          groups: Sequence[int] = (), umask: int = 0o022) -> Mount:
    """``nfs:Mount`` as ``Simulator.mount`` takes it (an access point ARN may stand for the first
    argument)."""
    params: Dict[str, Any] = {"Path": path, "ReadOnly": read_only, "Uid": uid, "Gid": gid, "Gids": list(groups)}
    target = file_system_or_volume_id
    if target.startswith("arn:") and ":access-point/" in target:
        params["AccessPointArn"] = target
    elif target.startswith("fsvol-"):
        params["VolumeId"] = target
    else:
        params["FileSystemId"] = target
    for key, value in (("AccessPointId", access_point), ("SubnetId", subnet), ("MountTargetIp", mount_target_ip),
                       ("Tls", tls), ("Principal", principal)):
        if value is not None:
            params[key] = value
    if iam:
        params["Iam"] = True
    from . import mock
    if mock._moto_active():
        # Inside moto.mock_aws(): the network (and its security group rules) is moto's, now.
        from . import _moto_network
        config = getattr(sim, "config", {})
        _moto_network.declare(sim, config.get("account_id", _moto_network.DEFAULT_ACCOUNT),
                              config.get("region", _moto_network.DEFAULT_REGION))
    rc, document = _send(sim, "nfs:Mount", params)
    if rc != 0:
        error = document.get("Error", {})
        code, message = error.get("Code", ""), error.get("Message", "")
        if code in ("MountHelperError",) or document.get("Errno") is None:
            if code == "ValidationException":
                raise ValueError(message)
            raise MountError(None, message)
        raise MountError(document["Errno"], message, path)
    return Mount(sim, document, uid, gid, groups, umask)
