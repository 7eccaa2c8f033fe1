#!/usr/bin/python3
"""Detection through several nodes sharing their state on one Redis (docs/cluster.md).

  cluster_replay.py BIN EVENTS [--nodes 1,2,4] [--pace 2000] [--config bench/coastguard.toml]

Replays EVENTS (in replay's shape, docs/replay.md) once on a single node without Redis, the
reference, then through 1, 2 and 4 `coastguard replay --shared` processes on a redis-server this
script starts on loopback: the lines are split round-robin (line i to node i mod N), every node
paces its lines to the same schedule (`--pace` replayed seconds per wall second, from one start
time), and each sends what it sees to the others through Redis as live nodes do. The nodes'
decisions are put back in line order and scored by bench/families/score.py, as the reference.
Prints, per node count: would-be takeovers prevented, legit friction, their distance from the
single node in points, the events each node decided per second, and Redis commands and bytes
per event. Prints figures; asserts nothing.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCORE = os.path.join(HERE, "families", "score.py")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def option(argv, name, default):
    return argv[argv.index(name) + 1] if name in argv else default


def redis_info(port):
    out = subprocess.run(["redis-cli", "-p", str(port), "INFO", "stats"], capture_output=True,
                         text=True, check=True).stdout
    info = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    return int(info["total_commands_processed"]), int(info["total_net_input_bytes"])


def score(events, decisions):
    done = subprocess.run([sys.executable, SCORE, events, decisions, "--json"],
                          capture_output=True, text=True, check=True)
    auth = json.loads(done.stdout)["auth"]
    return auth["overall"]["prevented"], auth["legit"]["friction"]


def merge(parts, out_path):
    """Line i of the file is line i // N of part i % N."""
    files = [open(p, encoding="utf-8") for p in parts]
    with open(out_path, "w", encoding="utf-8") as out:
        i = 0
        while True:
            line = files[i % len(files)].readline()
            if not line:
                break
            out.write(line)
            i += 1
    for f in files:
        f.close()


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    binary, events = argv[1], argv[2]
    counts = [int(n) for n in option(argv, "--nodes", "1,2,4").split(",")]
    pace = float(option(argv, "--pace", "2000"))
    base_config = option(argv, "--config", os.path.join(HERE, "coastguard.toml"))
    lines = sum(1 for _ in open(events, encoding="utf-8"))
    work = tempfile.mkdtemp(prefix="coastguard-cluster-bench-")
    port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", work],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if subprocess.run(["redis-cli", "-p", str(port), "PING"], capture_output=True,
                              text=True).stdout.strip() == "PONG":
                break
            time.sleep(0.05)
        config = os.path.join(work, "coastguard.toml")
        with open(base_config, encoding="utf-8") as f, open(config, "w", encoding="utf-8") as out:
            out.write(f.read())
            out.write(f'\n[shared]\nredis = "redis://127.0.0.1:{port}/0"\nprefix = "bench:"\n')

        single = os.path.join(work, "single.jsonl")
        subprocess.run([binary, "replay", events, "--config", base_config, "--decisions", single],
                       stderr=subprocess.DEVNULL, check=True)
        ref_prevented, ref_friction = score(events, single)
        print(f"{lines:,} events; single node without Redis (the reference): "
              f"prevented {ref_prevented:.2f} %, friction {ref_friction:.3f} %")
        print(f"nodes sharing one Redis, lines round-robin, paced at {pace:,.0f}x real time:")
        print("  nodes | prevented (pts vs one) | friction (pts vs one) | events/s per node |"
              " Redis cmds/event | Redis bytes in/event")
        for n in counts:
            subprocess.run(["redis-cli", "-p", str(port), "FLUSHALL"], capture_output=True,
                           check=True)
            commands0, bytes0 = redis_info(port)
            start_at = time.time() + 2.0  # every node joined before the first line is due
            procs, parts = [], []
            for k in range(n):
                part = os.path.join(work, f"n{n}-{k}.jsonl")
                parts.append(part)
                procs.append(subprocess.Popen(
                    [binary, "replay", events, "--config", config, "--decisions", part,
                     "--part", f"{k}/{n}", "--shared", "--node", f"bench-{k}",
                     "--pace", str(pace), "--start-at", f"{start_at:.3f}"],
                    stdout=subprocess.DEVNULL, stderr=open(part + ".log", "w")))
            statuses = [p.wait() for p in procs]
            wall = time.time() - start_at
            if any(statuses):
                print(f"  {n}: a node failed ({statuses}); see {work}/n{n}-*.jsonl.log")
                continue
            commands1, bytes1 = redis_info(port)
            merged = os.path.join(work, f"n{n}.jsonl")
            merge(parts, merged)
            prevented, friction = score(events, merged)
            decisions = lines  # one event: a check and, unless refused, a report
            print(f"  {n:5d} | {prevented:8.2f} % ({prevented - ref_prevented:+.2f})    |"
                  f" {friction:7.3f} % ({friction - ref_friction:+.3f})     |"
                  f" {lines / n / wall:17,.0f} | {(commands1 - commands0) / decisions:19.4f} |"
                  f" {(bytes1 - bytes0) / decisions:10.1f}")
    finally:
        redis.kill()
        redis.wait()
    print(f"(work files in {work})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
