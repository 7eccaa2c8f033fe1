"""Tiny HTTP helpers over the standard library, and a pipelining client for floods."""
import json
import socket
import threading
import time
import urllib.error
import urllib.request


def request(method, url, body=None, headers=None):
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def request_json(method, url, body=None, headers=None):
    status, text = request(method, url, body, headers)
    return status, json.loads(text) if text else None


def http_pipeline(port, requests, chunk=4000, deadline=120.0):
    """Sends HTTP/1.1 requests back to back on one connection (a new one every `chunk`) and
    reads every reply: [(status, body)]. A writer thread keeps sending while replies are read.
    `deadline` bounds the whole exchange: a failure bound, not a synchronisation."""
    give_up = time.monotonic() + deadline
    replies = []
    for start in range(0, len(requests), chunk):
        batch = requests[start:start + chunk]
        s = socket.create_connection(("127.0.0.1", port), timeout=60)
        writer = threading.Thread(target=s.sendall, args=(b"".join(batch),), daemon=True)
        writer.start()
        buf = b""
        got = 0
        while got < len(batch):
            assert time.monotonic() < give_up, f"timed out after {got} of {len(batch)} replies"
            head_end = buf.find(b"\r\n\r\n")
            if head_end < 0:
                data = s.recv(1 << 20)
                assert data, f"connection closed after {got} of {len(batch)} replies"
                buf += data
                continue
            head = buf[:head_end].decode("latin-1").split("\r\n")
            length = 0
            for field in head[1:]:
                key, _, value = field.partition(":")
                if key.lower() == "content-length":
                    length = int(value)
            while len(buf) < head_end + 4 + length:
                data = s.recv(1 << 20)
                assert data, "connection closed mid-reply"
                buf += data
            replies.append((int(head[0].split()[1]), buf[head_end + 4:head_end + 4 + length]))
            buf = buf[head_end + 4 + length:]
            got += 1
        writer.join(timeout=30)
        s.close()
    return replies


def post(path, body, headers):
    data = json.dumps(body).encode()
    lines = [f"POST {path} HTTP/1.1", "Host: flood", "Content-Type: application/json",
             f"Content-Length: {len(data)}"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


def get(path):
    return f"GET {path} HTTP/1.1\r\nHost: flood\r\n\r\n".encode()
