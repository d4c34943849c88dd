"""Reading pasted requests: raw HTTP, curl commands and dicts."""

from __future__ import annotations

import pytest

from lora_lab.explorer import ParsedRequest, RequestParseError, parse_request


def header(parsed: ParsedRequest, name: str) -> str | None:
    return next((v for k, v in parsed.headers if k.lower() == name.lower()), None)


# Raw HTTP


def test_raw_http_with_lf_line_ends_is_read() -> None:
    parsed = parse_request(
        "POST /adapters?x=1 HTTP/1.1\nHost: example\nContent-Type: application/json"
        '\n\n{"name": "a"}'
    )
    assert (parsed.kind, parsed.method, parsed.raw_path) == (
        "http",
        "POST",
        "/adapters",
    )
    assert parsed.query_string == "x=1"
    assert parsed.body == b'{"name": "a"}'
    assert header(parsed, "content-length") == "13"
    assert parsed.notes == ("added Content-Length: 13",)


def test_raw_http_with_crlf_and_declared_length_keeps_it() -> None:
    parsed = parse_request(
        "POST /adapters HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}"
    )
    assert parsed.body == b"{}"
    assert parsed.notes == ()


def test_request_line_without_version_and_host_are_completed_and_noted() -> None:
    parsed = parse_request("\n\nDELETE /adapters/a\n")
    assert parsed.method == "DELETE"
    assert header(parsed, "host") == "localhost"
    assert parsed.notes == (
        "read the request line as HTTP/1.1",
        "added Host: localhost",
    )


def test_trailing_whitespace_after_a_declared_length_is_noted() -> None:
    parsed = parse_request("POST / HTTP/1.1\nHost: h\nContent-Length: 2\n\n{}\n\n")
    assert parsed.body == b"{}"
    assert "ignored 2 whitespace byte(s)" in parsed.notes[0]


def test_content_length_that_does_not_match_names_its_line() -> None:
    with pytest.raises(RequestParseError) as caught:
        parse_request("POST / HTTP/1.1\nHost: h\nContent-Length: 10\n\n{}")
    assert caught.value.line == 3
    assert "Content-Length is 10 but the body has 2 bytes" in str(caught.value)
    assert caught.value.expected is not None
    assert "Content-Length: 2" in caught.value.expected


def test_chunked_body_is_decoded_by_h11() -> None:
    parsed = parse_request(
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "2\r\n{}\r\n0\r\n\r\n"
    )
    assert parsed.body == b"{}"


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("GARBAGE", 1, "a request line"),
        ("POST /caf\u00e9 HTTP/1.1\n\n", 1, "percent-encoded"),
        ("POST / HTTP/1.1\nHost: h\nno colon here\n\n", 3, "a header line"),
        ("\n\nPOST / HTTP/1.1\nHost: h\nbad : x\n\n", 5, "a header line"),
        ("POST / HTTP/1.1\nHost: h\nHost: i\n\n", None, "body"),
    ],
)
def test_bad_http_names_the_line_and_what_was_expected(
    text: str, line: int | None, expected: str
) -> None:
    with pytest.raises(RequestParseError) as caught:
        parse_request(text)
    if line is not None:
        assert caught.value.line == line
        assert f"line {line}:" in str(caught.value)
    assert expected in str(caught.value.expected)


def test_empty_input_says_what_a_request_looks_like() -> None:
    with pytest.raises(RequestParseError, match="the request is empty"):
        parse_request("  \n\n ")


def test_header_values_are_handed_on_as_the_server_would_decode_them() -> None:
    # A client sends UTF-8 bytes; servers decode header bytes as latin-1.
    parsed = parse_request("GET / HTTP/1.1\nHost: h\nX-Name: caf\u00e9\n\n")
    request = parsed.starlette_request()
    assert request.headers["x-name"] == "caf\u00e9".encode().decode("latin-1")


# curl


def test_documentation_curl_with_continuations() -> None:
    parsed = parse_request(
        "curl -X POST http://localhost:8080/adapters \\\n"
        "  -H 'Content-Type: application/json' \\\n"
        '  -d \'{"name": "a", "src": "s3://b"}\''
    )
    assert (parsed.kind, parsed.method, parsed.target) == ("curl", "POST", "/adapters")
    assert header(parsed, "host") == "localhost:8080"
    assert header(parsed, "content-type") == "application/json"
    assert parsed.body == b'{"name": "a", "src": "s3://b"}'


def test_curl_defaults_follow_curl() -> None:
    form = parse_request("curl localhost/x -d a=1 -d b=2")
    assert form.method == "POST"
    assert form.body == b"a=1&b=2"
    assert header(form, "content-type") == "application/x-www-form-urlencoded"
    assert header(form, "accept") == "*/*"

    json_body = parse_request("$ curl localhost/x --json '{\"a\":' --json '1}'")
    assert json_body.body == b'{"a":1}'
    assert header(json_body, "content-type") == "application/json"
    assert header(json_body, "accept") == "application/json"

    get = parse_request(
        "curl -G localhost/adapters -d name=a --data-urlencode 'src=s3://b c'"
    )
    assert (get.method, get.target, get.body) == (
        "GET",
        "/adapters?name=a&src=s3%3A%2F%2Fb%20c",
        b"",
    )


def test_curl_header_forms() -> None:
    parsed = parse_request(
        "curl -sSL -XPUT localhost/x -H 'Accept:' -H 'X-Empty;' -H'X-A: 1' -u user:pw"
    )
    assert parsed.method == "PUT"
    assert header(parsed, "accept") is None
    assert header(parsed, "x-empty") == ""
    assert header(parsed, "x-a") == "1"
    assert header(parsed, "authorization") == "Basic dXNlcjpwdw=="


def test_browser_ansi_c_strings_are_decoded() -> None:
    parsed = parse_request(
        "curl 'http://h/x' --data-raw $'{\"a\": \"it\\'s\\n\\x41\\u00e9\"}'"
    )
    assert parsed.body.decode() == '{"a": "it\'s\nA\u00e9"}'


def test_non_ascii_url_is_percent_encoded_and_noted() -> None:
    parsed = parse_request("curl -X DELETE http://h/adapters/caf\u00e9")
    assert parsed.target == "/adapters/caf%C3%A9"
    assert parsed.notes == ("percent-encoded the path: /adapters/caf%C3%A9",)


@pytest.mark.parametrize(
    ("command", "line", "message"),
    [
        ("curl localhost \\\n -H 'A: b' \\\n -d '{\"a\": 1}", 3, "never closed"),
        ("curl localhost \\\n  --frobnicate", 2, "--frobnicate is not supported"),
        ("curl localhost -d @body.json", 1, "reads the body from a file"),
        ("curl localhost | jq .", 1, "only one curl command"),
        ("curl http://a http://b", 1, "more than one URL"),
        ("curl -X POST", 1, "names no URL"),
        ("curl localhost -H", 1, "-H needs a value"),
        ("curl localhost \\\n -H 'no colon'", 2, "is not a header"),
        ("curl localhost \\\n -H $'X: a\\r\\nY: b'", 2, "cannot be sent"),
    ],
)
def test_bad_curl_names_the_line(command: str, line: int, message: str) -> None:
    with pytest.raises(RequestParseError) as caught:
        parse_request(command)
    assert caught.value.line == line
    assert message in str(caught.value)


# dicts


def test_dict_request_with_json_body_and_query() -> None:
    parsed = parse_request(
        {
            "method": "post",
            "path": "/adapters?a=1",
            "query": {"b": ["2", "3"]},
            "headers": [["X-A", "1"]],
            "body": {"name": "a"},
        }
    )
    assert (parsed.kind, parsed.method, parsed.target) == (
        "dict",
        "POST",
        "/adapters?a=1&b=2&b=3",
    )
    assert parsed.body == b'{"name": "a"}'
    assert header(parsed, "content-type") == "application/json"
    assert header(parsed, "x-a") == "1"


def test_dict_from_json_text() -> None:
    parsed = parse_request('{"method": "DELETE", "path": "/adapters/a"}')
    assert (parsed.kind, parsed.method) == ("dict", "DELETE")


@pytest.mark.parametrize(
    ("request_dict", "message"),
    [
        ({"path": "/", "verb": "GET"}, "request['verb'] is not a request field"),
        ({"path": "adapters"}, "must be a path starting with '/'"),
        ({"method": "PO ST", "path": "/"}, "must be an HTTP method"),
        ({"path": "/", "headers": {"X": 1}}, "must map a name to a string"),
        ({"path": "/", "headers": {"X Y": "1"}}, "cannot be sent"),
        ({"path": "/", "headers": 5}, "must be a dict or a list"),
        ({"path": "/", "query": {"a": 1}}, "must be a string or a list"),
        ({"path": "/", "body": float("nan")}, "cannot be sent as JSON"),
    ],
)
def test_bad_dict_names_the_field(
    request_dict: dict[str, object], message: str
) -> None:
    with pytest.raises(RequestParseError) as caught:
        parse_request(request_dict)
    assert message in str(caught.value)


def test_scope_is_what_a_server_builds() -> None:
    scope = parse_request("DELETE /adapters/a%20b?x=1 HTTP/1.1\nHost: h:81\n\n").scope()
    assert scope["path"] == "/adapters/a b"
    assert scope["raw_path"] == b"/adapters/a%20b"
    assert scope["query_string"] == b"x=1"
    assert scope["server"] == ("h", 81)
    assert (b"host", b"h:81") in scope["headers"]
