"""A fake desktop notification service (``org.freedesktop.Notifications``) for the e2e tests.

Why: the app's expiry reminder is a desktop notification (tauri-plugin-notification, which on
Linux calls ``Notify`` on the session bus through notify-rust/zbus). The test session's bus
(``dbus-run-session``) has no notification daemon, so nothing would receive it and a test could
not tell whether the app showed one. This service owns the name on the current session bus
(``DBUS_SESSION_BUS_ADDRESS``) and records every ``Notify`` call:

    with FakeNotifications() as notes:
        ...  # make the app notify
        note = notes.wait_for(lambda n: "expires" in n.summary)

It uses jeepney (pure Python) and serves the bus from a background thread.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

from jeepney import HeaderFields, Message, MessageFlag, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
DO_NOT_QUEUE = 4  # RequestName flag; reply 1 means we are now the primary owner.
INTROSPECTION = f"""<node><interface name="{NAME}">
<method name="Notify"><arg direction="in" type="s"/><arg direction="in" type="u"/>
<arg direction="in" type="s"/><arg direction="in" type="s"/><arg direction="in" type="s"/>
<arg direction="in" type="as"/><arg direction="in" type="a{{sv}}"/><arg direction="in" type="i"/>
<arg direction="out" type="u"/></method>
<method name="GetCapabilities"><arg direction="out" type="as"/></method>
<method name="GetServerInformation"><arg direction="out" type="s"/><arg direction="out" type="s"/>
<arg direction="out" type="s"/><arg direction="out" type="s"/></method>
<method name="CloseNotification"><arg direction="in" type="u"/></method>
</interface></node>"""


@dataclass(frozen=True)
class Notification:
    app_name: str
    summary: str
    body: str


class FakeNotifications:
    """Owns ``org.freedesktop.Notifications`` on the session bus while the ``with`` block runs."""

    def __init__(self) -> None:
        self.received: list[Notification] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._next_id = 1
        self._conn: DBusConnection | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> FakeNotifications:
        self._conn = open_dbus_connection("SESSION")
        reply = self._conn.send_and_get_reply(message_bus.RequestName(NAME, DO_NOT_QUEUE), timeout=5)
        if reply.header.message_type == MessageType.error or reply.body[0] != 1:
            self._conn.close()
            raise RuntimeError(f"could not own {NAME} on the session bus (another notification "
                               f"service has it?): RequestName replied {reply.body!r}")
        self._thread = threading.Thread(target=self._serve, name="fake-notifications", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._conn is not None and self._thread is not None
        self._stop.set()
        self._thread.join(timeout=5)
        try:
            self._conn.send_and_get_reply(message_bus.ReleaseName(NAME), timeout=5)
        finally:
            self._conn.close()

    def records(self) -> list[Notification]:
        with self._lock:
            return list(self.received)

    def wait_for(self, predicate: Callable[[Notification], bool], timeout: float = 10) -> Notification:
        """The first notification received (so far or within ``timeout`` s) that matches."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.records()
            match = next((n for n in got if predicate(n)), None)
            if match is not None:
                return match
            if time.monotonic() >= deadline:
                raise AssertionError(f"no matching desktop notification in {timeout} s; received: {got!r}")
            time.sleep(0.05)

    def _serve(self) -> None:
        assert self._conn is not None
        while not self._stop.is_set():
            try:
                msg = self._conn.receive(timeout=0.1)
            except TimeoutError:
                continue
            if msg.header.message_type == MessageType.method_call:
                reply = self._answer(msg)
                if not msg.header.flags & MessageFlag.no_reply_expected:
                    self._conn.send(reply)

    def _answer(self, msg: Message) -> Message:
        fields = msg.header.fields
        interface, member = fields.get(HeaderFields.interface), fields.get(HeaderFields.member)
        if fields.get(HeaderFields.path) != PATH:
            return new_error(msg, "org.freedesktop.DBus.Error.UnknownObject", "s", (f"no object at {PATH}",))
        if interface == "org.freedesktop.DBus.Introspectable" and member == "Introspect":
            return new_method_return(msg, "s", (INTROSPECTION,))
        if interface == "org.freedesktop.DBus.Peer" and member == "Ping":
            return new_method_return(msg)
        if interface in (NAME, None):
            if member == "Notify":
                app_name, replaces_id, _icon, summary, body, *_ = msg.body
                with self._lock:
                    self.received.append(Notification(app_name, summary, body))
                    note_id = replaces_id or self._next_id
                    self._next_id += not replaces_id
                return new_method_return(msg, "u", (note_id,))
            if member == "GetCapabilities":
                return new_method_return(msg, "as", (["body"],))
            if member == "GetServerInformation":
                return new_method_return(msg, "ssss", ("gatehouse-test", "gatehouse", "1", "1.2"))
            if member == "CloseNotification":
                return new_method_return(msg)
        return new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (f"no method {interface}.{member}",))
