"""A scripted protocol-v1 server (Python ssl, TLS 1.3) for the client screens a real server
rarely shows on demand, such as an internal error, and for hostile servers.  Replies come
from a handler function; a handler that returns a function (tls, request) instead of a dict
writes whatever it likes on the connection itself (a trickle, a flood)."""
import hashlib
import json
import os
import socket
import ssl
import subprocess
import threading
import time


class FakeServer:
    def __init__(self, directory, handler):
        self.handler = handler  # handler(request dict) -> reply dict (without "id")
        cert = os.path.join(directory, "fake.pem")
        key = os.path.join(directory, "fake.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=fake"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        self.ctx.load_cert_chain(cert, key)
        with open(cert) as f:
            der = ssl.PEM_cert_to_DER_cert(f.read())
        self.fingerprint = "sha256:" + hashlib.sha256(der).hexdigest()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.hostport = "127.0.0.1:%d" % self.sock.getsockname()[1]
        self.requests = []
        self.closed = threading.Event()  # set when a connection's serving thread ends
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        try:
            with self.ctx.wrap_socket(conn, server_side=True) as tls:
                buf = b""
                while True:
                    data = tls.recv(65536)
                    if not data:
                        return
                    buf += data
                    while b"\n" in buf:
                        line, buf = buf.split(b"\n", 1)
                        req = json.loads(line)
                        self.requests.append(req)
                        reply = self.handler(req)
                        if callable(reply):
                            reply(tls, req)
                            continue
                        reply = dict(reply)
                        reply["id"] = req.get("id")
                        tls.sendall(json.dumps(reply).encode() + b"\n")
        except (OSError, ssl.SSLError, ValueError):
            return
        finally:
            self.closed.set()

    def close(self):
        self.sock.close()


LEVEL1 = {"level": 1, "name": "Level 1 - Unrestricted", "colour": "#009F6B"}


def demo_handler(read_reply):
    """hello and login succeed; read answers with read_reply(request)."""
    def handler(req):
        op = req.get("op")
        if op == "hello":
            return {"ok": True, "server": "fake", "version": "0", "protocol": 1}
        if op == "login":
            user = {"id": 1, "name": req.get("user"), "title": "Researcher",
                    "clearance": LEVEL1, "site": None}
            return {"ok": True, "token": "t" * 43, "expires_in": 100, "user": user,
                    "screen": {"kind": "login", "usr_name": req.get("user"),
                               "usr_title_name": "Researcher",
                               "usr_clearance_level_name": LEVEL1["name"]}}
        if op == "read":
            return read_reply(req)
        return {"ok": True}
    return handler


def trickle(reply, seconds=2.0):
    """A raw reply: reply (with the request's id) sent one byte every `seconds`."""
    def send(tls, req):
        data = json.dumps(dict(reply, id=req.get("id"))).encode() + b"\n"
        for i in range(len(data)):
            tls.sendall(data[i:i + 1])
            time.sleep(seconds)
    return send


def flood(reply):
    """A raw reply: reply with ids nobody asked for, line after line, until the client
    goes away (OSError ends the connection's thread)."""
    def send(tls, req):
        chunk = (json.dumps(dict(reply, id=987654321)).encode() + b"\n") * 512
        while True:
            tls.sendall(chunk)
    return send
