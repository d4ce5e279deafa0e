"""Whether ``govflow serve`` can listen where it was asked to, said in one line.

A second ``make run`` beside a running one used to die in waitress with a traceback
("Address already in use"). The port is now tried first, exactly as waitress will bind it
(the same addresses, SO_REUSEADDR, IPv6 only on IPv6), and a busy one is a
ConfigurationError: one Thai + English line saying how to choose another port.
"""

from __future__ import annotations

import errno
import socket

from engine.core.errors import ConfigurationError

__all__ = ["check_port", "port_error"]


def check_port(host: str, port: int) -> None:
    """Raise ConfigurationError unless every address of ``host`` can listen on ``port``."""
    from waitress.adjustments import Adjustments

    try:
        addresses = Adjustments(host=host, port=port).listen
    except ValueError as exc:  # waitress's "Invalid host/port specified."
        raise _bad_address(host, port) from exc
    for family, kind, proto, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                raise port_error(host, port, exc) from exc


def port_error(host: str, port: int, exc: OSError) -> ConfigurationError:
    """What to tell a person whose server could not listen on ``host``:``port``."""
    other = 8001 if port != 8001 else 8002
    how_th = f"make run PORT={other} (หรือ govflow serve --port {other})"
    how = f"make run PORT={other} (or govflow serve --port {other})"
    if exc.errno == errno.EADDRINUSE:
        return ConfigurationError(
            f"พอร์ต {port} ที่ {host} มีโปรแกรมอื่นใช้อยู่ (govflow เปิดอยู่แล้วหรือไม่) "
            f"เลือกพอร์ตอื่น เช่น {how_th} / port {port} on {host} is already in use "
            f"(is govflow already running?); choose another, e.g. {how}")
    if exc.errno == errno.EACCES:
        return ConfigurationError(
            f"ไม่มีสิทธิ์ใช้พอร์ต {port} (พอร์ตต่ำกว่า 1024 ต้องใช้สิทธิ์ผู้ดูแลระบบ) "
            f"เลือกพอร์ตอื่น เช่น {how_th} / no permission to use port {port} (ports below "
            f"1024 need root); choose another, e.g. {how}")
    if exc.errno == errno.EADDRNOTAVAIL:
        return _bad_address(host, port)
    return ConfigurationError(
        f"เปิดพอร์ต {port} ที่ {host} ไม่ได้ ({exc.strerror}) เลือกพอร์ตอื่น เช่น {how_th} "
        f"/ cannot listen on {host}:{port} ({exc.strerror}); choose another, e.g. {how}")


def _bad_address(host: str, port: int) -> ConfigurationError:
    return ConfigurationError(
        f"เครื่องนี้ไม่มีที่อยู่ {host} สำหรับพอร์ต {port} ใช้ --host 127.0.0.1 (หรือ HOST=127.0.0.1 "
        f"กับ make run) / this machine has no address {host} to listen on port {port}; use "
        "--host 127.0.0.1 (or HOST=127.0.0.1 with make run)")
