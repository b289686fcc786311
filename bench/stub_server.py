#!/usr/bin/env python3
"""A stand-in for scipnet-server, for testing scipnet-bench and bench/run.sh alone.

It speaks just enough of protocol v1 (login, whoami, read, create, health) over TLS 1.3,
prints the same two start-up lines as the real server, and accepts any bench user whose
password is right.  It is slow (Python) and is never what the benchmark measures.

    bench/stub_server.py --listen 127.0.0.1:0 [--password bench-pass] [--login-cost-ms N]
"""
import argparse
import asyncio
import hashlib
import json
import os
import re
import secrets
import ssl
import subprocess
import sys
import tempfile

LEVEL_NAMES = {1: "Unrestricted", 2: "Restricted", 3: "Confidential", 4: "Secret",
               5: "Top Secret", 6: "Cosmic Top Secret"}
PASSAGE = re.compile(r"\[\[LEVEL (\d)\]\](.*?)\[\[/LEVEL\]\]", re.S)


def level(n):
    return {"level": n, "name": f"Level {n} - {LEVEL_NAMES[n]}", "colour": "#808080"}


def cut_section(section, reader):
    """The server's redaction rules, as docs/protocol.md describes them."""
    if section["level"] > reader:
        return {"kind": section["kind"], "level": section["level"], "redacted": True,
                "needed_clearance": level(section["level"])}
    text, parts, pos, cut = section["text"], [], 0, False
    for m in PASSAGE.finditer(text):
        parts.append({"text": text[pos:m.start()]})
        if int(m.group(1)) > reader:
            parts.append({"redacted": True, "needed_clearance": level(int(m.group(1)))})
            cut = True
        else:
            parts.append({"text": m.group(2)})
        pos = m.end()
    parts.append({"text": text[pos:]})
    out = {"kind": section["kind"], "title": section["title"], "level": section["level"]}
    if cut:
        out["parts"] = [p for p in parts if p.get("redacted") or p["text"]]
    else:
        out["text"] = "".join(p["text"] for p in parts)
    return out


class Stub:
    def __init__(self, args):
        self.args = args
        self.tokens = {}
        self.files = {}
        self.connections = 0

    def user_for(self, name, password):
        if name == "o5" and password == "o5-pass":
            return 6
        if name.startswith("bench-user-") and password == self.args.password:
            return 3
        return None

    async def login(self, req):
        if self.args.login_cost_ms:
            # Stands in for argon2: CPU work off the event loop, as the real server does.
            iterations = self.args.login_cost_ms * 1000
            await asyncio.get_running_loop().run_in_executor(
                None, hashlib.pbkdf2_hmac, "sha256", b"pw", b"salt", iterations)
        lvl = self.user_for(str(req.get("user")), str(req.get("password")))
        if lvl is None:
            return {"ok": False, "error": {"code": "auth_failed", "message": "no"}}
        token = secrets.token_urlsafe(32)
        self.tokens[token] = (req["user"], lvl)
        return {"ok": True, "token": token, "expires_in": 28800,
                "user": {"id": 1, "name": req["user"], "clearance": level(lvl)}}

    def read(self, reader, req):
        ref = str(req.get("ref", "")).upper()
        f = self.files.get(ref)
        if f is None:
            return {"ok": False, "error": {"code": "expunged", "message": "no such file"},
                    "screen": {"kind": "expunged", "file_ref": ref}}
        if f["level"] > reader:
            return {"ok": False, "error": {"code": "redacted", "message": "above you"}}
        body = {k: v for k, v in f.items() if k != "sections"}
        body["classification"] = level(f["level"])
        body["sections"] = [cut_section(s, reader) for s in f.get("sections", [])]
        return {"ok": True, "screen": {"kind": "file"}, "file": body}

    def create(self, lvl, req):
        ref = "SCP-%03d" % int(req["number"])
        if ref in self.files:
            return {"ok": False, "error": {"code": "conflict", "message": "exists"}}
        self.files[ref] = dict(req, ref=ref)
        return {"ok": True, "ref": ref}

    async def handle(self, req):
        op = req.get("op")
        if op == "login":
            return await self.login(req)
        if op == "health":
            return {"ok": True, "status": "ok", "connections": self.connections}
        session = self.tokens.get(req.get("token"))
        if session is None:
            return {"ok": False, "error": {"code": "unauthenticated", "message": "log in"}}
        if op == "whoami":
            return {"ok": True, "user": {"name": session[0]}, "expires_in": 28800}
        if op == "read":
            return self.read(session[1], req)
        if op == "create":
            return self.create(session[1], req)
        return {"ok": False, "error": {"code": "unknown_op", "message": str(op)}}

    async def serve(self, reader, writer):
        self.connections += 1
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                try:
                    req = json.loads(line)
                    reply = await self.handle(req)
                except (ValueError, KeyError, TypeError):
                    req, reply = {}, {"ok": False, "error": {"code": "bad_request", "message": ""}}
                out = {"id": req.get("id") if isinstance(req, dict) else None}
                out.update(reply)
                writer.write(json.dumps(out, separators=(",", ":")).encode() + b"\n")
                await writer.drain()
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            self.connections -= 1
            writer.close()


def make_cert(directory):
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                    "/CN=scipnet-stub", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return cert, key, hashlib.sha256(der).hexdigest()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", default="127.0.0.1:0")
    ap.add_argument("--password", default="bench-pass")
    ap.add_argument("--login-cost-ms", type=int, default=0)
    args = ap.parse_args()
    host, port = args.listen.rsplit(":", 1)
    with tempfile.TemporaryDirectory() as tmp:
        cert, key, fp = make_cert(tmp)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        ctx.load_cert_chain(cert, key)
        stub = Stub(args)
        server = await asyncio.start_server(stub.serve, host, int(port), ssl=ctx, backlog=4096)
        addr = server.sockets[0].getsockname()
        print(f"listening on {addr[0]}:{addr[1]}", flush=True)
        print(f"fingerprint sha256:{fp}", flush=True)
        async with server:
            await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
