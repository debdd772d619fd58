"""One start-up sample of the baseline: a Textual app with one Static, headless, leaving as
soon as it is ready."""

from stopwatch import Stopwatch

watch = Stopwatch()

from textual.app import App, ComposeResult
from textual.widgets import Static

watch.lap("imports")


class MinimalApp(App):
    def compose(self) -> ComposeResult:
        yield Static("村级党群服务中心")


async def leave_when_ready(pilot) -> None:
    watch.lap("run until ready")
    await pilot.pause(0)  # the screen has handled its pending events
    watch.lap("until the screen settles")
    pilot.app.exit()


app = MinimalApp()
watch.lap("construct app")
app.run(headless=True, size=(100, 30), auto_pilot=leave_when_ready)
watch.lap("shut down")
watch.report()
