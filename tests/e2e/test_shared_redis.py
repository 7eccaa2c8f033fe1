"""Several coastguard nodes sharing their state through a real redis-server started by the test
([shared], docs/cluster.md): attacks split across the nodes are refused as one node refuses
them, operator blocks and familiar places reach every node, and a node goes on deciding while
Redis is gone, then hands on what it did meanwhile."""
import http.client
import json
import os
import re
import signal
import time

import pytest

from conftest import Coastguard, wait_for
from http_util import request, request_json
from peers import Redis


def node_config(redis_port, name):
    return f"""
[postfix]
listen = ""
[shared]
redis = "redis://127.0.0.1:{redis_port}/0"
node = "{name}"
"""


def start_node(workdir, name, redis_port=None):
    folder = os.path.join(workdir, name)
    os.makedirs(folder, exist_ok=True)
    text = node_config(redis_port, name) if redis_port else '[postfix]\nlisten = ""\n'
    return Coastguard(folder, text).start()


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


def wait_propagated(nodes):
    """Every record a node published has been applied by every other node: the state is the
    same everywhere (awaited on the nodes' own counters)."""
    if len(nodes) < 2:
        return

    def done():
        published = [metric(n, "coastguard_shared_published_records_total") for n in nodes]
        queued = [metric(n, "coastguard_shared_queued_bytes") for n in nodes]
        received = [metric(n, "coastguard_shared_received_records_total") for n in nodes]
        return all(q == 0 for q in queued) and all(
            received[j] == sum(published) - published[j] for j in range(len(nodes)))
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
        wait_propagated(self.nodes)
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


def linked_nodes(workdir, redis, *names):
    """Nodes on `redis`, once each one's link is up."""
    nodes = [start_node(workdir, name, redis.port) for name in names]
    wait_for(lambda: all(shared_link(n)["link"] == "up" for n in nodes),
             what="every node's link to Redis")
    return nodes


def counts(verdicts):
    return {v: verdicts.count(v) for v in ("allow", "delay", "reject")}


@pytest.fixture
def redis(workdir):
    server = Redis(workdir).start()
    yield server
    server.stop()


@pytest.mark.parametrize("traffic", [brute_force, distributed_stuffing])
def test_an_attack_split_round_robin_over_two_and_three_nodes_is_refused_as_by_one(
        workdir, redis, traffic):
    alone = start_node(workdir, "alone")
    try:
        single = counts(Feeder([alone]).run(traffic()))
    finally:
        alone.stop()
    assert single["reject"] > 0, single
    for size in (2, 3):
        redis.cli("FLUSHALL")
        nodes = linked_nodes(workdir, redis, *[f"n{size}-{k}" for k in range(size)])
        try:
            split = counts(Feeder(nodes).run(traffic()))
            assert split == single, (size, split, single)
            # Every node refused its share: none of them decided alone.
            for n in nodes:
                assert metric(n, "coastguard_shared_received_records_total") > 0
        finally:
            for n in nodes:
                n.stop()


def test_an_operator_block_on_one_node_holds_on_the_other_within_a_second(workdir, redis):
    a, b = linked_nodes(workdir, redis, "a", "b")
    status, _ = request_json("POST", a.url("/v1/blocks"),
                             {"ip": "192.0.2.99", "ttl_seconds": 600, "reason": "seen in a report"},
                             headers=admin(a))
    assert status == 201

    def blocked_on_b():
        _, listing = request_json("GET", b.url("/v1/blocks"), headers=admin(b))
        return any(blk["address"] == "192.0.2.99" for blk in listing["blocks"])
    wait_for(blocked_on_b, timeout=1.0, what="node b to hold node a's block")
    verdict = Feeder([b]).attempt({"protocol": "imap", "ip": "192.0.2.99",
                                   "login": "alice@example.com", "pwhash": "0001",
                                   "client_id": "", "outcome": "success"})
    assert verdict == "reject"
    # Unblocked on b: lifted on a too.
    status, reply = request_json("DELETE", b.url("/v1/blocks"), {"ip": "192.0.2.99"},
                                 headers=admin(b))
    assert status == 200 and reply["removed"]
    wait_for(lambda: not request_json("GET", a.url("/v1/blocks"), headers=admin(a))[1]["blocks"],
             timeout=1.0, what="node a to lift the block")
    a.stop()
    b.stop()


def test_a_place_learned_on_one_node_is_familiar_on_the_other(workdir, redis):
    a, b = linked_nodes(workdir, redis, "a", "b")
    home = {"protocol": "imap", "ip": "192.0.2.44", "login": "carol@example.com",
            "pwhash": "c0c0", "client_id": "K-9 Mail/6.7", "outcome": "success"}
    feeder = Feeder([a, b])
    assert feeder.attempt(home) == "allow"  # on a: a new place
    assert feeder.attempt(home) == "allow"  # on b
    _, entity = request_json("GET", b.url("/v1/entities/login/carol@example.com"),
                             headers=admin(b))
    assert entity["familiarity"], entity
    assert entity["recent_verdicts"][-1]["familiarity"] != "none", entity["recent_verdicts"]
    a.stop()
    b.stop()


def test_nodes_decide_alone_while_redis_is_gone_and_share_what_they_did_when_it_returns(
        workdir, redis):
    a, b = linked_nodes(workdir, redis, "a", "b")
    redis.stop()
    wait_for(lambda: shared_link(a)["link"] != "up" and shared_link(b)["link"] != "up",
             what="both nodes to notice Redis is gone")
    # Every check is answered, on local state: a brute force on a alone is refused by a.
    verdicts = Feeder([a]).run(brute_force())
    assert "reject" in verdicts
    status, _ = request_json("POST", a.url("/v1/blocks"), {"ip": "192.0.2.77", "ttl_seconds": 600},
                             headers=admin(a))
    assert status == 201
    assert metric(a, "coastguard_shared_dropped_records_total") > 0
    # b never saw it.
    _, listing = request_json("GET", b.url("/v1/blocks"), headers=admin(b))
    assert not listing["blocks"]
    redis.start()

    def b_has_a_blocks():
        _, blocks = request_json("GET", b.url("/v1/blocks"), headers=admin(b))
        addresses = {blk.get("address") for blk in blocks["blocks"]}
        return "192.0.2.77" in addresses and len(blocks["blocks"]) >= 2
    wait_for(b_has_a_blocks, timeout=20, what="the blocks made meanwhile to reach node b")
    assert metric(a, "coastguard_shared_blocks_pushed_total") >= 2
    a.stop()
    b.stop()


def test_a_hung_redis_never_holds_a_decision(workdir, redis):
    a = start_node(workdir, "a", redis.port)
    wait_for(lambda: shared_link(a)["link"] == "up", what="the link")
    redis.proc.send_signal(signal.SIGSTOP)
    try:
        feeder = Feeder([a])
        for n in range(40):
            # The connection's timeout is the failure bound: a decision waiting on Redis would
            # hang until Redis answers, which it never does while stopped.
            feeder.attempt({"protocol": "imap", "ip": f"192.0.2.{n + 1}", "login": "dave@example.com",
                            "pwhash": f"{n:04x}", "client_id": "", "outcome": "bad_password"})
        wait_for(lambda: shared_link(a)["link"] != "up", what="the node to give up on Redis")
        assert metric(a, "coastguard_shared_redis_timeouts_total") >= 1
    finally:
        redis.proc.send_signal(signal.SIGCONT)
    wait_for(lambda: shared_link(a)["link"] == "up", timeout=20, what="the link to come back")
    a.stop()


def test_a_node_starts_and_decides_with_redis_down(workdir):
    from conftest import free_port
    port = free_port()
    a = start_node(workdir, "a", port)
    assert a.logged("decides alone")
    assert "reject" in Feeder([a]).run(brute_force())
    assert shared_link(a)["link"] in ("down", "connecting")
    a.stop()
