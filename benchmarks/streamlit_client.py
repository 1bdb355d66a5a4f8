"""A client that speaks the browser's protocol to Streamlit, and a citizen who answers any form.

A browser talks to a Streamlit server over one websocket, `ws://HOST/_stcore/stream`: it sends
`BackMsg` protobufs (a `rerun_script` with the URL's query string and the widget values) and gets
`ForwardMsg` protobufs back (a `new_session` when a script run starts, `delta`s that add elements
and blocks at a `delta_path`, `page_info_changed` when the app changes the query string, and
`script_finished`). `Connection` does that; `Page` is what one script run drew.

`Citizen` answers whatever the page draws, without knowing the questionnaire: it finds the widgets
of the form on screen by their type, gives each a plausible value (a radio's option, a text with a
marker of its own, a number when a text box refused a text), presses the form's primary button
(Next or Send), and stops at the thank-you page. After a dropped connection it reloads the page
with the same URL, as a person would, so the draft id in the URL (`d=`) makes the retry send the
same submission. Used by benchmarks/load_survey.py, benchmarks/fault_survey.py and the tests.

Needs `websockets` (a dependency of Streamlit itself).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
import string
import time
import urllib.parse
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

THANK_YOU = ("Благодарим ви!", "Thank you!")
WIDGETS = (
    "radio",
    "text_area",
    "text_input",
    "checkbox",
    "multiselect",
    "selectbox",
    "date_input",
    "number_input",
    "button",
)
BACK_LABELS = ("back", "назад", "previous", "предишен")
PHONE_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148 Safari/604.1"
DESKTOP_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126 Safari/537.36"
PHRASES = (
    "Формулярът беше ясен и бърз",
    "Не намерих къде да кача документа",
    "Хареса ми, че не трябваше да ходя до общината",
    "Бих добавил напомняне по имейл",
    "The steps were clear",
    "Текстът на бутоните може да е по-ясен",
)


class ProtocolError(Exception):
    """The server answered something the citizen cannot go on from (no form, no button)."""


class ServerError(Exception):
    """The page shows an exception instead of the form: a person would reload it."""


@dataclass(frozen=True)
class Element:
    path: tuple[int, ...]
    kind: str  # the Element oneof name ("radio", "markdown", ...) or "block:<kind>"
    proto: object

    @property
    def text(self) -> str:
        return getattr(self.proto, "body", "") or getattr(self.proto, "label", "") or ""


@dataclass
class Page:
    """What one script run drew, in delta-path order."""

    elements: list[Element] = field(default_factory=list)
    query_string: str = ""

    @property
    def widgets(self) -> list[Element]:
        return [e for e in self.elements if e.kind in WIDGETS]

    def form_widgets(self, form_id: str) -> list[Element]:
        return [e for e in self.widgets if e.proto.form_id == form_id and e.kind != "button"]

    @property
    def form_ids(self) -> list[str]:
        return list(dict.fromkeys(e.proto.form_id for e in self.widgets if e.proto.form_id))

    def submit_button(self, form_id: str) -> Element | None:
        """The form's primary submit button (Next or Send), never Back."""
        buttons = [
            e
            for e in self.widgets
            if e.kind == "button" and e.proto.is_form_submitter and e.proto.form_id == form_id
        ]
        forward = [b for b in buttons if b.proto.label.strip().lower() not in BACK_LABELS]
        primary = [b for b in forward if b.proto.type == "primary"]
        return (primary or forward or [None])[0]

    @property
    def headings(self) -> list[str]:
        return [e.proto.body.strip() for e in self.elements if e.kind == "heading"]

    @property
    def is_thank_you(self) -> bool:
        return any(h in THANK_YOU for h in self.headings)

    @property
    def errors(self) -> list[Element]:
        return [e for e in self.elements if e.kind == "alert" and e.proto.format == 1]  # ERROR

    @property
    def exception(self) -> str | None:
        for e in self.elements:
            if e.kind == "exception":
                return f"{e.proto.type}: {e.proto.message}"[:300]
        return None

    def widget_with_error(self, error: Element) -> Element | None:
        """The widget an error message belongs to: the last one drawn before it, in its block."""
        before = [w for w in self.widgets if w.path < error.path and w.path[:-1] == error.path[:-1]]
        return before[-1] if before else None

    def text(self) -> str:
        return "\n".join(e.text for e in self.elements)


async def http_get(base_url: str, path: str) -> int:
    """GET over a fresh HTTP/1.1 connection; returns the status (raises OSError if it fails)."""
    parsed = urllib.parse.urlsplit(base_url)
    reader, writer = await asyncio.open_connection(parsed.hostname, parsed.port or 80)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {parsed.netloc}\r\nUser-Agent: {DESKTOP_AGENT}\r\n"
            "Accept-Encoding: gzip\r\nConnection: close\r\n\r\n".encode("ascii")
        )
        await writer.drain()
        head = await reader.readline()
        await reader.read()  # the rest, until the server closes
    finally:
        writer.close()
    parts = head.split()
    if len(parts) < 2 or not parts[1].isdigit():
        raise ConnectionError(f"no HTTP answer for {path}")
    return int(parts[1])


def query_param(query_string: str, name: str) -> str:
    values = urllib.parse.parse_qs(query_string).get(name) or [""]
    return values[0]


class Connection:
    """One browser tab: a websocket session with the server, rerun by rerun."""

    def __init__(self, base_url: str, query_string: str, *, user_agent: str = DESKTOP_AGENT):
        self.base_url = base_url.rstrip("/")
        self.query_string = query_string
        self.user_agent = user_agent
        self._ws = None
        self.page_script_hash = ""

    async def open(self, timeout: float = 30.0, *, fetch_page: bool = False) -> Page:
        """Connect and run the script once, as a browser does when it loads the page.

        With `fetch_page`, first GET the page and the two endpoints the frontend asks before it
        connects (not the JavaScript bundle, which a browser caches after its first visit).
        """
        if fetch_page:
            for path in ("/?" + self.query_string, "/_stcore/health", "/_stcore/host-config"):
                await asyncio.wait_for(http_get(self.base_url, path), timeout)
        ws_url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self._ws = await asyncio.wait_for(
            websockets.connect(
                ws_url,
                subprotocols=["streamlit"],
                user_agent_header=self.user_agent,
                additional_headers={"Accept-Language": "bg-BG,bg;q=0.9"},
                max_size=None,
                open_timeout=timeout,
                ping_interval=None,
                compression=None,
            ),
            timeout,
        )
        return await self.rerun([], timeout=timeout)

    async def rerun(self, states: list[WidgetState], *, timeout: float = 30.0) -> Page:
        """Send the widget values (a pressed button is a trigger) and wait for the run's page."""
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = self.query_string
        client.page_script_hash = self.page_script_hash
        client.widget_states.widgets.extend(states)
        await self._ws.send(msg.SerializeToString())
        return await asyncio.wait_for(self._until_finished(), timeout)

    async def _until_finished(self) -> Page:
        elements: dict[tuple[int, ...], Element] = {}
        while True:
            raw = await self._ws.recv()
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                elements = {}
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "navigation":
                self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
            elif kind == "delta":
                path = tuple(msg.metadata.delta_path)
                delta = msg.delta
                if delta.WhichOneof("type") == "new_element":
                    name = delta.new_element.WhichOneof("type") or "empty"
                    elements[path] = Element(path, name, getattr(delta.new_element, name))
                elif delta.WhichOneof("type") == "add_block":
                    name = delta.add_block.WhichOneof("type") or "vertical"
                    elements[path] = Element(path, f"block:{name}", delta.add_block)
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise ProtocolError("the app's script did not compile")
                if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                    ordered = [elements[p] for p in sorted(elements)]
                    return Page(ordered, self.query_string)

    async def close(self) -> None:
        if self._ws is not None:
            ws, self._ws = self._ws, None
            with contextlib.suppress(Exception):  # a dead server: nothing to close politely
                await asyncio.wait_for(ws.close(), 5)


# ---- the citizen ---------------------------------------------------------------------------


def _marker(rng: random.Random) -> str:
    """Eight letters that mark one citizen's texts, so a stored text can be traced to its sender."""
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(8))


def widget_state(widget: Element, value: object) -> WidgetState:
    state = WidgetState(id=widget.proto.id)
    if widget.kind == "button":
        state.trigger_value = True
    elif widget.kind == "checkbox":
        state.bool_value = bool(value)
    elif widget.kind == "number_input":
        state.double_value = float(value)
    elif widget.kind in ("multiselect", "date_input"):
        state.string_array_value.data.extend(value)
    else:
        state.string_value = str(value)
    return state


class Gathering:
    """Citizens keep their pages open until `expected` of them have arrived (thanked or failed)."""

    def __init__(self, expected: int, on_all=None) -> None:
        self.expected = expected
        self.arrived = 0
        self.on_all = on_all
        self._event = asyncio.Event()

    def arrive(self) -> None:
        self.arrived += 1
        if self.arrived >= self.expected and not self._event.is_set():
            if self.on_all is not None:
                self.on_all()
            self._event.set()

    @property
    def complete(self) -> bool:
        return self._event.is_set()

    async def wait(self) -> None:
        await self._event.wait()


@dataclass
class Outcome:
    """What happened to one citizen."""

    acknowledged: bool = False  # the thank-you page was shown
    submission_id: str = ""  # the draft id (`d=`) of the URL the thank-you page was shown at
    marker: str = ""
    chosen: dict[str, object] = field(default_factory=dict)  # widget label -> last value sent
    steps: list[float] = field(default_factory=list)  # seconds per Next
    submit: float | None = None  # seconds from pressing Send to the thank-you page
    load: float | None = None  # seconds to the first page
    reloads: int = 0
    thanked_on_reload: bool = False  # the Send was stored, but the thanks came only on a reload
    exceptions: int = 0  # pages that showed an exception (reloaded)
    error: str | None = None


class Citizen:
    """Answers the form on screen, screen after screen, until the thank-you page."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        seed: int,
        phone: bool = True,
        think: tuple[float, float] = (0.0, 0.0),
        timeout: float = 30.0,
        fetch_page: bool = True,
    ) -> None:
        self.base_url = base_url
        self.fetch_page = fetch_page
        self.rng = random.Random(seed)
        self.query_string = urllib.parse.urlencode({"s": token})
        self.agent = PHONE_AGENT if phone else DESKTOP_AGENT
        self.think = think
        self.timeout = timeout
        self.outcome = Outcome(marker=_marker(self.rng))
        self._attempts: dict[str, int] = {}
        self._deadline = 0.0

    def value_for(self, widget: Element) -> object:
        """A plausible value; a widget that was refused gets the next kind of value."""
        proto, attempt = widget.proto, self._attempts.get(widget.proto.id, 0)
        if widget.kind in ("radio", "selectbox"):
            return self.rng.choice(list(proto.options))
        if widget.kind == "multiselect":
            options = list(proto.options)
            return self.rng.sample(options, self.rng.randint(1, min(2, len(options))))
        if widget.kind == "checkbox":
            return attempt > 0 or self.rng.random() < 0.5
        if widget.kind == "date_input":
            low = dt.date.fromisoformat(proto.min.replace("/", "-")) if proto.min else None
            high = dt.date.fromisoformat(proto.max.replace("/", "-")) if proto.max else None
            day = dt.date(2024, 1, 1) + dt.timedelta(days=self.rng.randrange(700))
            day = max(low, day) if low else day
            day = min(high, day) if high else day
            return [day.isoformat()]
        if widget.kind == "number_input":
            low = proto.min if proto.has_min else 0.0
            high = proto.max if proto.has_max else low + 100
            value = low + self.rng.random() * (high - low)
            return round(value) if proto.data_type == 1 else round(value, 2)  # INT
        numbers = ("42", "7", "1", "100", "0", "2000")
        if widget.kind == "text_input" and attempt > 0:
            return numbers[(attempt - 1) % len(numbers)]
        text = f"{self.rng.choice(PHRASES)} ({self.outcome.marker})"
        limit = proto.max_chars or 10_000
        return text if len(text) <= limit else self.outcome.marker[:limit]

    async def run(
        self,
        deadline: float,
        *,
        max_steps: int = 40,
        max_reloads: int = 20,
        hold: Gathering | None = None,
    ) -> Outcome:
        """Answer until the thank-you page, the deadline, or too many failures; never raises.

        With `hold`, the thanked citizen keeps the page (and its server session) open until
        everyone of the gathering has arrived, or the deadline passes.
        """
        out = self.outcome
        self._deadline = deadline
        steps = 0
        conn: Connection | None = None
        page: Page | None = None
        try:
            while time.monotonic() < deadline and steps < max_steps:
                try:
                    if conn is None:
                        conn = Connection(self.base_url, self.query_string, user_agent=self.agent)
                        started = time.monotonic()
                        page = await conn.open(self._left(deadline), fetch_page=self.fetch_page)
                        out.load = out.load or time.monotonic() - started
                        out.thanked_on_reload = page.is_thank_you
                    self.query_string = conn.query_string
                    if page.is_thank_you:
                        out.acknowledged = True
                        out.submission_id = query_param(conn.query_string, "d")
                        if hold is not None:  # keep the page open until the others are done
                            hold.arrive()
                            with contextlib.suppress(TimeoutError):
                                await asyncio.wait_for(hold.wait(), deadline - time.monotonic())
                        return out
                    if page.exception:
                        out.exceptions += 1
                        raise ServerError(page.exception)
                    page = await self._press(conn, page)
                    steps += 1
                except (
                    OSError,
                    EOFError,
                    TimeoutError,
                    ServerError,
                    websockets.WebSocketException,
                ) as exc:
                    if conn is not None:
                        self.query_string = conn.query_string
                        await conn.close()
                    conn, page = None, None
                    out.reloads += 1
                    if out.reloads > max_reloads:
                        out.error = f"gave up after {out.reloads} reloads: {type(exc).__name__}"
                        return out
                    await asyncio.sleep(min(0.2 * out.reloads, 2.0) + self.rng.random() * 0.3)
            out.error = out.error or ("too many steps" if steps >= max_steps else "deadline")
        except ProtocolError as exc:
            out.error = f"protocol: {exc}"
        except Exception as exc:  # a bug in the client or the server: report it, keep the others
            out.error = f"{type(exc).__name__}: {exc}"[:300]
        finally:
            if conn is not None:
                await conn.close()
        return out

    def _left(self, deadline: float) -> float:
        return max(1.0, min(self.timeout, deadline - time.monotonic()))

    async def _press(self, conn: Connection, page: Page) -> Page:
        forms = page.form_ids
        if not forms:
            raise ProtocolError(f"no form and no thank-you page: {page.text()[:200]!r}")
        form = forms[0]
        button = page.submit_button(form)
        if button is None:
            raise ProtocolError(f"form {form} has no submit button")
        for error in page.errors:  # refused values: try another kind next time
            widget = page.widget_with_error(error)
            if widget is not None:
                self._attempts[widget.proto.id] = self._attempts.get(widget.proto.id, 0) + 1
        states = []
        for widget in page.form_widgets(form):
            value = self.value_for(widget)
            self.outcome.chosen[widget.proto.label] = value
            states.append(widget_state(widget, value))
        states.append(widget_state(button, True))
        if self.think[1] > 0:
            await asyncio.sleep(self.rng.uniform(*self.think))
        started = time.monotonic()
        new_page = await conn.rerun(states, timeout=self._left(self._deadline))
        took = time.monotonic() - started
        if new_page.is_thank_you:
            self.outcome.submit = took
        else:
            self.outcome.steps.append(took)
        return new_page
