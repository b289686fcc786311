"""The bad lines test_abuse.py throws at the server: one table, each with its expected code."""

T = b"@TOKEN@"  # replaced by the abusing connection's token

INJECTIONS = ["' OR 1=1 --", "\"; DROP TABLE users; --", "'; DELETE FROM audit_log; --",
              "[[LEVEL 1]]", "[[/LEVEL]]", "%", "_", "\\", "50\\%", "%%", "a%b_c",
              "') UNION SELECT password_hash FROM users --", "*", "\u202e\u0301"]


def case(name, line, code, login=False, rid="keep"):
    """One bad line: rid 'keep' = the id in the line is echoed; None = id must be null."""
    return (name, line, code, login, rid)


def bad_lines():
    """(name, line, expected code(s), needs a logged-in connection, expected id)."""
    c = []
    # -- malformed and truncated JSON ------------------------------------------------
    for i, line in enumerate([b"{", b'{"op":"hello"', b'{"op":"hel', b'{"op":}', b"{'op':'hello'}",
                              b'{op:"hello"}', b'{"op":"hello",}', b'{"op":"hello"} trailing',
                              b'{"op":"hello"}]', b'\xef\xbb\xbf{"op":"hello"}',
                              b'{"op":"hello","x":"\\u00"}', b'{"op":"hello","x":"\\x41"}',
                              b'{"op":"hello","x":"a\tb"}', b'{"op":"hello","n":NaN}',
                              b'{"op":"hello","n":Infinity}', b'{"op":"hello","n":-}',
                              b'{"op":"hello","n":01}', b"nul", b"}{", b'{"op" "hello"}',
                              b'{"op":"hello","x":"\\', b'{"op":"hello","x":tru}']):
        c.append(case("malformed-%d" % i, line, "bad_request", rid=None))
    for i, line in enumerate([b"null", b"true", b"42", b'"hello"', b'[{"op":"hello"}]', b"[]"]):
        c.append(case("not-an-object-%d" % i, line, "bad_request", rid=None))
    # -- deep nesting --------------------------------------------------------------
    c.append(case("nesting-arrays-pre-login", b"[" * 4000, "bad_request", rid=None))
    c.append(case("nesting-objects-pre-login", b'{"a":' * 800, "bad_request", rid=None))
    c.append(case("nesting-balanced-post-login", b"[" * 30000 + b"]" * 30000, "bad_request",
                  login=True, rid=None))
    c.append(case("nesting-in-field-post-login",
                  b'{"id":"n","op":"read","token":"' + T + b'","ref":' + b"[" * 20000
                  + b"]" * 20000 + b"}", "bad_request", login=True, rid=None))
    # -- huge numbers --------------------------------------------------------------
    big = b"1180591620717411303424"  # 2^70
    c.append(case("id-1e999999", b'{"id":1e999999,"op":"hello"}', "bad_request", rid=None))
    c.append(case("id-2^70", b'{"id":' + big + b',"op":"hello"}', "bad_request", rid=None))
    for field in (b"limit", b"offset"):
        for value in (b"1e999999", big, b"-" + big):
            c.append(case("list-%s-%s" % (field.decode(), value.decode()[:8]),
                          b'{"id":"h","op":"list","token":"' + T + b'","kind":"scp","'
                          + field + b'":' + value + b"}", "bad_request", login=True, rid=None))
        for value in (b"9223372036854775807", b"-9223372036854775808", b"4294967297",
                      b"2147483648", b"-2147483649", b"1e2", b"1.0"):
            c.append(case("list-%s-%s" % (field.decode(), value.decode()),
                          b'{"id":"h","op":"list","token":"' + T + b'","kind":"scp","'
                          + field + b'":' + value + b"}", "bad_request", login=True))
    c.append(case("audit-limit-2^63", b'{"id":"a","op":"audit","token":"' + T
                  + b'","limit":9223372036854775807}', ("bad_request", "clearance_denied"),
                  login=True))
    c.append(case("login-id-2^70", b'{"id":"l","op":"login","user":' + big
                  + b',"password":"x"}', "bad_request", rid=None))
    c.append(case("login-id-int64-max", b'{"id":"l","op":"login","user":9223372036854775807,'
                  b'"password":"x"}', "auth_failed"))
    c.append(case("login-id-negative", b'{"id":"l","op":"login","user":-6,"password":"x"}',
                  "bad_request"))
    for value in (b"9223372036854775807", b"-5", b"0", b"1e3", b"2147483648"):
        c.append(case("create-number-%s" % value.decode(),
                      b'{"id":"c","op":"create","token":"' + T + b'","kind":"scp","number":'
                      + value + b',"title":"x","level":1,"containment":"Safe"}', "bad_request",
                      login=True))
    c.append(case("create-level-huge", b'{"id":"c","op":"create","token":"' + T
                  + b'","kind":"scp","number":7001,"title":"x","level":4294967297,'
                  b'"containment":"Safe"}', "bad_request", login=True))
    # -- wrong types for every field -------------------------------------------------
    values = [b"5", b"1.5", b"true", b"null", b"[]", b"{}", b'["x"]', b'{"a":1}']
    for v in values:
        c.append(case("op-as-%s" % v.decode(), b'{"id":"w","op":' + v + b"}", "bad_request"))
    for v in [b"5", b"true", b"null", b"[]", b"{}", b'["' + T + b'"]', b'{"token":"' + T + b'"}']:
        c.append(case("token-as-%s" % v.decode()[:10],
                      b'{"id":"w","op":"whoami","token":' + v + b"}", "bad_request", login=True))
    for v in values + [b'["SCP-002"]', b'{"ref":"SCP-002"}', b"2"]:
        c.append(case("ref-as-%s" % v.decode(), b'{"id":"w","op":"read","token":"' + T
                      + b'","ref":' + v + b"}", "bad_request", login=True))
    for field, vals in [(b"kind", [b"5", b"true", b"null", b"[]", b"{}", b'["scp"]']),
                        (b"limit", [b'"5"', b"true", b"[]", b"{}", b"5.5", b'"ten"']),
                        (b"offset", [b'"0"', b"false", b"[]", b"{}", b"0.5"]),
                        (b"query", [b"5", b"true", b"[]", b"{}", b'["x"]'])]:
        for v in vals:
            body = b'"kind":"scp",' if field != b"kind" else b""
            c.append(case("list-%s-as-%s" % (field.decode(), v.decode()),
                          b'{"id":"w","op":"list","token":"' + T + b'",' + body + b'"' + field
                          + b'":' + v + b"}", "bad_request", login=True))
    for field, vals in [(b"user", [b"[]", b"{}", b"true", b"1.5", b"null", b'["cadet"]']),
                        (b"password", [b"5", b"[]", b"{}", b"null", b"true"])]:
        for v in vals:
            other = b'"password":"x"' if field == b"user" else b'"user":"cadet"'
            c.append(case("login-%s-as-%s" % (field.decode(), v.decode()),
                          b'{"id":"w","op":"login",' + other + b',"' + field + b'":' + v + b"}",
                          "bad_request"))
    for field, vals in [(b"status", [b"5", b"[]", b"null", b"{}"]),
                        (b"reason", [b"5", b"[]", b"{}", b"true"]),
                        (b"ref", [b"2", b"[]", b"null"])]:
        for v in vals:
            fields = {b"ref": b'"SCP-013"', b"status": b'"explained"', b"reason": b'"r"'}
            fields[field] = v
            body = b",".join(b'"' + k + b'":' + x for k, x in fields.items())
            c.append(case("set_status-%s-as-%s" % (field.decode(), v.decode()),
                          b'{"id":"w","op":"set_status","token":"' + T + b'",' + body + b"}",
                          "bad_request", login=True))
    # edit and history: every field of the wrong type (nothing is written: base 1 is stale
    # anyway, so only the type check can answer bad_request).
    for field, vals in [(b"ref", [b"2", b"[]", b"null", b'"SITE-19"']),
                        (b"base_revision", [b'"1"', b"[]", b"-1", b"1.5", b"null"]),
                        (b"reason", [b"5", b"[]", b"{}", b'""']),
                        (b"section", [b'"1"', b"[]", b"0", b"1.5", b"1001"]),
                        (b"text", [b"5", b"[]", b"{}"])]:
        for v in vals:
            fields = {b"ref": b'"SCP-013"', b"base_revision": b"1", b"reason": b'"r"',
                      b"section": b"1", b"text": b'"x"'}
            fields[field] = v
            body = b",".join(b'"' + k + b'":' + x for k, x in fields.items())
            c.append(case("edit-%s-as-%s" % (field.decode(), v.decode()),
                          b'{"id":"w","op":"edit","token":"' + T + b'",' + body + b"}",
                          "bad_request", login=True))
    for v in [b'"5"', b"[]", b"0", b"101", b"1.5"]:
        c.append(case("history-limit-as-%s" % v.decode(),
                      b'{"id":"w","op":"history","token":"' + T + b'","ref":"SCP-002","limit":'
                      + v + b"}", "bad_request", login=True))
    for field, vals in [(b"limit", [b'"5"', b"[]", b"1.5"]), (b"user", [b"5", b"[]", b"{}"]),
                        (b"action", [b"5", b"[]", b"true"])]:
        for v in vals:
            c.append(case("audit-%s-as-%s" % (field.decode(), v.decode()),
                          b'{"id":"w","op":"audit","token":"' + T + b'","' + field + b'":' + v
                          + b"}", "bad_request", login=True))
    scp = {b"kind": b'"scp"', b"number": b"7002", b"title": b'"t"', b"level": b"1",
           b"containment": b'"Safe"'}
    for field, v in [(b"kind", b"5"), (b"number", b'"7002"'), (b"title", b"5"),
                     (b"level", b'"1"'), (b"containment", b"5"), (b"containment", b"[]"),
                     (b"sections", b'"x"'), (b"sections", b"[5]"),
                     (b"sections", b'[{"kind":5,"title":"t","level":1,"text":"x"}]'),
                     (b"sections", b'[{"kind":"description","title":"t","level":"1",'
                                   b'"text":"x"}]'),
                     (b"sections", b'[{"kind":"description","title":"t","level":1,"text":[]}]'),
                     (b"site", b"19"), (b"task_force", b"[]"), (b"risk", b"{}")]:
        fields = dict(scp)
        fields[field] = v
        body = b",".join(b'"' + k + b'":' + x for k, x in fields.items())
        c.append(case("create-%s-as-%s" % (field.decode(), v.decode()[:12]),
                      b'{"id":"w","op":"create","token":"' + T + b'",' + body + b"}",
                      "bad_request", login=True))
    for v in [b"[]", b"{}", b'{"a":1}', b"[1]"]:
        c.append(case("id-as-%s" % v.decode(), b'{"id":' + v + b',"op":"hello"}', "bad_request",
                      rid=None))
    # -- NUL bytes -----------------------------------------------------------------
    for i, line in enumerate([b"\x00", b'{"op":"hello"}\x00', b'\x00{"op":"hello"}',
                              b'{"op":"hello\x00"}', b'{"id":"z","op":"read","token":"' + T
                              + b'","ref":"SCP-002\x00"}']):
        c.append(case("nul-raw-%d" % i, line, "bad_request", login=i == 4, rid=None))
    for i, (line, login) in enumerate([
            (b'{"id":"z","op":"read","token":"' + T + b'","ref":"SCP-002\\u0000"}', True),
            (b'{"id":"z","op":"login","user":"cadet\\u0000x","password":"cadet-pass"}', False),
            (b'{"id":"z","op":"login","user":"cadet","password":"cadet-pass\\u0000"}', False),
            (b'{"id":"z","op":"list","token":"' + T + b'","kind":"scp","query":"a\\u0000b"}', True),
            (b'{"id":"z","op":"whoami","token":"' + T + b'\\u0000"}', True),
            (b'{"id":"z","op":"hello\\u0000"}', False)]):
        c.append(case("nul-escaped-%d" % i, line, ("bad_request", "unauthenticated", "unknown_op"),
                      login=login, rid="any"))
    # -- invalid UTF-8, in every kind of field ---------------------------------------
    seqs = [b"\xc0\xaf", b"\xe0\x80\xaf", b"\xc0\x80", b"\xed\xa0\x80", b"\xed\xbf\xbf",
            b"\xff", b"\xfe", b"\xe2\x82", b"\x80", b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80",
            b"\xf0\x9f\x98"]
    for i, s in enumerate(seqs):
        c.append(case("utf8-ref-%d" % i, b'{"id":"u","op":"read","token":"' + T + b'","ref":"SCP-'
                      + s + b'"}', "bad_request", login=True, rid=None))
        c.append(case("utf8-user-%d" % i, b'{"id":"u","op":"login","user":"cadet' + s
                      + b'","password":"cadet-pass"}', "bad_request", rid=None))
        c.append(case("utf8-password-%d" % i, b'{"id":"u","op":"login","user":"cadet",'
                      b'"password":"' + s + b'"}', "bad_request", rid=None))
        c.append(case("utf8-key-%d" % i, b'{"' + s + b'":1,"op":"hello"}', "bad_request",
                      rid=None))
    c.append(case("utf8-query", b'{"op":"list","token":"' + T + b'","kind":"scp","query":"\xff"}',
                  "bad_request", login=True, rid=None))
    c.append(case("utf8-token", b'{"op":"whoami","token":"' + T[:-1] + b'\xc3"}', "bad_request",
                  login=True, rid=None))
    c.append(case("utf8-truncated-at-eol", b'{"op":"hello"}\xe2', "bad_request", rid=None))
    for i, esc in enumerate([b"\\ud800", b"\\udc00", b"\\ud800\\u0041", b"\\udbff\\udbff"]):
        c.append(case("escaped-surrogate-%d" % i, b'{"id":"s","op":"read","token":"' + T
                      + b'","ref":"SCP-' + esc + b'"}', "bad_request", login=True, rid=None))
    # -- unknown ops ---------------------------------------------------------------
    long_op = b"x" * 3000
    for i, op in enumerate([b"", b"HELLO", b"hello ", b" hello", b"Hello", b"login\\t", long_op,
                            b"__proto__", b"constructor", b"read;drop table users",
                            b"../../etc/passwd", b"op_read", b"dispatch_run", b"\\u00e9",
                            b"%s%s%s%n", b"hello\\nhello"]):
        c.append(case("unknown-op-%d" % i, b'{"id":"o%d","op":"' % i + op + b'"}', "unknown_op"))
    c.append(case("unknown-op-with-token", b'{"id":"o","op":"drop","token":"' + T + b'"}',
                  "unknown_op", login=True))
    # -- missing fields ------------------------------------------------------------
    for i, (line, code, login) in enumerate([
            (b'{"id":"m"}', "bad_request", False),
            (b'{"id":"m","token":"' + T + b'"}', "bad_request", True),
            (b'{"id":"m","op":"read","token":"' + T + b'"}', "bad_request", True),
            (b'{"id":"m","op":"list","token":"' + T + b'"}', "bad_request", True),
            (b'{"id":"m","op":"login","user":"cadet"}', "bad_request", False),
            (b'{"id":"m","op":"login","password":"cadet-pass"}', "bad_request", False),
            (b'{"id":"m","op":"login"}', "bad_request", False),
            (b'{"id":"m","op":"set_status","token":"' + T + b'","ref":"SCP-013"}',
             "bad_request", True),
            (b'{"id":"m","op":"set_status","token":"' + T + b'","status":"active"}',
             "bad_request", True),
            (b'{"id":"m","op":"create","token":"' + T + b'"}', "bad_request", True),
            (b'{"id":"m","op":"create","token":"' + T + b'","kind":"scp","number":7003}',
             "bad_request", True),
            (b'{"id":"m","op":"create","token":"' + T + b'","kind":"user","name":"zz"}',
             "bad_request", True),
            (b'{"id":"m","op":"read","ref":"SCP-002"}', "unauthenticated", False),
            (b'{"id":"m","op":"whoami"}', "unauthenticated", False),
            (b'{"id":"m","op":"logout"}', "unauthenticated", False),
            (b'{"id":"m","op":"audit"}', "unauthenticated", False)]):
        c.append(case("missing-%d" % i, line, code, login=login))
    return c


_shared = {}
