"""Real Dovecot and Postfix instances for end-to-end tests: private configs under a temporary
directory, loopback only, free high ports. Both run in the foreground under the test's
control and are stopped by it."""
import os
import pwd
import shutil
import subprocess
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
