"""Charts as SVG text, drawn by plotly.js in one headless Chromium (kaleido) that a
process starts once and keeps for every chart of every report it renders."""

import asyncio
import atexit
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from functools import cache

import kaleido
import plotly.graph_objects as go

CHART_TIMEOUT_SECONDS = 120


class ChartsUnavailable(Exception):
    def __init__(self, error: BaseException | str):
        super().__init__(
            f"charts could not be drawn ({error}). Charts are drawn by Chromium through "
            "kaleido: install Debian's chromium (scripts/setup.sh does) and try again."
        )


class ChartRenderer:
    """A Chromium tab behind an event loop of its own thread. `start()` returns at once
    so the browser can start while the report's figures are being computed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._browser = None  # a future resolving to the open kaleido.Kaleido

    def start(self) -> None:
        with self._lock:
            if self._loop is not None:
                return
            self._loop = asyncio.new_event_loop()
            threading.Thread(
                target=self._loop.run_forever, name="report-charts", daemon=True
            ).start()
            self._browser = asyncio.run_coroutine_threadsafe(self._open(), self._loop)

    async def _open(self) -> kaleido.Kaleido:
        browser = kaleido.Kaleido(n=1, mathjax=False, timeout=CHART_TIMEOUT_SECONDS)
        await browser.open()
        return browser

    def submit(self, figure: go.Figure, *, width: int, height: int) -> Future:
        """Starts drawing `figure`; the future's result is the SVG's bytes."""
        self.start()
        return asyncio.run_coroutine_threadsafe(self._draw(figure, width, height), self._loop)

    def wait(self, drawing: Future) -> str:
        try:
            return drawing.result(timeout=CHART_TIMEOUT_SECONDS * 2).decode("utf-8")
        except FutureTimeout as error:
            drawing.cancel()
            raise ChartsUnavailable("Chromium did not answer in time") from error
        except Exception as error:
            raise ChartsUnavailable(error) from error

    def svg(self, figure: go.Figure, *, width: int, height: int) -> str:
        return self.wait(self.submit(figure, width=width, height=height))

    async def _draw(self, figure: go.Figure, width: int, height: int) -> bytes:
        browser = await asyncio.wrap_future(self._browser)
        opts = {"format": "svg", "width": width, "height": height}
        return await browser.calc_fig(figure, opts=opts)

    def close(self) -> None:
        """Closes Chromium, waiting for it first if it is still starting: a browser left
        starting as the process ends leaves its profile folder half removed."""
        with self._lock:
            if self._loop is None:
                return
            loop, browser = self._loop, self._browser
            self._loop = self._browser = None
        try:
            opened = browser.result(timeout=CHART_TIMEOUT_SECONDS)
            asyncio.run_coroutine_threadsafe(opened.close(), loop).result(timeout=30)
        except Exception:  # a browser that never opened has nothing to close
            pass
        loop.call_soon_threadsafe(loop.stop)


@cache
def chart_renderer() -> ChartRenderer:
    renderer = ChartRenderer()
    atexit.register(renderer.close)
    return renderer
