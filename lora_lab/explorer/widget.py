"""The interactive explorer: paste a request, type a shape, watch the result change.

:class:`ShapeExplorer` is a set of ipywidgets around
:func:`~lora_lab.explorer.screen.evaluate`: every keystroke in any box
makes a new :class:`~lora_lab.explorer.screen.Screen`, evaluates it, and
replaces the result pane, the code pane and the case export whole. Needs
the ``ui`` extra (``pip install 'lora_lab[ui]'``); this module is imported
only when :class:`ShapeExplorer` is first used.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import ipywidgets as widgets

from lora_lab.explorer.cases import Case, load_cases
from lora_lab.explorer.panels import result_html
from lora_lab.explorer.preview import DecoratorInput
from lora_lab.explorer.render import escape_html
from lora_lab.explorer.result import InputError, Preview
from lora_lab.explorer.screen import (
    MODES,
    Evaluation,
    Screen,
    evaluate,
    export_case,
)
from lora_lab.explorer.settings import HANDLER_TYPES
from lora_lab.explorer.snippet import handler_code

logger = logging.getLogger(__name__)

DEFAULT_EXAMPLE = "register-curl-json-body"
"""The gallery case shown when the explorer is given nothing to show."""

_PLACEHOLDERS = {
    "request": "Paste raw HTTP, a curl command or a JSON object of method, path, "
    "headers, query and body",
    "shape": '{"adapter_id": "body.name"}',
    "response_shape": "optional, such as {'code': 'status_code'}",
}
_NOT_A_NAME = re.compile(r"[^a-z0-9-]+")
_STYLE = """<style>
.lora-lab-explorer textarea { font-family: monospace; font-size: 12px; }
.lora-lab-explorer h2 { margin: 4px 0 8px; }
.lora-lab-code pre { background: #f6f8fa; padding: 8px; font-size: 12px;
  line-height: 1.4; font-family: monospace; white-space: pre; overflow: auto; }
</style>"""


class ShapeExplorer:
    """See what a handler receives for a request, updated as you type.

    Display it in a notebook (or serve it with ``lora-lab explore``)::

        from lora_lab.explorer import ShapeExplorer

        ShapeExplorer(
            request="curl localhost:8080/adapters --json "
            '\\'{"name": "a", "src": "s3://b/a"}\\'',
            decorator=register_load_adapter_handler(
                request_shape={"adapter_id": "body.name"}
            ),
        )

    ``request`` is raw HTTP, a curl command or a dict; ``decorator`` what a
    LoRA decorator factory returns, or its settings. With a decorator
    alone, the first gallery example of its handler type gives the request;
    with neither, the register example sent with curl is shown. The current
    :class:`~lora_lab.explorer.Preview` is ``explorer.result``; ``load(name)``
    shows another example. Raises ``ValueError`` for a decorator of a
    handler type of your own (use :func:`~lora_lab.explorer.preview`).
    """

    def __init__(
        self,
        request: str | Mapping[str, Any] | None = None,
        decorator: DecoratorInput | None = None,
    ) -> None:
        self.cases = {case.name: case for case in load_cases()}
        self._loading = False
        self._build()
        if request is None and decorator is None:
            self.load(DEFAULT_EXAMPLE)
            return
        screen = Screen.of(request, decorator)
        if request is None:
            screen = replace(screen, request=self._example_request(screen))
        self.show(screen)

    @property
    def result(self) -> Preview:
        """The preview of what is on screen now."""
        return self.evaluation.preview

    @property
    def screen(self) -> Screen:
        """The text of the input boxes, as a :class:`Screen`."""
        return Screen(
            mode=self.mode_box.value,
            request=self.request_box.value,
            shape=self.shape_box.value,
            response_shape=self.response_shape_box.value,
            adapter_path=self.path_box.value,
            separator=self.separator_box.value,
        )

    def show(self, screen: Screen) -> None:
        """Fill the input boxes from ``screen`` and show its result."""
        self._loading = True
        try:
            self.mode_box.value = screen.mode
            self.request_box.value = screen.request
            self.shape_box.value = screen.shape
            self.response_shape_box.value = screen.response_shape
            self.path_box.value = screen.adapter_path
            self.separator_box.value = screen.separator
        finally:
            self._loading = False
        self.refresh()

    def load(self, name: str) -> None:
        """Show the gallery example called ``name`` (a case file's name)."""
        case = self.cases.get(name)
        if case is None:
            raise KeyError(f"no example named {name!r}; see explorer.cases")
        self._loading = True
        try:
            self.gallery.value = name
            self.case_name_box.value = f"{name}-edited"
            self.case_description_box.value = case.description
        finally:
            self._loading = False
        self.gallery_note.value = f"<em>{escape_html(case.description)}</em>"
        self.show(Screen.of_case(case))

    def refresh(self) -> None:
        """Evaluate the boxes and replace every output with the new result."""
        screen = self.screen
        try:
            self.evaluation = evaluate(screen)
            pane = result_html(self.evaluation)
        except Exception as error:  # the page shows a message, never a traceback
            logger.debug("The explorer could not evaluate the inputs", exc_info=True)
            self.evaluation = _failed(screen, error)
            pane = result_html(self.evaluation)
        self._show_inject_boxes(screen.is_inject)
        self.result_pane.value = pane
        self.code_pane.value = self._code()
        self._export()

    def _example_request(self, screen: Screen) -> str:
        """Return the request of the first example of the screen's handler type."""
        for case in self.cases.values():
            if case.decorator.handler == screen.handler:
                return Screen.of_case(case).request
        return ""

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _build(self) -> None:
        self.gallery = widgets.Dropdown(
            options=[("Choose an example", "")]
            + [(_gallery_label(case), case.name) for case in self.cases.values()],
            value="",
            description="Example",
            layout=widgets.Layout(width="100%"),
        )
        self.gallery_note = widgets.HTML()
        self.mode_box = widgets.Dropdown(
            options=[(label, mode) for mode, label in MODES.items()],
            value="register",
            description="Handler",
            layout=widgets.Layout(width="100%"),
        )
        self.request_box = _text_area(_PLACEHOLDERS["request"], rows=12)
        self.shape_box = _text_area(_PLACEHOLDERS["shape"], rows=6)
        self.response_shape_box = _text_area(_PLACEHOLDERS["response_shape"], rows=2)
        self.path_box = widgets.Text(
            description="Body path", continuous_update=True, placeholder="model"
        )
        self.separator_box = widgets.Text(
            description="Separator", continuous_update=True, placeholder=":"
        )
        self.result_pane = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.code_pane = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.case_name_box = widgets.Text(description="Case name", value="my-case")
        self.case_description_box = widgets.Text(
            description="Description", layout=widgets.Layout(width="100%")
        )
        self.export_box = widgets.Textarea(rows=10, layout=widgets.Layout(width="100%"))
        self.download_link = widgets.HTML()

        for box, name in (
            (self.gallery, "gallery"),
            (self.mode_box, "handler"),
            (self.request_box, "request"),
            (self.shape_box, "shape"),
            (self.response_shape_box, "response-shape"),
            (self.path_box, "adapter-path"),
            (self.separator_box, "separator"),
            (self.result_pane, "result"),
            (self.code_pane, "code"),
            (self.export_box, "export"),
            (self.download_link, "download"),
        ):
            box.add_class(f"lora-lab-{name}")
        self.gallery.observe(self._on_gallery, names="value")
        for box in (
            self.mode_box,
            self.request_box,
            self.shape_box,
            self.response_shape_box,
            self.path_box,
            self.separator_box,
        ):
            box.observe(self._on_input, names="value")
        for box in (self.case_name_box, self.case_description_box):
            box.observe(self._on_export_input, names="value")

        self.shape_boxes = widgets.VBox(
            [
                _label("Request shape: a JSON object or a Python dict literal"),
                self.shape_box,
                _label("Response shape (optional)"),
                self.response_shape_box,
            ]
        )
        self.inject_boxes = widgets.VBox(
            [
                _label("inject_adapter_id: the body path to write the header to"),
                self.path_box,
                self.separator_box,
            ]
        )
        inputs = widgets.VBox(
            [
                self.mode_box,
                _label("Request: raw HTTP, a curl command or JSON"),
                self.request_box,
                self.shape_boxes,
                self.inject_boxes,
            ],
            layout=widgets.Layout(width="44%", padding="0 12px 0 0"),
        )
        output = widgets.VBox(
            [self.result_pane], layout=widgets.Layout(width="56%", overflow="auto")
        )
        export = widgets.VBox(
            [
                _label("Save what is on screen as a case file (JSON)"),
                self.case_name_box,
                self.case_description_box,
                self.export_box,
                self.download_link,
            ]
        )
        self.widget = widgets.VBox(
            [
                widgets.HTML(f"{_STYLE}<h2>lora_lab shape explorer</h2>"),
                self.gallery,
                self.gallery_note,
                widgets.HBox([inputs, output]),
                widgets.HTML("<h3>Code</h3>"),
                self.code_pane,
                widgets.HTML("<h3>Export</h3>"),
                export,
            ],
            layout=widgets.Layout(width="100%"),
        )
        self.widget.add_class("lora-lab-explorer")

    def _on_gallery(self, change: Mapping[str, Any]) -> None:
        if not self._loading and change["new"]:
            self.load(change["new"])

    def _on_input(self, change: Mapping[str, Any]) -> None:
        if not self._loading:
            self.refresh()

    def _on_export_input(self, change: Mapping[str, Any]) -> None:
        if not self._loading:
            self._export()

    def _show_inject_boxes(self, inject: bool) -> None:
        self.inject_boxes.layout.display = "flex" if inject else "none"
        self.shape_boxes.layout.display = "none" if inject else "flex"
        joins = self.mode_box.value != "inject-replace"
        self.separator_box.layout.display = "flex" if joins else "none"

    def _code(self) -> str:
        settings = self.evaluation.settings
        if settings is None or self.result.outcome == "invalid_decorator":
            text = "# The code appears here once the decorator can be made."
        else:
            text = handler_code(settings, self.result)
        return f"<pre>{escape_html(text, keep_lines=True)}</pre>"

    def _export(self) -> None:
        name = _NOT_A_NAME.sub("-", self.case_name_box.value.lower()).strip("-")
        name = name or "my-case"
        try:
            case = export_case(self.evaluation, name, self.case_description_box.value)
        except ValueError as error:
            self.export_box.value = f"Nothing to export: {error}"
            self.download_link.value = ""
            return
        text = json.dumps(case, indent=2, ensure_ascii=False) + "\n"
        self.export_box.value = text
        href = "data:application/json;charset=utf-8," + quote(text)
        self.download_link.value = (
            f'<a download="{html.escape(name)}.json" href="{html.escape(href)}">'
            f"Download {html.escape(name)}.json</a>"
        )


def _failed(screen: Screen, error: Exception) -> Evaluation:
    message = f"the explorer could not evaluate this: {type(error).__name__}: {error}"
    result = Preview(
        outcome="invalid_request",
        handler_type=HANDLER_TYPES[screen.handler],
        decorator="",
        input_error=InputError("request", message),
    )
    return Evaluation(screen, result)


def _gallery_label(case: Case) -> str:
    description = case.description
    if len(description) > 70:
        description = description[:69] + "…"
    return f"{case.name}: {description}"


def _text_area(placeholder: str, *, rows: int) -> Any:
    return widgets.Textarea(
        placeholder=placeholder,
        rows=rows,
        continuous_update=True,
        layout=widgets.Layout(width="100%"),
    )


def _label(text: str) -> Any:
    return widgets.HTML(f"<b>{html.escape(text)}</b>")
