"""Tiny HTTP helpers over the standard library (keep-alive is not needed here)."""
import json
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
