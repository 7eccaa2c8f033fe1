"""What the shared-state end-to-end tests have in common: nodes on a Redis of some topology, an
attempt feeder that asks as Dovecot does, round-robin over the nodes, and the attacks."""
import http.client
import json
import os
import re
import time

from conftest import STARTED_NODES, Coastguard, wait_for
from http_util import request, request_json


def node_config(name, redis_port=None, shared=None, extra=""):
    """`shared`: the [shared] lines saying where Redis is, else one server on `redis_port`;
    `extra`: more tables."""
    where = shared or f'redis = "redis://127.0.0.1:{redis_port}/0"'
    return f"""
[postfix]
listen = ""
[shared]
{where}
node = "{name}"
{extra}
"""


def start_node(workdir, name, redis_port=None, shared=None, extra=""):
    """A node on one Redis server (`redis_port`), on what `shared` says, or alone; `extra`:
    more configuration tables."""
    folder = os.path.join(workdir, name)
    os.makedirs(folder, exist_ok=True)
    text = (node_config(name, redis_port, shared, extra) if redis_port or shared
            else '[postfix]\nlisten = ""\n' + extra)
    node = Coastguard(folder, text)
    STARTED_NODES.append(node)
    return node.start()


def metric(cg, name):
    status, text = request("GET", cg.url("/metrics"))
    assert status == 200
    match = re.search(rf"^{name} (\S+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def shared_link(cg):
    status, service = request_json("GET", cg.url("/v1/service"), headers=admin(cg))
    assert status == 200
    return service["shared"]


def admin(cg):
    return {"Authorization": "Bearer " + cg.admin_token()}


def shared_counts(nodes):
    """Once nothing is queued anywhere: each node's records published and received so far."""
    def read():
        # Queued first: with nothing queued, every record sent is in `published` read after it
        # (read the other way round, a flush between the two reads would hide what it sent).
        queued = [metric(n, "coastguard_shared_queued_bytes") for n in nodes]
        if any(queued):
            return None
        return ([metric(n, "coastguard_shared_published_records_total") for n in nodes],
                [metric(n, "coastguard_shared_received_records_total") for n in nodes])
    counted = []
    wait_for(lambda: counted.append(read()) or counted[-1] is not None, timeout=10,
             what="every node to send what it queued")
    return counted[-1]


def wait_propagated(nodes, since=None):
    """Every record a node published (after `since`, from shared_counts) has been applied by
    every other node: the state is the same everywhere (awaited on the nodes' own counters).
    Records published across a reconnection can be missed by a subscriber that came back later,
    hence `since`."""
    if len(nodes) < 2:
        return
    base_published, base_received = since or ([0] * len(nodes), [0] * len(nodes))

    def done():
        published, received = shared_counts(nodes)
        sent = [p - b for p, b in zip(published, base_published)]
        got = [r - b for r, b in zip(received, base_received)]
        return all(got[j] == sum(sent) - sent[j] for j in range(len(nodes)))
    wait_for(done, timeout=10, what="every node to apply the others' records")


class Feeder:
    """As Dovecot does: ask before the password check, report after it unless refused; each
    attempt to the next node in turn, once every node has what the previous ones saw."""

    def __init__(self, nodes):
        self.nodes = nodes
        self.conns = [http.client.HTTPConnection("127.0.0.1", n.port, timeout=10) for n in nodes]
        self.headers = [dict(n.policy_headers(), **{"Content-Type": "application/json"})
                        for n in nodes]
        self.turn = 0
        self.since = shared_counts(nodes) if len(nodes) > 1 else None

    def attempt(self, event):
        i = self.turn % len(self.nodes)
        self.turn += 1
        conn, headers = self.conns[i], self.headers[i]
        body = dict(event, ts=time.time(), kind="auth")
        outcome = body.pop("outcome")
        conn.request("POST", "/v1/auth/check", json.dumps(body), headers)
        reply = conn.getresponse()
        assert reply.status == 200
        verdict = json.loads(reply.read())["verdict"]
        if verdict != "reject":
            conn.request("POST", "/v1/auth/report", json.dumps(dict(body, outcome=outcome)),
                         headers)
            reply = conn.getresponse()
            reply.read()
            assert reply.status == 200
        wait_propagated(self.nodes, self.since)
        return verdict

    def run(self, events):
        return [self.attempt(e) for e in events]


def brute_force():
    events = [{"protocol": "imap", "ip": "198.51.100.7", "login": "victim@example.com",
               "pwhash": f"{n:04x}", "client_id": "", "outcome": "bad_password"}
              for n in range(24)]
    events.append({"protocol": "imap", "ip": "198.51.100.7", "login": "victim@example.com",
                   "pwhash": "beef", "client_id": "", "outcome": "success"})
    return events


def distributed_stuffing():
    """Users at home first, then a combo list through many addresses, a few accounts each, the
    users' own passwords among the guesses."""
    events = []
    for n in range(12):
        events.append({"protocol": "imap", "ip": f"192.0.2.{10 + n}", "login": f"user{n}@example.com",
                       "pwhash": f"aa{n:02x}", "client_id": "Thunderbird/115",
                       "outcome": "success"})
    for source in range(36):
        ip = f"203.0.{113 + source % 3}.{20 + source}"
        for k in range(4):
            user = (source * 4 + k) % 30
            right = user < 12 and k == 3
            events.append({"protocol": "imap", "ip": ip, "login": f"user{user}@example.com",
                           "pwhash": f"aa{user:02x}" if right else f"{source:02x}{k:02x}",
                           "client_id": "", "outcome": "success" if right else
                           ("bad_password" if user < 12 else "unknown_user")})
    return events


def linked_nodes(workdir, redis, *names, shared=None, extra=""):
    """Nodes on `redis` (or on what `shared` says), once each one's link is up."""
    nodes = [start_node(workdir, name, redis.port if redis else None, shared, extra)
             for name in names]
    wait_for(lambda: all(shared_link(n)["link"] == "up" for n in nodes),
             what="every node's link to Redis")
    return nodes


def counts(verdicts):
    return {v: verdicts.count(v) for v in ("allow", "delay", "reject")}
