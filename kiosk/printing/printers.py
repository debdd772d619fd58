"""Printer addresses and connections: tcp://HOST[:PORT], usb://VID:PID,
serial:///dev/ttyUSB0?baudrate=9600 (or serial://COM3), file:///dev/usb/lp0, none.

Every wait has a short time limit. Two kinds of failure matter to the spool:
`PrinterUnavailable` means nothing was sent (trying again later is safe), `PrintInterrupted`
means sending started, so part or all of the receipt may be on paper.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from kiosk.errors import KioskError
from kiosk.i18n import _

DEFAULT_PORT = 9100
BAUDRATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
CHUNK = 4096
STATUS_QUERY = b"\x10\x04"  # DLE EOT n: the printer answers one status byte at once
FORMS = ("tcp://地址[:端口]、usb://厂商号:产品号、serial:///dev/ttyUSB0?baudrate=9600、"
         "file:///路径 或 none")


class PrinterError(KioskError):
    pass


class PrinterUnavailable(PrinterError):
    """Nothing was sent: the printer can be tried again without printing anything twice."""


class PrintInterrupted(PrinterError):
    """Sending started and then failed: the receipt may be partly or wholly printed."""


@dataclass(frozen=True)
class PrinterAddress:
    scheme: str  # tcp, usb, serial, file or none
    host: str = ""
    port: int = DEFAULT_PORT
    vendor: int = 0
    product: int = 0
    path: str = ""
    baudrate: int = 9600

    def __str__(self) -> str:
        if self.scheme == "tcp":
            host = f"[{self.host}]" if ":" in self.host else self.host
            return f"{host}:{self.port}"
        if self.scheme == "usb":
            return f"USB {self.vendor:04x}:{self.product:04x}"
        if self.scheme == "serial":
            return f"{self.path}（{self.baudrate}）"
        return self.path or "none"


def parse_address(uri: str) -> PrinterAddress:
    """Read a printer URI; KioskError says plainly what is wrong with a bad one."""
    text = uri.strip()
    if text.lower() in ("", "none"):
        return PrinterAddress("none")
    try:
        parts = urlsplit(text)
    except ValueError:  # an unclosed [ of an IPv6 address, say
        raise KioskError(_("看不懂打印机地址 {uri!r}：应为 {forms}").format(uri=uri, forms=FORMS)) from None
    scheme = parts.scheme.lower()
    if scheme == "tcp":
        try:
            port = parts.port
        except ValueError:
            port = 0
        if port == 0 and parts.netloc.rpartition("]")[2].count(":"):
            raise KioskError(_("打印机地址 {uri!r} 的端口应为 1 到 65535 之间的数字").format(uri=uri))
        if not parts.hostname:
            raise KioskError(_("打印机地址 {uri!r} 缺少网络地址，应为 tcp://192.168.1.50:9100 这样").format(
                uri=uri))
        return PrinterAddress("tcp", host=parts.hostname, port=port or DEFAULT_PORT)
    if scheme == "usb":
        found = re.fullmatch(r"(?:0x)?([0-9a-f]{1,4}):(?:0x)?([0-9a-f]{1,4})", parts.netloc, re.IGNORECASE)
        if not found:
            raise KioskError(_("USB 打印机地址 {uri!r} 应写成 usb://厂商号:产品号"
                               "（十六进制，如 usb://0416:5011）").format(uri=uri))
        return PrinterAddress("usb", vendor=int(found[1], 16), product=int(found[2], 16))
    if scheme == "serial":
        path = parts.netloc + parts.path
        baud = parse_qs(parts.query).get("baudrate", ["9600"])[-1]
        if not path:
            raise KioskError(_("串口打印机地址 {uri!r} 缺少串口，应为 serial:///dev/ttyUSB0 或 serial://COM3").format(
                uri=uri))
        if not baud.isdigit() or int(baud) not in BAUDRATES:
            raise KioskError(_("串口打印机的波特率 {baud!r} 不对，可选：{choices}").format(
                baud=baud, choices=_("、").join(str(b) for b in BAUDRATES)))
        return PrinterAddress("serial", path=path, baudrate=int(baud))
    if scheme == "file":
        path = parts.netloc + parts.path
        if re.match(r"/[A-Za-z]:/", path):  # file:///C:/... on Windows
            path = path[1:]
        if not path:
            raise KioskError(_("打印机地址 {uri!r} 缺少文件路径，应为 file:///dev/usb/lp0 这样").format(
                uri=uri))
        return PrinterAddress("file", path=path)
    raise KioskError(_("看不懂打印机地址 {uri!r}：应为 {forms}").format(uri=uri, forms=FORMS))


class Connection:
    """An open line to a printer. `query` returns the status byte, or None without one."""

    bidirectional = False

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def query(self, n: int) -> int | None:
        return None

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class TcpConnection(Connection):
    bidirectional = True

    def __init__(self, address: PrinterAddress, timeout: float):
        self.address = address
        try:
            self.sock = socket.create_connection((address.host, address.port), timeout=timeout)
        except socket.gaierror:
            raise PrinterUnavailable(_("找不到打印机 {host}，请检查地址").format(
                host=address.host)) from None
        except TimeoutError:
            raise PrinterUnavailable(_("连接打印机 {address} 超时：没开机或网线没插好？").format(
                address=address)) from None
        except ConnectionRefusedError:
            raise PrinterUnavailable(_("打印机 {address} 拒绝连接：没开机或端口不对？").format(
                address=address)) from None
        except OSError as exc:
            raise PrinterUnavailable(_("连接不上打印机 {address}：{error}").format(
                address=address, error=exc.strerror or exc)) from None
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(self, data: bytes) -> None:
        for start in range(0, len(data), CHUNK):  # the time limit applies to each chunk
            try:
                self.sock.sendall(data[start:start + CHUNK])
            except TimeoutError:
                raise PrintInterrupted(_("打印机 {address} 长时间不接收数据").format(
                    address=self.address)) from None
            except OSError:
                raise PrintInterrupted(_("和打印机 {address} 的连接断了").format(
                    address=self.address)) from None

    def query(self, n: int) -> int | None:
        try:
            self.sock.sendall(STATUS_QUERY + bytes([n]))
            answer = self.sock.recv(1)
        except OSError:  # timeouts included
            return None
        return answer[0] if answer else None

    def close(self) -> None:
        self.sock.close()


class FileConnection(Connection):
    """A device file (/dev/usb/lp0) or an ordinary file; writing to it cannot be timed out,
    but it only ever holds up the spool's own thread."""

    def __init__(self, address: PrinterAddress):
        self.address = address
        try:
            self.file = open(address.path, "ab", buffering=0)  # noqa: SIM115 - closed by close()
        except OSError as exc:
            raise PrinterUnavailable(_("打不开打印机 {path}：{error}").format(
                path=address.path, error=exc.strerror or exc)) from None

    def write(self, data: bytes) -> None:
        try:
            self.file.write(data)
            self.file.flush()
        except OSError as exc:
            raise PrintInterrupted(_("写入打印机 {path} 出错：{error}").format(
                path=self.address.path, error=exc.strerror or exc)) from None

    def close(self) -> None:
        try:
            self.file.close()
        except OSError:
            pass


def _optional(module: str, package: str, extra: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise PrinterUnavailable(
            _("缺少 {package}，无法使用这种打印机：请运行 pip install 'village-hall-kiosk[{extra}]'").format(
                package=package, extra=extra)) from None


class SerialConnection(Connection):
    bidirectional = True

    def __init__(self, address: PrinterAddress, timeout: float):
        serial = _optional("serial", "pyserial", "serial")
        self.address, self.timeout = address, timeout
        self.timeout_error = serial.SerialTimeoutException
        try:
            self.port = serial.Serial(address.path, address.baudrate, timeout=timeout,
                                      write_timeout=timeout + CHUNK * 10 / address.baudrate)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise PrinterUnavailable(_("打不开串口 {path}：{error}").format(
                path=address.path, error=exc)) from None

    def write(self, data: bytes) -> None:
        for start in range(0, len(data), CHUNK):
            try:
                self.port.write(data[start:start + CHUNK])
            except self.timeout_error:
                raise PrintInterrupted(_("串口打印机 {path} 长时间不接收数据").format(
                    path=self.address.path)) from None
            except OSError as exc:
                raise PrintInterrupted(_("串口打印机 {path} 出错：{error}").format(
                    path=self.address.path, error=exc)) from None

    def query(self, n: int) -> int | None:
        try:
            self.port.reset_input_buffer()
            self.port.write(STATUS_QUERY + bytes([n]))
            answer = self.port.read(1)
        except OSError:
            return None
        return answer[0] if answer else None

    def close(self) -> None:
        self.port.close()


class UsbConnection(Connection):
    bidirectional = True

    def __init__(self, address: PrinterAddress, timeout: float):
        usb_core = _optional("usb.core", "pyusb", "usb")
        usb_util = _optional("usb.util", "pyusb", "usb")
        self.address, self.timeout_ms = address, max(1, int(timeout * 1000))
        self.usb_error = usb_core.USBError
        try:
            device = usb_core.find(idVendor=address.vendor, idProduct=address.product)
        except usb_core.NoBackendError:
            raise PrinterUnavailable(_("缺少 libusb，无法直接使用 USB 打印机；"
                                       "也可以改用 file:///dev/usb/lp0")) from None
        if device is None:
            raise PrinterUnavailable(_("找不到 {address}：打印机没插好或没开机？").format(address=address))
        try:
            if device.is_kernel_driver_active(0):
                device.detach_kernel_driver(0)
        except (NotImplementedError, usb_core.USBError):
            pass  # not on this platform, or nothing to detach
        try:
            device.set_configuration()
            interface = device.get_active_configuration()[(0, 0)]
        except usb_core.USBError as exc:
            raise PrinterUnavailable(_("无法使用 {address}：{error}").format(
                address=address, error=exc)) from None
        endpoints = {usb_util.endpoint_direction(e.bEndpointAddress): e for e in interface}
        self.out = endpoints.get(usb_util.ENDPOINT_OUT)
        self.into = endpoints.get(usb_util.ENDPOINT_IN)
        self.device = device
        self.dispose = usb_util.dispose_resources
        if self.out is None:
            raise PrinterUnavailable(_("{address} 不像是一台打印机（没有输出端点）").format(
                address=address))

    def write(self, data: bytes) -> None:
        for start in range(0, len(data), CHUNK):
            try:
                self.out.write(data[start:start + CHUNK], timeout=self.timeout_ms)
            except self.usb_error as exc:
                raise PrintInterrupted(_("USB 打印机出错：{error}").format(error=exc)) from None

    def query(self, n: int) -> int | None:
        if self.into is None:
            return None
        try:
            self.out.write(STATUS_QUERY + bytes([n]), timeout=self.timeout_ms)
            answer = self.into.read(self.into.wMaxPacketSize, timeout=self.timeout_ms)
        except self.usb_error:
            return None
        return answer[0] if len(answer) else None

    def close(self) -> None:
        self.dispose(self.device)


def connect(address: PrinterAddress, timeout: float) -> Connection:
    if address.scheme == "tcp":
        return TcpConnection(address, timeout)
    if address.scheme == "file":
        return FileConnection(address)
    if address.scheme == "serial":
        return SerialConnection(address, timeout)
    if address.scheme == "usb":
        return UsbConnection(address, timeout)
    raise PrinterUnavailable(_("没有设置打印机"))


# --- the printer's status (DLE EOT) --------------------------------------------------------

def _valid(status: int | None) -> bool:
    return status is not None and status & 0x93 == 0x12  # the bits every answer has fixed


def check_ready(connection: Connection) -> None:
    """Before sending: the printer answers and is online, with paper and its cover shut."""
    status = connection.query(1)
    if not _valid(status):
        raise PrinterUnavailable(_("打印机没有回应。如果这台打印机不支持状态查询，"
                                   "请在配置里设置 printer_profile = \"simple\""))
    if status & 0x08:  # offline: ask why
        cause = connection.query(2) or 0
        if cause & 0x04:
            raise PrinterUnavailable(_("打印机盖没有合上"))
        if cause & 0x20:
            raise PrinterUnavailable(_("打印机缺纸，请装纸"))
        raise PrinterUnavailable(_("打印机处于脱机状态，请检查打印机"))


def confirm_received(connection: Connection) -> None:
    """After sending: the printer answering shows it has taken in everything before."""
    if not _valid(connection.query(1)):
        raise PrintInterrupted(_("打印机收到回执后没有回应，可能没有打印完"))


def send(address: PrinterAddress, data: bytes, timeout: float, check_status: bool) -> None:
    """Send one job's bytes; with `check_status`, only to a printer that says it is ready,
    and confirmed afterwards."""
    with connect(address, timeout) as connection:
        checking = check_status and connection.bidirectional
        if checking:
            check_ready(connection)
        connection.write(data)
        if checking:
            confirm_received(connection)
