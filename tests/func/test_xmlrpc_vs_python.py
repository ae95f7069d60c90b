"""Our XML-RPC codec against Python's xmlrpc.client, the one supervisorctl
uses: encodings must be byte-identical to dumps(), and decoding must agree
with loads() (same values, same refusals) on hand-written documents, on
dumps() output for random values, and on random well-formed documents built
from XML-RPC's vocabulary. Everything is seeded, so failures repeat.

The few places where we knowingly differ are listed in deviation(): Python
takes ints of any size, struct keys that are ints or None, bigdecimal, and
faults whose code is not an int; we refuse those. We also refuse DTDs,
bound nesting depth, and refuse a call whose root element is not
<methodCall>. Text that XML 1.0 cannot carry, which dumps() writes as it
is (and loads() then refuses), we write mapped by xml_safe()."""
import json
import math
import os
import random
import struct
import subprocess
import xmlrpc.client as xc
from decimal import Decimal

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("SUPD_BUILD", os.path.join(ROOT, "build"))
TOOL = os.path.join(BUILD, "tests", "tools", "xr-roundtrip")


def run_tool(requests):
    """Send requests (dicts) to xr-roundtrip in one process; return replies."""
    if not os.path.exists(TOOL):
        pytest.skip("xr-roundtrip not built: " + TOOL)
    data = "".join(json.dumps(r) + "\n" for r in requests)
    proc = subprocess.run([TOOL], input=data, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    replies = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(replies) == len(requests), proc.stderr
    return replies


# -- tagged JSON, the tool's value notation ---------------------------------

def dbits(d):
    return struct.pack(">d", d).hex()


def tag(v):
    """A Python value (as loads returns it) in the tool's notation."""
    if v is None:
        return ["nil"]
    if isinstance(v, bool):
        return ["boolean", v]
    if isinstance(v, int):
        return ["int", v]
    if isinstance(v, float):
        return ["double", "nan" if math.isnan(v) else dbits(v)]
    if isinstance(v, str):
        return ["string", v]
    if isinstance(v, (bytes, bytearray)):
        return ["base64", bytes(v).hex()]
    if isinstance(v, xc.Binary):
        return ["base64", v.data.hex()]
    if isinstance(v, xc.DateTime):
        return ["datetime", v.value]
    if isinstance(v, (list, tuple)):
        return ["array", [tag(x) for x in v]]
    if isinstance(v, dict):
        return ["struct", [[k, tag(x)] for k, x in v.items()]]
    raise TypeError("no tag for %r" % (v,))


def untag_for_dumps(t):
    """Tool notation to the Python value dumps() should marshal."""
    kind = t[0]
    if kind == "nil":
        return None
    if kind in ("boolean", "int", "string"):
        return t[1]
    if kind == "double":
        return struct.unpack(">d", bytes.fromhex(t[1]))[0]
    if kind == "base64":
        return xc.Binary(bytes.fromhex(t[1]))
    if kind == "datetime":
        return xc.DateTime(t[1])
    if kind == "array":
        return [untag_for_dumps(x) for x in t[1]]
    return {k: untag_for_dumps(x) for k, x in t[1]}


# -- what Python says ---------------------------------------------------------

def py_response(data):
    """ServerProxy's view of a response body: ("value", tagged) with one
    param alone and several as an array, ("fault", (code, string)),
    ("error", exc), or ("python-only", why) for a deviation."""
    try:
        params, _ = xc.loads(data)
    except xc.Fault as f:
        if type(f.faultCode) is not int or not isinstance(f.faultString, str) \
                or not -2**31 <= f.faultCode < 2**31:
            return ("python-only", "fault code or string of another type")
        return ("fault", [f.faultCode, f.faultString])
    except Exception as exc:  # ExpatError, ResponseError, ValueError, ...
        return ("error", repr(exc))
    value = params[0] if len(params) == 1 else list(params)
    why = deviation(value)
    if why:
        return ("python-only", why)
    return ("value", tag(value))


def root_name(data):
    """The root element's name after any prefix, or None."""
    import xml.parsers.expat
    names = []
    p = xml.parsers.expat.ParserCreate()
    p.StartElementHandler = lambda name, attrs: names.append(name)
    try:
        p.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        pass
    return names[0].split(":")[-1] if names else None


def py_call(data):
    try:
        params, method = xc.loads(data)
    except Exception as exc:
        return ("error", repr(exc))
    if root_name(data) != "methodCall":
        return ("error", "the root element is not methodCall")
    if not method:
        return ("error", "no method name")  # Supervisor answers 400
    why = deviation(list(params))
    if why:
        return ("python-only", why)
    return ("call", [method, tag(list(params))[1]])


def deviation(v):
    """Why we refuse a value Python accepts, or None."""
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, int):
        return None if -2**63 <= v < 2**63 else "int beyond 64 bits"
    if isinstance(v, Decimal):
        return "bigdecimal"
    if isinstance(v, (list, tuple)):
        for x in v:
            why = deviation(x)
            if why:
                return why
    if isinstance(v, dict):
        for k, x in v.items():
            if not isinstance(k, str):
                return "struct key of type %s" % type(k).__name__
            why = deviation(x)
            if why:
                return why
    return None


def ours(reply):
    if "error" in reply:
        return ("error", reply["error"])
    if "fault" in reply:
        return ("fault", reply["fault"])
    if "method" in reply:
        return ("call", [reply["method"], reply["params"]])
    return ("value", reply["value"])


def compare(docs, op="decode-response"):
    """Decode docs with both; return (mismatches, counts by outcome)."""
    replies = run_tool([{"op": op, "data": d.hex()} for d in docs])
    judge = py_response if op == "decode-response" else py_call
    bad, counts = [], {}
    for doc, reply in zip(docs, replies):
        want, got = judge(doc), ours(reply)
        counts[want[0]] = counts.get(want[0], 0) + 1
        if want[0] == "python-only":
            if got[0] != "error":
                bad.append((doc, want, got))
        elif want[0] == "error":
            if got[0] != "error":
                bad.append((doc, want, got))
        elif want != got:
            bad.append((doc, want, got))
    return bad, counts


def show(bad):
    return "\n".join("%r\n  python: %r\n  ours:   %r" % b for b in bad[:5])


# -- random values ------------------------------------------------------------

TEXT_POOL = ("abc", " ", "  lead", "trail  ", "\n", "\t", "&", "<", ">",
             "&amp;", "]]>", "é", "ß", "日本", "😀", "'", '"', "\u00a0",
             "\u2028", "x" * 40, "0", "-1", "_")
CONTROL_POOL = ("\x01", "\x08", "\x0b", "\x0c", "\x1f", "\r", "\x7f",
                "\x00", "\x1b[31m", "\ufffe", "\uffff", "\x85")


def xml_safe(text):
    """What our encoder writes for text (xmlrpc.c, xr_add_escaped): C0
    controls but tab, newline and carriage return as their control
    pictures (U+2400 + c), U+FFFE and U+FFFF as U+FFFD."""
    out = []
    for ch in text:
        c = ord(ch)
        if c < 0x20 and ch not in "\t\n\r":
            out.append(chr(0x2400 + c))
        elif c in (0xfffe, 0xffff):
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


def safe_value(v):
    """v with every string and struct key mapped by xml_safe()."""
    if isinstance(v, str):
        return xml_safe(v)
    if isinstance(v, list):
        return [safe_value(x) for x in v]
    if isinstance(v, dict):
        return {xml_safe(k): safe_value(x) for k, x in v.items()}
    return v


def rand_text(rng, control=False):
    pool = TEXT_POOL + (CONTROL_POOL if control else ())
    return "".join(rng.choice(pool) for _ in range(rng.randrange(0, 6)))


def rand_double(rng):
    r = rng.random()
    if r < 0.3:
        return struct.unpack(">d", rng.getrandbits(64).to_bytes(8, "big"))[0]
    if r < 0.5:
        return rng.choice([0.0, -0.0, 1.0, -1.5, 0.1, 1e16, 1e-5, 1e-4,
                           123456789012345678.0, 1e308, 5e-324, 2.0**-1074,
                           float("inf"), float("-inf"), 1/3])
    if r < 0.7:
        return math.ldexp(1.0, rng.randrange(-1074, 1024))
    return rng.uniform(-1e6, 1e6) * 10.0 ** rng.randrange(-30, 30)


def rand_value(rng, depth=0, control=False):
    kinds = ["nil", "bool", "int", "double", "string", "base64", "datetime"]
    if depth < 4:
        kinds += ["array", "struct"] * 2
    kind = rng.choice(kinds)
    if kind == "nil":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rng.choice([0, 1, -1, 2**31 - 1, -2**31, rng.randrange(-2**31, 2**31)])
    if kind == "double":
        d = rand_double(rng)
        return 0.0 if math.isnan(d) else d
    if kind == "string":
        return rand_text(rng, control)
    if kind == "base64":
        return xc.Binary(bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 2, 3, 56, 57, 58, 200]))))
    if kind == "datetime":
        return xc.DateTime("%04d%02d%02dT%02d:%02d:%02d" % (
            rng.randrange(1, 9999), rng.randrange(1, 13), rng.randrange(1, 29),
            rng.randrange(24), rng.randrange(60), rng.randrange(60)))
    n = rng.randrange(0, 5)
    if kind == "array":
        return [rand_value(rng, depth + 1, control) for _ in range(n)]
    # Names are C strings in our codec: no NUL.
    return {rand_text(rng, control).replace("\x00", ""):
            rand_value(rng, depth + 1, control) for _ in range(n)}


def tagged_for_tool(v):
    """Python value to tool notation, for encoding requests."""
    if isinstance(v, xc.Binary):
        return ["base64", v.data.hex()]
    if isinstance(v, xc.DateTime):
        return ["datetime", v.value]
    if isinstance(v, float):
        return ["double", dbits(v)]
    if isinstance(v, list):
        return ["array", [tagged_for_tool(x) for x in v]]
    if isinstance(v, dict):
        return ["struct", [[k, tagged_for_tool(x)] for k, x in v.items()]]
    return tag(v)


def dumps_response(v):
    return xc.dumps((v,), methodresponse=True, allow_none=True).encode()


# -- encoding -----------------------------------------------------------------

def test_encode_response_is_byte_identical():
    """Byte for byte what dumps() writes, once text XML cannot carry is
    mapped; and always a document loads() reads."""
    rng = random.Random(1)
    values = [rand_value(rng, control=True) for _ in range(3000)]
    replies = run_tool([{"op": "encode-response", "value": tagged_for_tool(v)}
                        for v in values])
    mapped = 0
    for v, reply in zip(values, replies):
        out = bytes.fromhex(reply["out"])
        assert out == dumps_response(safe_value(v)), repr(v)
        xc.loads(out, use_builtin_types=True)
        mapped += safe_value(v) != v
    assert mapped > 300


def bytes_safe(data):
    """xml_safe() of bytes that need not be UTF-8: a well-formed sequence
    is its character, any other byte alone is U+FFFD."""
    out, i = [], 0
    while i < len(data):
        for n in (1, 2, 3, 4):
            try:
                out.append(data[i:i + n].decode("utf-8"))
                break
            except UnicodeDecodeError:
                pass
        else:
            out.append("\ufffd")
            n = 1
        i += n
    return xml_safe("".join(out))


def test_encode_bytes_that_are_not_utf8():
    """Bytes from a log are not always UTF-8: each byte that does not
    begin a well-formed sequence is U+FFFD (where decode("replace")
    would fold a cut-short sequence into one)."""
    rng = random.Random(9)
    cases = [b"\xff", b"a\x80b", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
             b"\xe2\x82", b"ok\xc3\xa9\xff\x1b[0m\x00", b"\xef\xbf\xbe\xef\xbf\xbf"]
    cases += [bytes(rng.getrandbits(8) for _ in range(rng.randrange(40)))
              for _ in range(2000)]
    replies = run_tool([{"op": "encode-response",
                         "value": ["string-bytes", c.hex()]} for c in cases])
    for c, reply in zip(cases, replies):
        out = bytes.fromhex(reply["out"])
        assert out == dumps_response(bytes_safe(c)), c
        xc.loads(out)


def test_encode_supervisor_shapes():
    info = {"name": "web", "group": "web", "description": "pid 42, uptime 0:00:01",
            "start": 1700000000, "stop": 0, "now": 1700000001, "state": 20,
            "statename": "RUNNING", "spawnerr": "", "exitstatus": 0,
            "logfile": "/tmp/a.log", "stdout_logfile": "/tmp/a.log",
            "stderr_logfile": "", "pid": 42}
    cases = [True, False, [info, info], [], {}, "", [["out", 10, False]],
             [{"name": "x", "group": "g", "status": 80, "description": "OK"}]]
    replies = run_tool([{"op": "encode-response", "value": tagged_for_tool(v)}
                        for v in cases])
    for v, reply in zip(cases, replies):
        assert bytes.fromhex(reply["out"]) == dumps_response(v)


def test_encode_call_is_byte_identical():
    rng = random.Random(2)
    reqs, want = [], []
    for i in range(500):
        method = rng.choice(["supervisor.getState", "system.multicall",
                             "supervisor.startProcess", "a.b_c"])
        params = [rand_value(rng, control=True) for _ in range(rng.randrange(0, 4))]
        reqs.append({"op": "encode-call", "method": method,
                     "params": [tagged_for_tool(p) for p in params]})
        want.append(xc.dumps(tuple(safe_value(params)), methodname=method,
                             allow_none=True).encode())
    for reply, w in zip(run_tool(reqs), want):
        assert bytes.fromhex(reply["out"]) == w


@pytest.mark.parametrize("code,text", [
    (10, "BAD_NAME: foo"), (1, "UNKNOWN_METHOD"), (-32700, "<&>"),
    (0, ""), (2**31 - 1, "é日本\x01"), (-2**31, "x\ny"), (10, "\x1b[1m\x07\ufffe")])
def test_encode_fault_is_byte_identical(code, text):
    reply, = run_tool([{"op": "encode-fault", "code": code, "string": text}])
    out = bytes.fromhex(reply["out"])
    assert out == xc.dumps(xc.Fault(code, xml_safe(text))).encode()
    with pytest.raises(xc.Fault):
        xc.loads(out)


def test_encode_big_int_as_i8_which_python_reads():
    v = 2**40 + 5
    reply, = run_tool([{"op": "encode-response", "value": ["int", v]}])
    out = bytes.fromhex(reply["out"])
    assert b"<i8>%d</i8>" % v in out
    assert xc.loads(out)[0] == (v,)


def test_double_repr_matches_python():
    rng = random.Random(3)
    doubles = [rand_double(rng) for _ in range(20000)]
    doubles += [math.ldexp(1.0, e) for e in range(-1074, 1024)]
    doubles += [math.nextafter(math.ldexp(1.0, e), 0) for e in range(-1000, 1000)]
    doubles += [float("nan"), float("-nan"), 9.999999999999999e22, 1e23, 5e-324]
    replies = run_tool([{"op": "repr", "double": dbits(d)} for d in doubles])
    for d, reply in zip(doubles, replies):
        assert reply["out"] == repr(d), dbits(d)


# -- decoding -----------------------------------------------------------------

def test_decode_dumps_output_of_random_values():
    rng = random.Random(4)
    docs = [dumps_response(rand_value(rng)) for _ in range(3000)]
    bad, counts = compare(docs)
    assert not bad, show(bad)
    assert counts.get("value", 0) > 2500


def test_decode_random_calls():
    rng = random.Random(5)
    docs = [xc.dumps(tuple(rand_value(rng) for _ in range(rng.randrange(4))),
                     methodname=rng.choice(["supervisor.getState", "x.y"]),
                     allow_none=True).encode() for _ in range(1000)]
    bad, counts = compare(docs, "decode-call")
    assert not bad, show(bad)
    assert counts.get("call", 0) == 1000


def wrap(inner):
    return ("<?xml version='1.0'?>\n<methodResponse><params><param>%s"
            "</param></params></methodResponse>" % inner).encode()


HAND_WRITTEN = [
    "<value><int>42</int></value>",
    "<value><i4> -7 </i4></value>",
    "<value><i8>9223372036854775807</i8></value>",
    "<value><i8>9223372036854775808</i8></value>",
    "<value><i1>1_000</i1></value>",
    "<value><i2>1__0</i2></value>",
    "<value><biginteger>+12</biginteger></value>",
    "<value><int></int></value>",
    "<value><int>0x10</int></value>",
    "<value><int>\u00a012\u3000</int></value>",
    "<value><int>1 2</int></value>",
    "<value><boolean>1</boolean></value>",
    "<value><boolean>0</boolean></value>",
    "<value><boolean> 1</boolean></value>",
    "<value><boolean>true</boolean></value>",
    "<value><double>1.5</double></value>",
    "<value><double> -1e-3 </double></value>",
    "<value><double>1_0.5</double></value>",
    "<value><double>1._5</double></value>",
    "<value><double>.5</double></value>",
    "<value><double>5.</double></value>",
    "<value><double>.</double></value>",
    "<value><double>1e</double></value>",
    "<value><double>Infinity</double></value>",
    "<value><double>-inf</double></value>",
    "<value><double>nan</double></value>",
    "<value><double>nan(1)</double></value>",
    "<value><double>0x1p3</double></value>",
    "<value><double>1e400</double></value>",
    "<value><float>2.5</float></value>",
    "<value><bigdecimal>2.5</bigdecimal></value>",
    "<value><string> spaced </string></value>",
    "<value> bare text </value>",
    "<value></value>",
    "<value/>",
    "<value><string></string></value>",
    "<value><string>a&amp;b&lt;c&gt;&#233;&#x1F600;</string></value>",
    "<value><string><![CDATA[<raw>&]]></string></value>",
    "<value>\n  <string>x</string>\n</value>",
    "<value>\n  <int>5</int>\n</value>",
    "<value><nil/></value>",
    "<value><ex:nil xmlns:ex='http://ws.apache.org/xmlrpc/namespaces/extensions'/></value>",
    "<value><ex:i8>5</ex:i8></value>",
    "<value><base64>Zm9v\nYmFy</base64></value>",
    "<value><base64>Zm9</base64></value>",
    "<value><base64>Z</base64></value>",
    "<value><base64>QQ==QQ==</base64></value>",
    "<value><base64>QQ=x=</base64></value>",
    "<value><base64>Q!Q=*=</base64></value>",
    "<value><base64></base64></value>",
    "<value><base64>\u00e9QQ==</base64></value>",
    "<value><dateTime.iso8601> 20240101T12:00:00 </dateTime.iso8601></value>",
    "<value><dateTime.iso8601>garbage</dateTime.iso8601></value>",
    "<value><array><data></data></array></value>",
    "<value><array><data><value>a</value><value><int>1</int></value></data></array></value>",
    "<value><array><value>no data element</value></array></value>",
    "<value><struct></struct></value>",
    "<value><struct><member><name>a</name><value>1</value></member>"
    "<member><name>b</name><value><int>2</int></value></member>"
    "<member><name>a</name><value>3</value></member></struct></value>",
    "<value><struct><member><name>a</name></member></struct></value>",
    "<value><struct><member><value><int>1</int></value><value>x</value></member></struct></value>",
    "<value><struct><member><value><nil/></value><value>x</value></member></struct></value>",
    "<value><struct><member><value><array><data/></array></value><value>x</value></member></struct></value>",
    "<value><struct><member><name></name><value/></member></struct></value>",
    "<value><unknown>1</unknown></value>",
    "<value><member>1</member></value>",
    "<value><int>1</int><unknown/></value>",
    "<value><int>1</int><int>2</int></value>",
    "<value><value>nested</value></value>",
    "<foo/><value>x</value>",
    "",
]


def test_decode_hand_written_responses():
    docs = [wrap(h) for h in HAND_WRITTEN]
    docs += [
        b"",
        b"<methodResponse/>",
        b"<methodResponse><params/></methodResponse>",
        b"<methodResponse><params><param><value>a</value></param>"
        b"<param><value>b</value></param></params></methodResponse>",
        b"<methodResponse><methodName>x</methodName></methodResponse>",
        b"<methodResponse><fault><value><struct><member><name>faultCode</name>"
        b"<value><int>10</int></value></member><member><name>faultString</name>"
        b"<value><string>BAD_NAME: x</string></value></member></struct></value>"
        b"</fault></methodResponse>",
        b"<methodResponse><fault><value><struct><member><name>faultCode</name>"
        b"<value><int>10</int></value></member></struct></value></fault></methodResponse>",
        b"<methodResponse><fault><value><struct><member><name>faultCode</name>"
        b"<value><string>10</string></value></member><member><name>faultString</name>"
        b"<value>x</value></member></struct></value></fault></methodResponse>",
        b"<methodResponse><fault><value>x</value></fault></methodResponse>",
        b"<methodResponse><fault></fault></methodResponse>",
        b"<methodResponse><fault><value><struct><member><name>faultCode</name>"
        b"<value><int>1</int></value></member><member><name>faultString</name>"
        b"<value>x</value></member><member><name>extra</name><value>y</value></member>"
        b"</struct></value></fault><params/></methodResponse>",
        b"<methodResponse><params><param><value>x</value></param></params>"
        b"</methodResponse>trailing",
        b"<methodResponse><params><param><value>x</value></param></params>",
        b"<?xml version='1.0' encoding='iso-8859-1'?><methodResponse><params>"
        b"<param><value>caf\xe9</value></param></params></methodResponse>",
        b"<?xml version='1.0' encoding='utf-8'?><methodResponse><params>"
        b"<param><value>caf\xe9</value></param></params></methodResponse>",
        "<methodResponse><params><param><value>x</value></param></params></methodResponse>".encode("utf-16"),
        b"<methodResponse><params><param><value>\x01</value></param></params></methodResponse>",
        b"<methodResponse><params><param><value>&#1;</value></param></params></methodResponse>",
        b"<methodResponse><params><param><value>a\r\nb\rc</value></param></params></methodResponse>",
        b"<methodResponse><params><param><value>&undefined;</value></param></params></methodResponse>",
        b"<methodResponse><params><param><?pi x?><!-- c --><value>x</value></param></params></methodResponse>",
    ]
    bad, counts = compare(docs)
    assert not bad, show(bad)
    assert counts["value"] > 40 and counts["error"] > 15 and counts["fault"] >= 1


CALLS = [
    b"<methodCall><methodName>supervisor.getState</methodName></methodCall>",
    b"<methodCall><methodName>supervisor.getState</methodName><params/></methodCall>",
    b"<methodCall><methodName></methodName><params/></methodCall>",
    b"<methodCall><params><param><value>x</value></param></params></methodCall>",
    b"<methodCall><methodName>a</methodName><methodName>b</methodName><params/></methodCall>",
    b"<methodCall><methodName> sp </methodName><params/></methodCall>",
    b"<methodCall><methodName>a<x/>b</methodName><params/></methodCall>",
    b"<methodCall><methodName>x</methodName><params><param><value><int>1</int>"
    b"</value></param><param><value>two</value></param></params></methodCall>",
    b"<methodCall><methodName>x</methodName><fault><value><struct><member>"
    b"<name>faultCode</name><value><int>1</int></value></member><member>"
    b"<name>faultString</name><value>s</value></member></struct></value></fault></methodCall>",
    b"<methodCall/>",
]


def test_decode_hand_written_calls():
    bad, counts = compare(CALLS, "decode-call")
    assert not bad, show(bad)
    assert counts["call"] >= 5 and counts["error"] >= 3


# Random but well-formed documents from XML-RPC's own words: they reach
# the corners of Python's tolerant stack machine (stray values, names
# outside structs, odd members, unknown tags) that dumps() never writes.
TAGS = ["value"] * 6 + ["int", "i4", "i8", "string", "boolean", "double",
        "array", "data", "struct", "member", "name", "name", "nil", "ex:nil",
        "base64", "dateTime.iso8601", "params", "param", "fault",
        "methodName", "foo", "bigdecimal", "float", "biginteger"]
TEXTS = ["", " ", "\n", "1", " 42 ", "-7", "1_000", "0", "abc", "&lt;&amp;",
         "1.5", "1e3", "nan", "inf", "Zm9v", "QQ==", "Q", "20240101T00:00:00",
         "faultCode", "faultString", "é", "99999999999999999999"]


def rand_element(rng, depth):
    name = rng.choice(TAGS)
    if depth > 5 or rng.random() < 0.35:
        text = rng.choice(TEXTS)
        return "<%s>%s</%s>" % (name, text, name) if text or rng.random() < 0.5 \
            else "<%s/>" % name
    parts = []
    for _ in range(rng.randrange(0, 4)):
        if rng.random() < 0.2:
            parts.append(rng.choice(TEXTS))
        parts.append(rand_element(rng, depth + 1))
    return "<%s>%s</%s>" % (name, "".join(parts), name)


def rand_document(rng, root):
    body = "".join(rand_element(rng, 0) for _ in range(rng.randrange(1, 4)))
    if rng.random() < 0.6:
        body = "<params><param>%s</param></params>" % body
    if root == "methodCall" and rng.random() < 0.8:
        body = "<methodName>%s</methodName>%s" % (rng.choice(["m.x", "", " "]), body)
    return ("<?xml version='1.0'?>\n<%s>%s</%s>" % (root, body, root)).encode()


def test_decode_random_documents_responses():
    rng = random.Random(6)
    docs = [rand_document(rng, "methodResponse") for _ in range(20000)]
    bad, counts = compare(docs)
    assert not bad, show(bad)
    # Enough of every outcome that the comparison means something.
    assert counts.get("value", 0) > 2000 and counts.get("error", 0) > 2000


def test_decode_random_documents_calls():
    rng = random.Random(7)
    docs = [rand_document(rng, "methodCall") for _ in range(10000)]
    bad, counts = compare(docs, "decode-call")
    assert not bad, show(bad)
    assert counts.get("call", 0) > 1000 and counts.get("error", 0) > 1000


def test_decode_mutated_dumps_output():
    """Byte-level damage to real documents: both must refuse or agree."""
    rng = random.Random(8)
    pieces = [b"<value>", b"</value>", b"<int>", b"</int>", b"<string>",
              b"</string>", b"<nil/>", b"<struct>", b"</struct>", b"<member>",
              b"</member>", b"<name>", b"</name>", b"<array>", b"<data>",
              b"</data>", b"</array>", b" ", b"\n", b"&amp;", b"&#65;", b"1",
              b"_", b"=", b"<foo/>", b"<?pi?>", b"<!--c-->"]
    docs = []
    for _ in range(5000):
        doc = bytearray(dumps_response(rand_value(rng)))
        for _ in range(rng.randrange(1, 3)):
            i = rng.randrange(len(doc))
            j = min(len(doc), i + rng.randrange(1, 8))
            op = rng.random()
            if op < 0.3:
                del doc[i:j]
            elif op < 0.6:
                doc[i:i] = rng.choice(pieces)
            elif op < 0.8:
                doc[i:i] = doc[i:j]
            else:
                doc[i] = rng.randrange(256)
        docs.append(bytes(doc))
    bad, counts = compare(docs)
    assert not bad, show(bad)
    assert counts.get("value", 0) > 200


# -- limits and hostile input ---------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<methodResponse><params><param><value>&lol4;</value></param></params></methodResponse>
"""


@pytest.mark.parametrize("op", ["decode-response", "decode-call"])
def test_dtd_is_refused_with_a_cause(op):
    reply, = run_tool([{"op": op, "data": BILLION_LAUGHS.hex()}])
    assert "document type declaration" in reply["error"]


def test_depth_limit():
    # methodResponse, params, param, then 3 elements a level: 332 levels
    # and the innermost <value> make 1000 elements, the limit.
    ok = wrap("<value><array><data>" * 332 + "<value>x</value>" +
              "</data></array></value>" * 332)
    deep = wrap("<value><array><data>" * 333 + "<value>x</value>" +
                "</data></array></value>" * 333)
    r_ok, r_deep = run_tool([{"op": "decode-response", "data": d.hex()}
                             for d in (ok, deep)])
    inner = r_ok["value"]
    for _ in range(332):
        assert inner[0] == "array" and len(inner[1]) == 1
        inner = inner[1][0]
    assert inner == ["string", "x"]
    assert "nested deeper than 1000" in r_deep["error"]


def test_node_limit():
    doc = wrap("<value><array><data>" + "<nil/>" * 1000001 + "</data></array></value>")
    reply, = run_tool([{"op": "decode-response", "data": doc.hex()}])
    assert "more than 1000000 elements" in reply["error"]


def test_large_struct_with_repeated_names_keeps_dict_order():
    members = "".join("<member><name>k%d</name><value><int>%d</int></value></member>"
                      % (i % 500, i) for i in range(2000))
    doc = wrap("<value><struct>%s</struct></value>" % members)
    bad, _ = compare([doc])
    assert not bad, show(bad)
