"""Several coastguard nodes sharing their state through a real redis-server started by the test
([shared], docs/cluster.md): attacks split across the nodes are refused as one node refuses
them, operator blocks and familiar places reach every node, and a node goes on deciding while
Redis is gone, then hands on what it did meanwhile."""
import json
import os
import random
import signal
import subprocess
import time

import pytest

from conftest import BIN, wait_for
from http_util import request_json
from peers import Redis
from shared_nodes import (Feeder, admin, brute_force, counts, distributed_stuffing, linked_nodes,
                          metric, shared_counts, shared_link, start_node, wait_propagated)
from test_breach import import_corpus, sha1_hex, write_corpus
from test_forms import signup


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


def replay_events(workdir, events, spacing):
    path = os.path.join(workdir, "events.jsonl")
    with open(path, "w") as f:
        for i, e in enumerate(events):
            line = dict(e, ts=1793577600 + i * spacing, kind="auth",
                        label="legit" if e["outcome"] == "success" and i < 12 else "attack")
            f.write(json.dumps(line) + "\n")
    return path


def replay_split(workdir, events, parts, config, shared, pace):
    """`coastguard replay` once per part, all at once, round-robin over the lines; the
    decisions put back in line order."""
    start_at = time.time() + 1.5
    procs, outs = [], []
    for k in range(parts):
        out = os.path.join(workdir, f"part-{shared}-{k}.jsonl")
        args = [BIN, "replay", events, "--config", config, "--decisions", out,
                "--part", f"{k}/{parts}", "--pace", str(pace), "--start-at", f"{start_at:.3f}"]
        procs.append(subprocess.Popen(args + (["--shared"] if shared else []),
                                      stderr=subprocess.PIPE, text=True))
        outs.append(out)
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    lines = [open(out).read().splitlines() for out in outs]
    return [lines[i % parts][i // parts] for i in range(sum(len(x) for x in lines))]


def test_replays_split_over_nodes_decide_as_one_when_they_share(workdir, redis):
    """`replay --shared --part K/N --pace` (the bench's nodes): each replay decides its share of
    the lines and counts the others' through Redis, as live nodes do."""
    events = replay_events(workdir, distributed_stuffing(), spacing=0.25)
    config = os.path.join(workdir, "shared.toml")
    with open(config, "w") as f:
        f.write(f'[shared]\nredis = "redis://127.0.0.1:{redis.port}/0"\nprefix = "replay:"\n')
    single = subprocess.run([BIN, "replay", events, "--decisions", "/dev/stdout"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    # 40 ms of wall clock between lines: ample for a record to reach the other node (5 ms).
    shared = replay_split(workdir, events, 2, config, shared=True, pace=6.25)
    assert shared == single
    # Without sharing, each node sees half the attack and lets more of it in.
    alone = replay_split(workdir, events, 2, config, shared=False, pace=1000)
    assert sum('"reject"' in d for d in alone) < sum('"reject"' in d for d in single)


def check_form(node, body):
    return request_json("POST", node.url("/v1/forms/check"), body, node.policy_headers())


def form_verdicts(nodes, bodies, since=None):
    """Each submission to the next node in turn, once the nodes have each other's records."""
    verdicts = []
    for i, body in enumerate(bodies):
        node = nodes[i % len(nodes)]
        status, reply = check_form(node, body)
        assert status == 200, reply
        verdicts.append(reply["verdict"])
        wait_propagated(nodes, since)
    return verdicts


def test_form_campaigns_and_breached_accounts_span_the_nodes(workdir, redis):
    # The same fresh link to different people from different addresses: a campaign once it has
    # gone to enough of them, wherever each submission arrived.
    bodies = [signup("Sam", f"person{i}@example{i}.org", ip=f"198.51.{i}.50",
                     comment=f"ok {i} https://fresh-offer.example/same") for i in range(4)]
    alone = start_node(workdir, "alone")
    single = form_verdicts([alone], bodies)
    alone.stop()
    assert "hold" in single, single
    apart = [start_node(workdir, name) for name in ("c", "d")]
    unshared = form_verdicts(apart, bodies)
    for n in apart:
        n.stop()
    assert unshared.count("hold") < single.count("hold"), (unshared, single)

    # Node a holds a breach corpus; b has none.
    a_data = os.path.join(workdir, "a", "data")
    corpus = os.path.join(workdir, "corpus.txt")
    write_corpus(corpus, random.Random(7), {sha1_hex("hunter2"): 42})
    import_corpus(os.path.join(a_data, "breach"), corpus)
    # One [forms] secret, as docs/cluster.md asks: a page served by one node posts to another.
    a, b = linked_nodes(workdir, redis, "a", "b", extra='[forms]\nsecret = "one-site"\n')
    assert form_verdicts([a, b], bodies, shared_counts([a, b])) == single

    # A render token from a is good on b, once: used there, it is a replay on a.
    _, token = request_json("GET", a.url("/v1/forms/token?form=signup"))
    body = signup("Ann", "ann@example.org", ip="203.0.113.80")
    body["token"] = token["token"]
    since = shared_counts([a, b])
    _, first = check_form(b, body)
    assert "token_invalid" not in first["reasons"], first
    wait_propagated([a, b], since)
    body["recipient"] = body["fields"]["email"] = "ann2@example.org"
    _, second = check_form(a, body)
    assert "token_reused" in second["reasons"], second

    since = shared_counts([a, b])
    status, reply = request_json("POST", a.url("/v1/passwords/report"),
                                 {"login": "carol@example.com", "sha1": sha1_hex("hunter2"),
                                  "ip": "192.0.2.5", "service": "imap"}, a.policy_headers())
    assert status == 200 and reply["breached"] is True, reply
    wait_propagated([a, b], since)
    _, entity = request_json("GET", b.url("/v1/entities/login/carol@example.com"),
                             headers=admin(b))
    assert entity["breach"]["breached"] is True, entity["breach"]
    assert entity["breach"]["breach_count"] == 42 and entity["breach"]["last_ip"] == "192.0.2.5"
    a.stop()
    b.stop()
