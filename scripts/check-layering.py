#!/usr/bin/python3
"""Checks that dependencies point from the edges to the core (docs/architecture.md): domain
modules include no adapter, policy does not include forms, http does not include replay, and
server/ (wiring only) includes no JSON library. Prints each offending include; exit 1 if any."""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
DOMAIN = {"core", "counters", "detect", "policy", "forms", "store", "breach", "firewall", "history"}
ADAPTERS = {"http", "postfix", "replay", "server", "wire", "demo", "config", "io", "logs", "nft", "ctl", "console", "redis"}
# Module -> modules (or libraries) it must not include, beyond the domain rule.
FORBIDDEN = {
    "policy": {"forms"},
    "http": {"replay", "store", "server", "demo", "config"},
    "replay": {"http", "postfix", "server"},
    "postfix": {"http", "replay", "server"},
    "wire": {"http", "postfix", "replay", "server"},
    "config": {"server"},
    "server": {"simdjson.h", "nlohmann/json.hpp", "toml++/toml.h"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]')

problems = []
for module in sorted(os.listdir(SRC)):
    folder = os.path.join(SRC, module)
    if not os.path.isdir(folder):
        continue
    for root, _, files in os.walk(folder):
        for name in sorted(files):
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    match = INCLUDE.match(line)
                    if not match:
                        continue
                    target = match.group(1)
                    top = target.split("/", 1)[0] if "/" in target else target
                    bad = (module in DOMAIN and top in ADAPTERS) or \
                          top in FORBIDDEN.get(module, ()) or target in FORBIDDEN.get(module, ())
                    if bad:
                        problems.append(f"{os.path.relpath(path, SRC)}:{number}: includes {target}")
for p in problems:
    print(p)
print(f"layering: {'ok' if not problems else f'{len(problems)} includes against the grain'}")
sys.exit(1 if problems else 0)
