"""The guard keeps guarding while it is itself attacked: floods on its listeners must not delay
the login decisions Dovecot waits for (Dovecot fails open, so a stalled daemon protects
nobody), and its memory must stay bounded while they last."""
import http.client
import json
import resource
import socket
import threading
import time

import pytest

from conftest import free_port, wait_for

IDLE_CONNECTIONS = 2000
PIPELINED_REQUESTS = 100_000
# Attackers come from their own loopback addresses, Dovecot from 127.0.0.1, as on a real host
# where the flood comes from elsewhere.
IDLER = "127.0.0.2"
PIPELINER = "127.0.0.3"
SLOW_CLIENT = "127.0.0.4"


@pytest.fixture(autouse=True)
def enough_open_files():
    """The test itself holds thousands of sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, 3 * IDLE_CONNECTIONS + 1024)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= 2 * IDLE_CONNECTIONS + 256
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def metric(cg, name):
    conn = http.client.HTTPConnection("127.0.0.1", cg.port, timeout=10)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    conn.close()
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"no {name} in /metrics")


class DovecotClient:
    """What Dovecot does before every password check: POST /?command=allow on a kept-alive
    connection. Records how long each answer took."""

    def __init__(self, cg):
        self.cg = cg
        self.conn = http.client.HTTPConnection("127.0.0.1", cg.port, timeout=5)
        self.latencies = []

    def allow(self, n):
        body = json.dumps({"login": f"user{n}@example.com", "remote": f"198.51.100.{n % 250}",
                           "protocol": "imap", "tls": True})
        headers = dict(self.cg.policy_headers())
        headers["Content-Type"] = "application/json"
        start = time.monotonic()
        self.conn.request("POST", "/?command=allow", body, headers)
        response = self.conn.getresponse()
        answer = json.loads(response.read())
        self.latencies.append(time.monotonic() - start)
        assert response.status == 200 and answer["status"] == 0, answer

    def keep_asking(self, until, minimum=200, timeout=60.0):
        """Asks until `until()` holds and at least `minimum` answers came back."""
        deadline = time.monotonic() + timeout
        n = 0
        while n < minimum or not until():
            assert time.monotonic() < deadline, "timed out waiting for the flood to take effect"
            self.allow(n)
            n += 1
        return n


def open_idle(port, count, source):
    sockets = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((source, 0))
        s.connect(("127.0.0.1", port))
        sockets.append(s)
    return sockets


def policy_request(n):
    return (f"request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
            f"client_address=203.0.113.{n % 250}\nsasl_method=PLAIN\n"
            f"sasl_username=sender{n % 5000}@example.com\nsender=sender@example.com\n"
            f"recipient=r{n}@remote.example\nqueue_id=Q{n}\n\n").encode()


def test_a_postfix_flood_and_idle_connections_do_not_delay_dovecot(coastguard):
    postfix_port = free_port()
    cg = coastguard(f'[postfix]\nlisten = "127.0.0.1:{postfix_port}"\n')
    dovecot = DovecotClient(cg)
    dovecot.keep_asking(lambda: True, minimum=50)  # warm: the figures below are the flood's
    rss_before = rss_kib(cg.proc.pid)

    idle = open_idle(postfix_port, IDLE_CONNECTIONS, IDLER)
    idle += open_idle(cg.port, IDLE_CONNECTIONS, IDLER)

    # One client pipelines every request and reads no reply until the end.
    flood = socket.create_connection(("127.0.0.1", postfix_port), source_address=(PIPELINER, 0))
    payload = b"".join(policy_request(n) for n in range(PIPELINED_REQUESTS))
    sent = threading.Event()

    def pour():
        flood.sendall(payload)
        sent.set()

    writer = threading.Thread(target=pour, daemon=True)
    writer.start()
    # The daemon stops reading a client whose replies go unread, so the writer blocks: the
    # flood is now as large as it can get. Dovecot keeps asking throughout.
    asked = dovecot.keep_asking(lambda: metric(cg, "coastguard_postfix_requests_total") > 0)
    assert not sent.is_set(), "backpressure: the daemon should have stopped reading"
    dovecot.keep_asking(lambda: True, minimum=200)
    rss_during = rss_kib(cg.proc.pid)

    # Caps held: one client address got at most its share of either listener.
    assert metric(cg, "coastguard_postfix_refused_total") >= IDLE_CONNECTIONS - 256
    assert metric(cg, "coastguard_http_connections") <= 1024 + 2

    # Reading the replies resumes the flood; every request is answered, in order.
    received = bytearray()
    flood.settimeout(30)
    replies = 0
    while replies < PIPELINED_REQUESTS:
        chunk = flood.recv(1 << 20)
        assert chunk, "the daemon closed the pipelining client"
        replies += (received[-1:] + chunk).count(b"\n\n")
        received += chunk
        if replies % 16 == 0:
            dovecot.allow(replies)
    writer.join(timeout=30)
    assert sent.is_set()
    replies = received.split(b"\n\n")[:-1]
    assert len(replies) == PIPELINED_REQUESTS
    assert all(r.startswith(b"action=") for r in replies)

    worst = max(dovecot.latencies)
    print(f"dovecot allow: {len(dovecot.latencies)} answers, worst {worst * 1000:.1f} ms")
    assert worst < 1.0, f"a Dovecot allow waited {worst:.3f} s"
    assert asked >= 200
    # Bounded: thousands of connections and a 30 MB pipeline cost little.
    assert rss_during - rss_before < 128 * 1024, (rss_before, rss_during)
    for s in idle:
        s.close()
    flood.close()


def test_slowloris_on_http_does_not_delay_dovecot_and_is_cut_off(coastguard):
    cg = coastguard('[server]\nidle_timeout = "3s"\n')
    dovecot = DovecotClient(cg)
    dovecot.keep_asking(lambda: True, minimum=50)
    rss_before = rss_kib(cg.proc.pid)

    slow = open_idle(cg.port, IDLE_CONNECTIONS, SLOW_CLIENT)
    header = b"POST /?command=allow HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
    alive = list(slow)
    stop = threading.Event()
    cut = []

    def trickle():
        # One header byte a second on every connection, as slowloris does.
        for i in range(len(header)):
            for s in list(alive):
                try:
                    s.send(header[i:i + 1])
                except OSError:
                    alive.remove(s)
                    cut.append(s)
            if stop.wait(1.0):
                return

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    dovecot.keep_asking(lambda: metric(cg, "coastguard_http_timed_out_total") > 0)
    rss_during = rss_kib(cg.proc.pid)
    # Trickling never completed a request within idle_timeout: the daemon closes them all
    # though each sent a byte a second, the connections past the per-client cap at once.
    wait_for(lambda: metric(cg, "coastguard_http_connections") <= 2, timeout=30,
             what="the slow connections to be closed")
    dovecot.keep_asking(lambda: True, minimum=100)
    stop.set()
    trickler.join(timeout=10)

    worst = max(dovecot.latencies)
    print(f"dovecot allow: {len(dovecot.latencies)} answers, worst {worst * 1000:.1f} ms")
    assert worst < 1.0, f"a Dovecot allow waited {worst:.3f} s"
    assert metric(cg, "coastguard_http_timed_out_total") >= 1
    assert rss_during - rss_before < 128 * 1024, (rss_before, rss_during)
    for s in slow:
        s.close()
