"""The shared state on the Redis topologies operators run for failover and size, all real and
started by the tests: a master with a replica under three Sentinels, failed over by killing the
master; and a three-master Redis Cluster, with the slot of the blocks moved to another master
while the nodes run (docs/cluster.md)."""
import pytest

from conftest import wait_for
from http_util import request_json
from peers import RedisCluster, RedisSentinels
from shared_nodes import (Feeder, admin, brute_force, counts, distributed_stuffing, linked_nodes,
                          metric, shared_link, start_node)


def block(node, ip):
    status, _ = request_json("POST", node.url("/v1/blocks"), {"ip": ip, "ttl_seconds": 600},
                             headers=admin(node))
    assert status == 201


def holds_block(node, ip):
    _, listing = request_json("GET", node.url("/v1/blocks"), headers=admin(node))
    return any(b.get("address") == ip for b in listing["blocks"])


def single_node_counts(workdir, traffic):
    alone = start_node(workdir, f"alone-{traffic.__name__}")
    try:
        return counts(Feeder([alone]).run(traffic()))
    finally:
        alone.stop()


@pytest.fixture
def sentinels(workdir):
    group = RedisSentinels(workdir).start()
    yield group
    group.stop()


@pytest.fixture
def cluster(workdir):
    nodes = RedisCluster(workdir).start()
    yield nodes
    nodes.stop()


def test_a_sentinel_failover_keeps_the_shared_view(workdir, sentinels):
    a, b = linked_nodes(workdir, None, "a", "b", shared=sentinels.config_lines())
    first = sentinels.master.port
    assert shared_link(a)["topology"] == "sentinel"
    assert f":{first}" in shared_link(a)["redis"], shared_link(a)
    block(a, "192.0.2.61")
    wait_for(lambda: holds_block(b, "192.0.2.61"), timeout=1.0, what="b to hold a's block")

    # The master dies; the Sentinels agree and promote the replica. Meanwhile the nodes decide
    # alone, on what they know.
    sentinels.master.stop()
    wait_for(lambda: shared_link(a)["link"] != "up", what="a to notice the master is gone")
    dropped = metric(a, "coastguard_shared_dropped_records_total")
    assert Feeder([a]).attempt({"protocol": "imap", "ip": "198.18.0.200",
                                "login": "outage@example.com", "pwhash": "0a0a",
                                "client_id": "", "outcome": "success"}) == "allow"
    assert metric(a, "coastguard_shared_dropped_records_total") > dropped
    wait_for(lambda: sentinels.master_port() == sentinels.replica.port, timeout=60,
             what="the Sentinels to promote the replica")
    promoted = f":{sentinels.replica.port}"
    wait_for(lambda: all(shared_link(n)["link"] == "up" and promoted in shared_link(n)["redis"]
                         for n in (a, b)), timeout=20, what="both nodes to follow the new master")
    assert metric(a, "coastguard_shared_redis_master_changes_total") >= 1

    # The shared view holds on the new master: blocks both ways, attacks split as on one node.
    block(b, "192.0.2.62")
    wait_for(lambda: holds_block(a, "192.0.2.62"), timeout=1.0, what="a to hold b's block")
    single = single_node_counts(workdir, distributed_stuffing)
    assert counts(Feeder([a, b]).run(distributed_stuffing())) == single
    # The block made before the failover was replicated: a node that joins now reads it.
    c = start_node(workdir, "c", shared=sentinels.config_lines())
    wait_for(lambda: holds_block(c, "192.0.2.61") and holds_block(c, "192.0.2.62"),
             what="a new node to read the blocks from the new master")
    for n in (a, b, c):
        n.stop()


def test_a_three_master_cluster_keeps_the_shared_view_while_a_slot_moves(workdir, cluster):
    for traffic in (brute_force, distributed_stuffing):
        single = single_node_counts(workdir, traffic)
        assert single["reject"] > 0
        # One seed node: the others are learned from its slot map.
        pair = linked_nodes(workdir, None, *[f"{traffic.__name__}-{k}" for k in "ab"],
                            shared=cluster.config_lines(seeds=1))
        service = shared_link(pair[0])
        assert service["topology"] == "cluster" and service["servers"] == 3, service
        assert counts(Feeder(pair).run(traffic())) == single, traffic.__name__
        for n in pair:
            n.stop()

    a, b = linked_nodes(workdir, None, "a", "b", shared=cluster.config_lines(seeds=1))
    block(a, "192.0.2.71")
    wait_for(lambda: holds_block(b, "192.0.2.71"), timeout=1.0, what="b to hold a's block")
    # The blocks live in one slot (a hash tag), on the master that owns it.
    owner, slot = cluster.owner_of("cg:{blocks}:x")
    held = int(owner.cli("CLUSTER", "COUNTKEYSINSLOT", str(slot)))
    assert held > 0

    # Every command so far went straight to the master of its slot.
    assert metric(a, "coastguard_shared_redis_redirects_total") == 0
    assert metric(b, "coastguard_shared_redis_redirects_total") == 0

    # Resharding moves that slot to another master while the nodes run on their maps. Midway
    # (its keys moved, the slot still the old owner's), b's write is answered -ASK and sent on.
    target = next(n for n in cluster.nodes if n is not owner)
    cluster.begin_migration(slot, owner, target)
    block(b, "192.0.2.72")
    wait_for(lambda: holds_block(a, "192.0.2.72"), timeout=1.0, what="a to hold b's block")
    wait_for(lambda: int(target.cli("CLUSTER", "COUNTKEYSINSLOT", str(slot))) == held + 1,
             what="b's new block written on the importing master")
    assert cluster.slot_owner_port(slot) == owner.port
    assert metric(b, "coastguard_shared_redis_redirects_total") >= 1
    # Once the slot is the new master's, a's write is answered -MOVED and followed there (unless
    # a's map was read again in between: it reads one every 10 s).
    maps = metric(a, "coastguard_shared_redis_slot_maps_total")
    cluster.finish_migration(slot, target)
    block(a, "192.0.2.73")
    wait_for(lambda: holds_block(b, "192.0.2.73"), timeout=1.0, what="b to hold a's block")
    wait_for(lambda: int(target.cli("CLUSTER", "COUNTKEYSINSLOT", str(slot))) == held + 2,
             what="a's new block written on the slot's new master")
    assert (metric(a, "coastguard_shared_redis_redirects_total") >= 1
            or metric(a, "coastguard_shared_redis_slot_maps_total") > maps)
    c = start_node(workdir, "c", shared=cluster.config_lines(seeds=1))
    wait_for(lambda: all(holds_block(c, ip) for ip in ("192.0.2.71", "192.0.2.72", "192.0.2.73")),
             what="a new node to read every block from the slot's new owner")
    for n in (a, b, c):
        n.stop()
