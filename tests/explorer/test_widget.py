"""The ShapeExplorer widget, driven as a user would: set a box, read the panes."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from typing import Any

import pytest
from starlette.testclient import TestClient

from lora_lab import (
    BaseApiTransform,
    HandlerRegistry,
    create_transform_decorator,
    handler_registry,
    register_load_adapter_handler,
)
from lora_lab.explorer import ShapeExplorer, parse_request
from lora_lab.explorer.cases import load_case, load_cases, read_case
from tests.explorer.expectations import check_expected

CASES = load_cases()
SCRIPT_BODY = (
    '{"name": "<script>window.__pwned = 1</script>", '
    '"src": "<img src=x onerror=alert(1)>"}'
)


def text_of(pane: str) -> str:
    """Return the words a browser shows of an HTML pane, one space apart."""
    without_style = re.sub(r"<style>.*?</style>", "", pane, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", without_style)).split())


def tags_of(pane: str) -> set[str]:
    return set(re.findall(r"<([a-zA-Z0-9]+)", pane))


@pytest.fixture
def explorer() -> ShapeExplorer:
    return ShapeExplorer()


def test_importing_lora_lab_imports_no_widget_or_jupyter_module() -> None:
    code = (
        "import sys, lora_lab, lora_lab.explorer, lora_lab.explorer.cases, "
        "lora_lab.explorer.screen, lora_lab.explorer.panels, lora_lab.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    names = set(loaded.strip()[2:-2].split("', '"))
    assert "lora_lab" in names
    heavy = ("ipywidgets", "IPython", "ipykernel", "jupyter", "voila", "nbformat")
    assert sorted(name for name in names if name.startswith(heavy)) == []


def test_it_opens_on_an_accepted_example(explorer: ShapeExplorer) -> None:
    assert explorer.gallery.value == "register-curl-json-body"
    assert explorer.result.outcome == "accepted"
    shown = text_of(explorer.result_pane.value)
    assert "200 accepted: the handler is called" in shown
    assert "Read as a curl command" in shown
    assert "Adapter customer-support registered" in shown


def test_typing_a_shape_updates_the_value_on_every_keystroke(
    explorer: ShapeExplorer,
) -> None:
    seen = []
    for end in range(1, len('{"who": "body.name"}') + 1):
        explorer.shape_box.value = '{"who": "body.name"}'[:end]
        seen.append(explorer.result.outcome)
        assert "Traceback" not in explorer.result_pane.value
    assert seen[-1] == "accepted"
    assert set(seen[:-1]) == {"invalid_decorator"}
    assert explorer.result.values == {"who": "customer-support"}
    shown = text_of(explorer.result_pane.value)
    assert 'who body.name "customer-support"' in shown


def test_a_python_dict_literal_is_read_without_running_it(
    explorer: ShapeExplorer,
) -> None:
    explorer.shape_box.value = "{'who': 'body.name', 'nested': {'src': 'body.src'}}"
    assert explorer.result.values == {
        "who": "customer-support",
        "nested.src": "s3://my-bucket/adapters/customer-support",
    }
    explorer.shape_box.value = "{'who': __import__('os').getcwd()}"
    assert explorer.result.outcome == "invalid_decorator"
    assert explorer.evaluation.shape_error is not None
    assert explorer.evaluation.shape_error.column == 9
    assert "a call is not run here" in text_of(explorer.result_pane.value)


def test_a_half_typed_shape_shows_a_caret_and_no_stale_result(
    explorer: ShapeExplorer,
) -> None:
    assert "Adapter customer-support registered" in explorer.result_pane.value
    explorer.shape_box.value = '{"who": "body.na'
    pane = explorer.result_pane.value
    assert explorer.result.outcome == "invalid_decorator"
    assert "Adapter customer-support registered" not in pane
    assert "Unterminated string" in pane
    assert '<span class="caret">^</span>' in pane
    block = re.search(r'<pre class="caret-block">(.*?)</pre>', pane, re.S)
    assert block is not None
    line, caret = html.unescape(re.sub(r"<[^>]+>", "", block.group(1))).split("\n")
    assert line == '{"who": "body.na'
    assert caret.index("^") == line.index('"body')
    assert "decorator can be made" in explorer.code_pane.value
    assert explorer.export_box.value.startswith("Nothing to export")


def test_a_broken_expression_shows_its_error_under_the_position(
    explorer: ShapeExplorer,
) -> None:
    explorer.shape_box.value = '{"trace": "headers.X-Trace-Id"}'
    pane = explorer.result_pane.value
    assert explorer.result.outcome == "invalid_decorator"
    assert explorer.result.expressions[0].error is not None
    block = re.search(r'<pre class="caret-block">(.*?)</pre>', pane, re.S)
    assert block is not None
    line, caret = html.unescape(re.sub(r"<[^>]+>", "", block.group(1))).split("\n")
    assert line == "headers.X-Trace-Id"
    assert caret.index("^") == line.index("-")
    assert 'Fix: write headers."X-Trace-Id"' in text_of(pane)
    assert "Traceback" not in pane


def test_a_bad_paste_names_the_line_and_what_to_paste(
    explorer: ShapeExplorer,
) -> None:
    explorer.request_box.value = "POST /adapters HTTP/1.1\nHost: h\nnot a header\n\n{}"
    shown = text_of(explorer.result_pane.value)
    assert explorer.result.outcome == "invalid_request"
    assert "line 3: illegal header line" in shown
    assert "3 | not a header" in shown
    assert "Paste raw HTTP" in shown
    assert "Traceback" not in shown

    explorer.request_box.value = ""
    assert "the request is empty" in text_of(explorer.result_pane.value)


def test_markup_in_the_request_is_shown_as_text_everywhere(
    explorer: ShapeExplorer,
) -> None:
    explorer.request_box.value = f"POST /adapters HTTP/1.1\n\n{SCRIPT_BODY}"
    explorer.shape_box.value = '{"who": "body.name", "src": "body.src"}'
    assert explorer.result.values["who"] == "<script>window.__pwned = 1</script>"
    for pane in (
        explorer.result_pane.value,
        explorer.code_pane.value,
        explorer.download_link.value,
    ):
        assert "<script" not in pane
        assert "<img" not in pane
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in (
        explorer.result_pane.value
    )
    assert tags_of(explorer.result_pane.value) <= {
        "style", "div", "h4", "p", "code", "pre", "ul", "li", "table", "tr", "th",
        "td", "span", "em", "strong", "br", "mark",
    }  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_gallery_example_shows_what_its_case_expects(case: Any) -> None:
    explorer = ShapeExplorer()
    explorer.gallery.value = case.name
    check_expected(explorer.result, case.expected)
    pane = explorer.result_pane.value
    assert "<script" not in pane
    assert case.description in html.unescape(explorer.gallery_note.value)


def test_inject_modes_show_their_boxes_and_highlight_the_change(
    explorer: ShapeExplorer,
) -> None:
    explorer.load("inject-append")
    assert explorer.mode_box.value == "inject-append"
    assert explorer.shape_boxes.layout.display == "none"
    assert explorer.inject_boxes.layout.display == "flex"

    explorer.mode_box.value = "inject-prepend"
    assert explorer.result.handler_input is not None
    assert explorer.result.handler_input.request.json["model"] == (
        "customer-support:base"
    )
    assert "<mark>&quot;customer-support:base&quot;</mark>" in (
        explorer.result_pane.value
    )
    assert "prepend=True" in explorer.code_pane.value

    explorer.mode_box.value = "inject-replace"
    assert explorer.separator_box.layout.display == "none"
    assert "<mark>&quot;customer-support&quot;</mark>" in explorer.result_pane.value

    explorer.path_box.value = "parameters.adapter"
    assert explorer.result.injection is not None
    assert explorer.result.injection.patch == [
        {"op": "add", "path": "/parameters", "value": {"adapter": "customer-support"}}
    ]
    explorer.mode_box.value = "register"
    assert explorer.shape_boxes.layout.display == "flex"
    assert explorer.inject_boxes.layout.display == "none"


def test_every_handler_type_can_be_chosen(explorer: ShapeExplorer) -> None:
    explorer.request_box.value = "GET /adapters/team/fr HTTP/1.1\n\n"
    explorer.shape_box.value = '{"name": "path_params.adapter_name"}'
    explorer.mode_box.value = "describe"
    assert explorer.result.values == {"name": "team/fr"}
    explorer.mode_box.value = "list"
    assert explorer.result.status == 404
    assert explorer.result.rejection is not None
    assert explorer.result.rejection.stage == "route"
    shown = text_of(explorer.result_pane.value)
    assert "Lint" in shown
    assert "cannot carry path_params.adapter_name" in shown

    explorer.request_box.value = "POST /adapters/team/fr/update?pin=true HTTP/1.1\n\n"
    explorer.shape_box.value = '{"name": "path_params.adapter_name", "pin": "body.pin"}'
    explorer.mode_box.value = "update"
    assert explorer.result.values == {"name": "team/fr", "pin": True}
    assert "Adapter team/fr updated" in explorer.result_pane.value

    explorer.mode_box.value = "unregister"
    assert explorer.result.outcome == "rejected"
    assert explorer.result.status == 405


def test_the_export_is_a_case_that_passes(explorer: ShapeExplorer) -> None:
    explorer.load("inject-append")
    explorer.mode_box.value = "inject-prepend"
    explorer.case_name_box.value = "My Prepend Case!"
    explorer.case_description_box.value = "prepend, as exported"

    exported = json.loads(explorer.export_box.value)
    assert exported["name"] == "my-prepend-case"
    assert exported["decorator"]["prepend"] is True
    case = read_case(explorer.export_box.value, "my-prepend-case.json")
    check_expected(case.preview(), case.expected)
    assert case.expected["handler_body_json"]["model"] == "customer-support:base"
    assert 'download="my-prepend-case.json"' in explorer.download_link.value
    assert "data:application/json" in explorer.download_link.value


def test_a_dict_request_is_exported_as_a_dict(explorer: ShapeExplorer) -> None:
    explorer.load("register-response-shape")
    case = read_case(explorer.export_box.value)
    assert isinstance(case.request, dict)
    assert case.expected["response_json"] == {"code": 200}
    check_expected(case.preview(), case.expected)


@pytest.mark.parametrize(
    "name",
    ["register-query-string", "update-pin", "list-next-page", "unregister-basic"],
)
def test_the_code_pane_runs_and_serves_the_request(name: str) -> None:
    explorer = ShapeExplorer()
    explorer.load(name)
    code = html.unescape(re.sub(r"</?pre>", "", explorer.code_pane.value))
    namespace: dict[str, Any] = {}
    exec(compile(code, f"{name}.py", "exec"), namespace)
    parsed = parse_request(load_case(name).request)

    response = TestClient(namespace["app"]).request(
        parsed.method,
        f"http://testserver{parsed.target}",
        headers=list(parsed.headers),
        content=parsed.body,
    )
    assert explorer.result.response is not None
    assert response.status_code == explorer.result.response.status
    assert response.content == explorer.result.response.body
    assert len(handler_registry) == 1


def test_the_code_pane_of_inject_runs_and_injects() -> None:
    explorer = ShapeExplorer()
    explorer.load("inject-nested")
    code = html.unescape(re.sub(r"</?pre>", "", explorer.code_pane.value))
    assert '# body["parameters"]["adapter"]["id"] == \'fr\'' in code
    namespace: dict[str, Any] = {}
    exec(compile(code, "inject.py", "exec"), namespace)
    response = TestClient(namespace["app"]).post(
        "/invocations",
        headers={"X-Amzn-SageMaker-Adapter-Identifier": "fr"},
        json={"inputs": "Bonjour"},
    )
    assert response.status_code == 200


def test_it_starts_from_a_request_and_a_decorator() -> None:
    explorer = ShapeExplorer(
        request={"method": "POST", "path": "/adapters", "body": {"name": "a"}},
        decorator=register_load_adapter_handler(
            request_shape={"who": "body.name"}, registry=HandlerRegistry()
        ),
    )
    assert explorer.gallery.value == ""
    assert json.loads(explorer.shape_box.value) == {"who": "body.name"}
    assert explorer.result.outcome == "rejected"
    assert "src" in text_of(explorer.result_pane.value)

    custom = create_transform_decorator(
        "my_type", lambda _: BaseApiTransform, registry=HandlerRegistry()
    )(request_shape={"text": "body.text"})
    with pytest.raises(ValueError, match="handler type of your own"):
        ShapeExplorer(request="GET / HTTP/1.1\n\n", decorator=custom)


def test_a_decorator_that_cannot_be_made_says_why(explorer: ShapeExplorer) -> None:
    explorer.load("inject-append")
    explorer.path_box.value = ""
    shown = text_of(explorer.result_pane.value)
    assert explorer.result.outcome == "invalid_decorator"
    assert "adapter_path must be a non-empty string" in shown
    explorer.path_box.value = "model"
    assert explorer.result.outcome == "accepted"


def test_a_decorator_alone_comes_with_an_example_request() -> None:
    explorer = ShapeExplorer(
        decorator={
            "handler": "describe",
            "request_shape": {"n": "path_params.adapter_name"},
        }
    )
    assert explorer.mode_box.value == "describe"
    assert explorer.result.outcome == "accepted"
    assert explorer.result.values == {"n": "customer-support"}


def test_an_unknown_example_names_the_way_to_list_them(
    explorer: ShapeExplorer,
) -> None:
    with pytest.raises(KeyError, match="no example named 'nope'"):
        explorer.load("nope")


def test_it_displays_as_a_widget(explorer: ShapeExplorer) -> None:
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
