"""Real Dovecot and Postfix instances for end-to-end tests: private configs under a temporary
directory, loopback only, free high ports. Both run in the foreground under the test's
control and are stopped by it."""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

from conftest import free_port, port_open, read_text, wait_for

USERS = {
    "alice@example.com": "alice-pass-1",
    "bob@example.com": "bob-pass-1",
    "carol@example.com": "carol-pass-1",
    "dave@example.com": "dave-pass-1",
    "erin@example.com": "erin-pass-1",
}


class Dovecot:
    """dovecot -F with IMAP and POP3 on loopback, a passwd-file of USERS, and its auth policy
    pointed at coastguard. Its auth service also listens on a socket for Postfix SASL."""

    def __init__(self, workdir, policy_lines, lua_script=None, netns=None, listen="127.0.0.1"):
        """`policy_lines`: the auth_policy_* lines of `coastguard config dovecot`.
        `lua_script`: a Lua passdb run after the password check (examples/dovecot).
        `netns`: run inside this network namespace (created by the test), listening on
        `listen`."""
        self.netns = netns
        self.dir = os.path.join(workdir, "dovecot")
        os.makedirs(self.dir)
        os.chmod(workdir, 0o755)
        os.chmod(self.dir, 0o755)
        self.imap_port = free_port()
        self.pop3_port = free_port()
        self.auth_socket = os.path.join(self.dir, "auth-client")
        self.log_path = os.path.join(self.dir, "dovecot.log")
        mail = os.path.join(self.dir, "mail")
        os.makedirs(mail)
        nobody = pwd.getpwnam("nobody")
        os.chown(mail, nobody.pw_uid, nobody.pw_gid)
        with open(os.path.join(self.dir, "users"), "w") as f:
            for user, password in USERS.items():
                f.write(f"{user}:{{PLAIN}}{password}\n")
        self.config = os.path.join(self.dir, "dovecot.conf")
        chain = lua_passdb = ""
        if lua_script:
            chain = "result_success = continue-ok\n  result_failure = return-fail"
            lua_passdb = f"""passdb {{
  driver = lua
  args = file={lua_script} blocking=yes
  skip = unauthenticated
  result_success = return-ok
  result_failure = return-fail
  result_internalfail = continue
}}"""
        with open(self.config, "w") as f:
            f.write(f"""
base_dir = {self.dir}/run
state_dir = {self.dir}/state
log_path = {self.log_path}
protocols = imap pop3
listen = {listen}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
auth_failure_delay = 0
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
mail_location = maildir:{mail}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.dir}/users
  {chain}
}}
{lua_passdb}
userdb {{
  driver = static
  args = uid={nobody.pw_uid} gid={nobody.pw_gid} home={mail}/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {self.pop3_port}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service auth {{
  unix_listener {self.auth_socket} {{
    mode = 0666
  }}
}}
# Dovecot's own per-IP penalty would slow the tests down; coastguard is what is under test.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
{policy_lines}
auth_policy_server_timeout_msecs = 2000
""")
        self.proc = None

    def start(self):
        prefix = ["ip", "netns", "exec", self.netns] if self.netns else []
        self.proc = subprocess.Popen(prefix + ["/usr/sbin/dovecot", "-F", "-c", self.config],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        if self.netns:
            # Its ports are not reachable from here by 127.0.0.1: its log says when it is up.
            wait_for(lambda: "starting up" in self.read_log() or self.proc.poll() is not None,
                     what="dovecot to start")
            assert self.proc.poll() is None, self.read_log()
            return self
        wait_for(lambda: (port_open(self.imap_port) and port_open(self.pop3_port)
                          and os.path.exists(self.auth_socket)) or self.proc.poll() is not None,
                 what="dovecot to listen")
        assert self.proc.poll() is None, self.read_log()
        return self

    def read_log(self):
        return read_text(self.log_path)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        self.proc = None


class Postfix:
    """A private Postfix instance (its own config, queue and data directories) with only a
    submission service on a high loopback port, SASL through Dovecot's auth socket."""

    def __init__(self, workdir, dovecot, extra_main="", submission_options=()):
        self.dir = os.path.join(workdir, "postfix")
        self.config_dir = os.path.join(self.dir, "etc")
        self.queue_dir = os.path.join(self.dir, "queue")
        self.data_dir = os.path.join(self.dir, "data")
        for d in (self.config_dir, self.queue_dir, self.data_dir):
            os.makedirs(d)
        postfix = pwd.getpwnam("postfix")
        os.chown(self.data_dir, postfix.pw_uid, postfix.pw_gid)
        self.port = free_port()
        self.log_path = os.path.join(self.dir, "postfix.log")
        with open(os.path.join(self.config_dir, "main.cf"), "w") as f:
            f.write(f"""
compatibility_level = 3.6
queue_directory = {self.queue_dir}
data_directory = {self.data_dir}
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.example.com
mydomain = example.com
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
maillog_file = {self.log_path}
maillog_file_prefixes = {self.dir}
smtputf8_enable = no
alias_maps =
alias_database =
nis_domain_name =
# Nothing leaves this machine: accepted mail is discarded (held mail stays in the hold queue).
default_transport = discard:e2e test instance
relay_transport = discard:e2e test instance
{extra_main}
""")
        options = " ".join(f"-o {o}" for o in (
            "syslog_name=postfix/submission",
            "smtpd_sasl_auth_enable=yes",
            "smtpd_sasl_type=dovecot",
            f"smtpd_sasl_path={dovecot.auth_socket}",
            "smtpd_tls_security_level=none",
            "smtpd_client_restrictions=",
            "smtpd_relay_restrictions=permit_sasl_authenticated,reject",
            *submission_options))
        master = f"""
127.0.0.1:{self.port} inet n - n - - smtpd {options}
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""
        with open(os.path.join(self.config_dir, "master.cf"), "w") as f:
            f.write(master)
        self.proc = None

    def postfix(self, *args):
        return subprocess.run(["/usr/sbin/postfix", "-c", self.config_dir, *args],
                              capture_output=True, text=True)

    def start(self):
        result = self.postfix("set-permissions")
        self.proc = subprocess.Popen(["/usr/sbin/postfix", "-c", self.config_dir, "start-fg"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for(lambda: port_open(self.port) or self.proc.poll() is not None,
                 what="postfix to listen")
        assert self.proc.poll() is None, (result.stderr, self.read_log())
        return self

    def read_log(self):
        return read_text(self.log_path)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.postfix("stop")
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class Redis:
    """A real redis-server on a loopback port with a private directory, no persistence."""

    def __init__(self, workdir, port=None, extra=()):
        self.dir = os.path.join(workdir, f"redis-{port or 'x'}")
        os.makedirs(self.dir, exist_ok=True)
        self.port = port or free_port()
        self.extra = list(extra)
        self.proc = None
        self.log_path = os.path.join(self.dir, "redis.log")

    def start(self):
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", self.dir, "--save", "", "--appendonly", "no",
                "--logfile", self.log_path] + self.extra
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for(lambda: "Ready to accept connections" in read_text(self.log_path)
                 or self.proc.poll() is not None, what="redis-server to accept connections")
        assert self.proc.poll() is None, read_text(self.log_path)
        return self

    def cli(self, *args):
        done = subprocess.run(["redis-cli", "-p", str(self.port), *args], capture_output=True,
                              text=True, timeout=10)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None
        # The next start waits for its own "Ready" line.
        if os.path.exists(self.log_path):
            os.remove(self.log_path)


def free_port_pair(offset):
    """A free loopback port whose port + `offset` is free too (a Cluster node's bus port)."""
    for _ in range(100):
        port = free_port()
        if port + offset > 65535:
            continue
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.bind(("127.0.0.1", port + offset))
        except OSError:
            continue
        return port
    raise AssertionError("no free port pair")


def memory_dir(workdir, name):
    """A private directory in memory (/dev/shm) when there is one, else under `workdir`. Sentinel
    and Cluster nodes fsync their configuration at every change, and a replica its copy of the
    data: on a busy disk an fsync can take seconds, which stalls them (a Sentinel that stalls
    long enough misses the vote, or enters TILT). Their files are not what the tests are about."""
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        return tempfile.mkdtemp(prefix=f"coastguard-{name}-", dir="/dev/shm")
    path = os.path.join(workdir, name)
    os.makedirs(path, exist_ok=True)
    return path


class RedisSentinels:
    """One master, one replica and three Sentinels watching them as `master_name`, all real
    (redis-server and redis-sentinel on loopback), quick to fail over."""

    def __init__(self, workdir, master_name="coastguard"):
        self.dir = memory_dir(workdir, "sentinels")
        self.master_name = master_name
        self.master = Redis(self.dir, port=free_port())
        self.replica = None
        self.sentinel_ports = [free_port() for _ in range(3)]
        self.sentinels = []

    def start(self):
        self.master.start()
        # The master's copy read straight from the socket, not through a file on disk.
        self.replica = Redis(self.dir, port=free_port(),
                             extra=["--replicaof", "127.0.0.1", str(self.master.port),
                                    "--repl-diskless-load", "swapdb"])
        self.replica.start()
        wait_for(lambda: "master_link_status:up" in self.replica.cli("INFO", "replication"),
                 what="the replica to follow the master")
        for port in self.sentinel_ports:
            conf = os.path.join(self.dir, f"sentinel-{port}.conf")
            with open(conf, "w") as f:
                f.write(f"""port {port}
bind 127.0.0.1
dir {self.dir}
logfile {self.dir}/sentinel-{port}.log
sentinel monitor {self.master_name} 127.0.0.1 {self.master.port} 2
sentinel down-after-milliseconds {self.master_name} 1000
sentinel failover-timeout {self.master_name} 10000
sentinel parallel-syncs {self.master_name} 1
""")
            proc = subprocess.Popen(["redis-sentinel", conf], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.STDOUT)
            self.sentinels.append(proc)
        for port in self.sentinel_ports:
            # Each knows the replica and the two other Sentinels: a failover can be agreed.
            wait_for(lambda: self.sentinel_cli(port, "SENTINEL", "master", self.master_name)
                     .count("\n") > 0 and self.known(port), timeout=30,
                     what=f"Sentinel {port} to know the replica and the others")
        return self

    def known(self, port):
        info = dict(zip(*[iter(self.sentinel_cli(port, "SENTINEL", "master",
                                                  self.master_name).split("\n"))] * 2))
        return info.get("num-slaves") == "1" and info.get("num-other-sentinels") == "2"

    def sentinel_cli(self, port, *args):
        done = subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True,
                              text=True, timeout=10)
        return done.stdout.strip() if done.returncode == 0 else ""

    def master_port(self):
        """The master's port as the first Sentinel that answers names it."""
        for port in self.sentinel_ports:
            answer = self.sentinel_cli(port, "SENTINEL", "get-master-addr-by-name",
                                       self.master_name).split("\n")
            if len(answer) == 2:
                return int(answer[1])
        return None

    def config_lines(self):
        sentinels = ", ".join(f'"127.0.0.1:{p}"' for p in self.sentinel_ports)
        return f'sentinel = [{sentinels}]\nmaster_name = "{self.master_name}"'

    def stop(self):
        for proc in self.sentinels:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
        for server in (self.master, self.replica):
            if server:
                server.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class RedisCluster:
    """A Redis Cluster of `masters` real redis-server nodes on loopback, no replicas, every slot
    assigned (redis-cli --cluster create)."""

    def __init__(self, workdir, masters=3):
        self.dir = memory_dir(workdir, "cluster")
        self.nodes = []
        for _ in range(masters):
            port = free_port_pair(10000)
            self.nodes.append(Redis(self.dir, port=port, extra=[
                "--cluster-enabled", "yes",
                "--cluster-config-file", os.path.join(self.dir, f"nodes-{port}.conf"),
                "--cluster-node-timeout", "2000"]))

    def start(self):
        for node in self.nodes:
            node.start()
        done = subprocess.run(["redis-cli", "--cluster", "create",
                               *[f"127.0.0.1:{n.port}" for n in self.nodes],
                               "--cluster-replicas", "0", "--cluster-yes"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        for node in self.nodes:
            wait_for(lambda: "cluster_state:ok" in node.cli("CLUSTER", "INFO"), timeout=30,
                     what="the cluster to be ok on every node")
        return self

    def ports(self):
        return [n.port for n in self.nodes]

    def node_ids(self):
        """port -> node id"""
        ids = {}
        for line in self.nodes[0].cli("CLUSTER", "NODES").splitlines():
            fields = line.split()
            ids[int(fields[1].split("@")[0].split(":")[1])] = fields[0]
        return ids

    def owner_of(self, key):
        """(the node that holds `key`'s slot, the slot)"""
        slot = int(self.nodes[0].cli("CLUSTER", "KEYSLOT", key))
        port = self.slot_owner_port(slot)
        return next(n for n in self.nodes if n.port == port), slot

    def slot_owner_port(self, slot):
        for line in self.nodes[0].cli("CLUSTER", "NODES").splitlines():
            fields = line.split()
            if "master" not in fields[2]:
                continue
            for part in fields[8:]:
                if part.startswith("["):
                    continue
                low, _, high = part.partition("-")
                if int(low) <= slot <= int(high or low):
                    return int(fields[1].split("@")[0].split(":")[1])
        return None

    def begin_migration(self, slot, source, target):
        """Starts moving `slot` from node `source` to node `target` as resharding does: both
        marked (CLUSTER SETSLOT IMPORTING/MIGRATING) and every key moved (MIGRATE). The slot is
        still `source`'s: a key it no longer has is answered -ASK, for the target."""
        ids = self.node_ids()
        target.cli("CLUSTER", "SETSLOT", str(slot), "IMPORTING", ids[source.port])
        source.cli("CLUSTER", "SETSLOT", str(slot), "MIGRATING", ids[target.port])
        while True:
            keys = source.cli("CLUSTER", "GETKEYSINSLOT", str(slot), "100").split()
            if not keys:
                break
            source.cli("MIGRATE", "127.0.0.1", str(target.port), "", "0", "5000", "KEYS", *keys)

    def finish_migration(self, slot, target):
        """The slot is `target`'s, on every master (SETSLOT NODE): the others answer -MOVED."""
        ids = self.node_ids()
        for node in self.nodes:
            node.cli("CLUSTER", "SETSLOT", str(slot), "NODE", ids[target.port])

    def config_lines(self, seeds=1):
        listed = ", ".join(f'"127.0.0.1:{n.port}"' for n in self.nodes[:seeds])
        return f"cluster = [{listed}]"

    def stop(self):
        for node in self.nodes:
            node.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
