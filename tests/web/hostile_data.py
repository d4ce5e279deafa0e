"""Payload tables for tests/web/test_hostile_input.py: what an attacker sends, in one place."""

from __future__ import annotations

from engine.bpmn.loading.safe_xml import MAX_BPMN_BYTES

# ---------------------------------------------------------------- 1. BPMN files

_DEFS = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"'
         ' targetNamespace="x">')

#: A BPMN file whose process name would be /etc/passwd if the parser resolved entities.
XXE_FILE = (
    '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    f'{_DEFS}<bpmn:process id="p" name="&x;" isExecutable="true"/></bpmn:definitions>\n'
).encode()

#: The same through the network: a parser that fetches it would connect to port 9 (discard).
XXE_HTTP = (
    '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "http://127.0.0.1:9/leak">]>\n'
    f'{_DEFS}<bpmn:process id="p" name="&x;" isExecutable="true"/></bpmn:definitions>\n'
).encode()

#: An external DTD by parameter entity, the classic out-of-band exfiltration set-up.
XXE_PARAMETER = (
    '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>\n'
    f'{_DEFS}<bpmn:process id="p" isExecutable="true"/></bpmn:definitions>\n'
).encode()

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY l{n} "{("&l" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">\n'
              for n in range(1, 10))
    + f"]>\n{_DEFS}<bpmn:process id=\"p\" name=\"&l9;\"/></bpmn:definitions>\n"
).encode()


def deep_nesting(levels: int = 100_000) -> bytes:
    return (f'<?xml version="1.0"?>\n{_DEFS}<bpmn:process id="p" isExecutable="true">'
            + "<bpmn:documentation>" + "<x>" * levels + "</x>" * levels
            + "</bpmn:documentation></bpmn:process></bpmn:definitions>\n").encode()


def over_parser_limit() -> bytes:
    """Well-formed, under the upload page's request limit, one byte over the parser's."""
    head = f'<?xml version="1.0"?>\n{_DEFS}<!--'.encode()
    tail = b"--></bpmn:definitions>\n"
    return head + b"x" * (MAX_BPMN_BYTES + 1 - len(head) - len(tail)) + tail


#: Name → (file bytes, what the owner is told). The text is the English half of the
#: problem, which the page and ``govflow validate --lang en`` show.
HOSTILE_BPMN = {
    "xxe_file": (XXE_FILE, "DOCTYPE/entities are not allowed"),
    "xxe_http": (XXE_HTTP, "DOCTYPE/entities are not allowed"),
    "xxe_parameter_entity": (XXE_PARAMETER, "DOCTYPE/entities are not allowed"),
    "billion_laughs": (BILLION_LAUGHS, "DOCTYPE/entities are not allowed"),
    "deep_100000": (deep_nesting(), "nested more than 200 levels"),
}

#: What must never come back: the first line of /etc/passwd, an expanded entity.
LEAKS = ("root:x:0:0", "root:*:0:0", "lollollollol", "/bin/bash", "/usr/sbin/nologin")

# ---------------------------------------------------------------- 2. expressions

#: Expressions test_expressions.py does not already throw at the evaluator (it has
#: ``__import__('os').system('id')``, ``9**9**9`` and ``type(x)``), with a word of the
#: message that says why each is refused.
SANDBOX_ESCAPES = {
    "[].__class__.__mro__[1]": "attribute access",
    "[].__class__.__mro__[1].__subclasses__()": "calls are allowed only",
    "x.__dict__": "attribute access",
    "x.__class__.__init__.__globals__": "attribute access",
    "getattr(x, '__class__')": "'getattr'",
    "(lambda: 1).__globals__": "attribute access",
    "(lambda: 1)": "lambda",
    "'{0.__class__.__mro__}'.format(x)": "calls are allowed only",
    "'{0.__class__}'.__mod__(x)": "calls are allowed only",
    "'%s' % x": "'%' string formatting",
    "'%(a)s' % {'a': x}": "'%' string formatting",
    "f'{x.__class__}'": "f-string",
    "f'{x!r:>{10**9}}'": "f-string",
    "__builtins__['eval']('1')": "calls are allowed only",
    "_x": "'_x'",
    "10**10**10": "too large",
    "'a' * 10**10": "too large",
    "[0] * 10**10": "too large",
    "str(10**100) * 10**5": "too large",
    "[x for x in range(10**9)]": "comprehension",
    "[[0] * 1000 for _ in range(1000)]": "comprehension",
    "{x: x for x in y}": "comprehension",
    "(i for i in y)": "generator",
    "range(10**9)": "'range'",
    "max(range(10**9))": "'range'",
    "vars(x)": "'vars'",
}

SCRIPT_ESCAPES = {
    "x = ().__class__.__base__.__subclasses__()": "calls are allowed only",
    "import os\nos.system('id')": "import",
    "x = __import__('os')": "'__import__'",
    "exec('import os')": "bare expressions",
    "x = 'a' * 10**10": "too large",
    "for i in range(10**9): x = i": "for loops",
    "x = [i for i in range(10**9)]": "comprehension",
    "x = '{0.__globals__}'.format(y)": "calls are allowed only",
}

# ---------------------------------------------------------------- 3. markup

XSS = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
#: For fields too short for the whole payload (a phone number: 30 characters).
XSS_SHORT = "<img src=x onerror=alert(1)>"
RAW_MARKERS = ("<script>alert(1)", "<img src=x")
ESCAPED_MARKERS = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")

# ---------------------------------------------------------------- 4. JSON bodies

BAD_JSON_BODIES = {
    "not_json": (b"{not json", "application/json"),
    "truncated": (b'{"data": {"subject": "x"', "application/json"),
    "list": (b'[{"data": {}}]', "application/json"),
    "string": (b'"data"', "application/json"),
    "number": (b"42", "application/json"),
    "null": (b"null", "application/json"),
    "deep_nesting": (b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "application/json"),
    "deep_objects": (b'{"data": ' + b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"}",
                     "application/json"),
    "wrong_content_type": (b'{"data": {}}', "text/plain"),
    "form_encoded": (b"data=x", "application/x-www-form-urlencoded"),
    "xml": (b"<data/>", "application/xml"),
    "utf16_bom_garbage": ("\ufeff{".encode("utf-16"), "application/json"),
    "invalid_utf8": (b'{"data": {"subject": "\xff\xfe"}}', "application/json"),
}

# ---------------------------------------------------------------- 5. files

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40

TRAVERSAL_NAMES = [
    "../../etc/passwd",
    "..\\..\\win.ini",
    "/etc/passwd",
    "....//....//etc/passwd.pdf",
    "a\x00.pdf",
    "evil\x00../../x.pdf",
    "line\nbreak.pdf",
    "cr\r\nSet-Cookie: x=1.pdf",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "ก" * 300 + ".pdf",
    "x" * 5000 + ".pdf",
    ".htaccess",
    "CON",
    "\u202egnp.pdf",
]

#: (name, declared type, bytes, why it lies).
CONTENT_LIES = [
    ("page.pdf", "application/pdf", b"<html><script>alert(1)</script></html>", "html as pdf"),
    ("run.png", "image/png", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "elf as png"),
    ("setup.pdf", "application/pdf", b"MZ\x90\x00\x03" + b"\x00" * 64, "exe as pdf"),
    ("archive.pdf", "application/pdf", b"PK\x03\x04\x14\x00" + b"\x00" * 64, "zip named pdf"),
    ("photo.png", "image/png", b"just some text, not a picture at all", "text as png"),
    ("page.html", "text/html", b"<html></html>", "html as html"),
    ("svg.png", "image/png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
     "svg as png"),
]

# ---------------------------------------------------------------- 6. query strings

ODD_VALUES = [
    "due; DROP TABLE task--",
    "' OR 1=1--",
    "\" OR \"\"=\"",
    "1; DELETE FROM process_instance",
    "%",
    "_",
    "%%",
    "\\",
    "' UNION SELECT password_hash FROM user_account--",
    "ก\u0e48\u0e49\u0e4a",
    "\U0001f600",
    "\x00",
    "a" * 10_000,
    "-1",
    "0",
    "99999999999999999999999999",
    "2147483648",
    "\u00b2",  # a superscript two: str.isdigit() says yes, int() says no
    "\u0663",  # an Arabic-Indic three: int() reads it
    "1e309",
    "NaN",
    "../../etc/passwd",
]
