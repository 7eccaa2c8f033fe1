// The embedded defaults, as `coastguard config --defaults` prints them and docs/configuration.md
// explains them. tests/unit/config/config_test.cc checks that they name every key the modules
// describe and parse to the compiled defaults.
#include "config/config.h"

namespace coastguard::config {

std::string DefaultConfigToml() {
  return R"(# Coastguard embedded defaults. Every key is optional; see docs/configuration.md.
[server]
listen = "127.0.0.1:8084"
data_dir = "/var/lib/coastguard"
snapshot_interval = "5m"    # state and outbound counters saved (off the loop) this often
admin_token = ""            # empty: generated at first start into <data_dir>/admin_token
max_body_bytes = 65536
max_connections = 4096
max_connections_per_client = 1024
idle_timeout = "60s"        # an HTTP connection without a complete request this long: closed
slow_request_us = 0         # requests slower than this (µs) are logged; 0 = never
console = true              # the operator's console at /console/ (log in with the admin token)

[postfix]
listen = "127.0.0.1:10040"  # check_policy_service inet:127.0.0.1:10040; "" turns it off
socket = ""                 # also listen on this UNIX socket if set
max_connections = 1024
max_connections_per_client = 256
idle_timeout = "10m"        # a policy connection without a request this long is closed
request_timeout = "30s"     # a request begun and not finished this long: closed

[outbound]
recipients_per_minute = 0   # 0 = off
recipients_per_hour = 500
recipients_per_day = 2000
messages_per_hour = 0       # off: the month's invoices go out within an hour; the day caps
messages_per_day = 500
domains_per_hour = 0
spike_factor = 10.0
spike_min = 40
suspect_window = "24h"
new_login_window = "6h"
rate_limited_action = "DEFER_IF_PERMIT 4.7.1 Sending rate limit exceeded, try again later"
compromised_action = "HOLD Held for review: the account's last login looks compromised"
spike_action = "HOLD Held for review: unusual volume after a login from a new place"
webhook_url = ""            # hold events are POSTed here too (http://host:port/path)
webhook_secret = ""         # HMAC-SHA256 key: X-Coastguard-Signature: sha256=<hex>
# [[outbound.bulk]]
# login = "newsletter@example.com"
# recipients_per_hour = 50000
# recipients_per_day = 200000
# messages_per_hour = 50000

[dovecot]
api_key = ""                # value of auth_policy_server_api_header; empty: not checked
basic_auth = ""             # "user:password" from auth_policy_server_url; empty: not checked
reject_message = "Login refused by policy, try again later"

[logins]
case_fold = true
default_domain = ""

[windows]
short = "1h"
long = "24h"

[brute_force]
delay_from = 3
block_at = 6
first_delay = "1s"
max_delay = "8s"
block_ttl = "15m"

[account_guessing]
wrong_passwords = 8
sources = 3
block_ttl = "1h"

[source_guessing]
ip_logins = 5
ipv4_24_logins = 10
ipv6_64_logins = 5
ipv6_48_logins = 10
unknown_users = 3
successes_per_extra_login = 20
block_ttl = "1h"

[service_attack]
interval = "5m"
factor = 4.0
min_unfamiliar_failures = 12.0
min_unknown_users = 6.0
baseline_weight = 0.05
hold = "30m"
max_length = "12h"          # an episode never lasts longer; a siege's level then becomes the normal
learn_under_attack = 0.0    # intervals under attack teach the baseline at this share of its weight
warmup = "1h"               # history the baseline needs before an attack can be called

[familiarity]
ttl = "60d"
refresh = "1h"
max_sources_per_login = 32
refuse_stranger_sends = true  # a known account sending first from a place, or with a client, not its own

[compromise]                # what makes a successful login suspicious (its mail is held)
guessing_source_logins = 2  # the address failed on this many other accounts in windows.short
guessing_source_unknown_logins = 1  # ...or tried this many accounts that do not exist
distributed_networks = 3    # wrong passwords from this many networks just before a stranger got in
proven_logins = 2           # accounts logging in from one address that make it a shared, proven one

[returning_device]          # a refused stranger back with the same password earns a password check
enabled = true
after = "10m"               # the same password from the same address again, no sooner than this
within = "24h"              # ...and no later
per_login = 2               # such checks per login per windows.short
max_failing_logins = 1      # the address failed on at most this many other logins in windows.short
max_failed_per_address = 2  # such checks that failed at one address in windows.short: it earns no more
per_address = 2             # known accounts' new devices admitted at one address per windows.short
recheck = "5m"              # an admission answers Dovecot's second check (after the password) this long

[blocks]
max_ttl = "24h"
offense_memory = "24h"
max_blocks = 1000000

[memory]
budget_mb = 1024

[allow]
networks = []
logins = []

[forms]                     # the form guard: docs/forms.md
challenge_at = 2.5          # score at which a submission is challenged...
reject_at = 5.0             # ...and rejected
secret = ""                 # signs render tokens and ALTCHA challenges; "": per installation
token_required = false      # a missing render token counts against a submission
min_fill = "3s"             # faster than this after rendering is a bot
token_ttl = "2h"
altcha_required = false     # a missing proof of work forces a challenge
altcha_max_number = 50000   # the widget's search space (~0.1 s in a browser)
altcha_ttl = "20m"
ip_per_hour = 10            # from one address to one recipient; 0 = off
prefix_per_hour = 40        # /24 or /64
recipient_per_day = 3       # the same address typed in again and again
recipient_domain_per_day = 30
recipient_domain_factor = 4.0
new_recipient_domain_per_day = 5  # to a domain first seen today (after the first day)
form_per_10m = 0            # an absolute cap per form; 0 = off
surge_factor = 5.0          # per form, against its own learned baseline
surge_min = 30
max_urls = 3                # links per text field
campaign_window = "24h"
campaign_recipients = 3     # one young link, domain or text to this many recipients: hold
domain_maturity = "24h"
established_recipients = 25
text_min_words = 8
text_similarity = 0.5
disposable_domains_file = ""  # JSON array (npm disposable-email-domains) or one per line
url_shorteners_file = ""    # "": /usr/share/spamassassin/25_url_shortener.cf if installed; "none"
own_domains = []            # links to these are never a campaign
max_keys = 500000

[breach]
db = ""                     # "": <data_dir>/breach, filled by `coastguard breach import`
on_login = "notify"         # a breached password at login: "notify" (mark, webhook, mail) or "refuse"
common_passwords_file = ""  # "": /usr/share/john/password.lst (Debian's john-data)
min_length = 8              # NIST SP 800-63B's minimum
service_words = []          # the service's own names: never part of a password
notify_command = []         # e.g. ["/usr/sbin/sendmail", "-t", "-i"]; []: no mail
notify_from = "postmaster"
notify_template = ""        # a whole message with {{to}} {{login}} {{breach_count}}; "": built in
notify_every = "30d"        # at most one mail per account
max_accounts = 100000       # marked accounts remembered

[firewall]
nftables = false            # keep blocked sources in nftables sets (needs CAP_NET_ADMIN)
table = "coastguard"        # inet table holding sets blocked4, blocked6 and the drop rule
ports = []                  # TCP ports to drop on, e.g. [25, 143, 465, 587, 993, 995]; []: all traffic
remove_at_stop = true       # delete the table when the daemon stops
max_networks = 1000000      # networks held at once

[shared]
redis = ""                  # several nodes deciding as one (docs/cluster.md): redis://host:6379/0
sentinel = []               # or a master found through Sentinel: ["10.0.0.1:26379", ...]...
master_name = ""            # ...by this name (the Sentinels' "sentinel monitor <name>")
sentinel_user = ""          # the Sentinels' own ACL user and password, if they have one
sentinel_password = ""
cluster = []                # or a Redis Cluster: some of its nodes, ["10.0.0.1:7000", ...]
user = ""                   # Redis ACL user; overrides the URL's
password = ""               # overrides the URL's
db = 0                      # with sentinel: the master's database
node = ""                   # this node's name in metrics and /v1/service; "": the host name
prefix = "cg:"              # of every key and the channel
flush_every = "5ms"         # attempts go to the other nodes in one message per interval
timeout = "250ms"           # an unanswered request: Redis is slow or gone; decide alone, reconnect

# Logs of servers that cannot ask (docs/logs.md): followed through rotation, their failed and
# successful logins decided as reported attempts.
# [[logs]]
# path = "/var/log/mail.log"  # a glob is allowed: "/var/log/roundcube/*.log"
# format = "auto"             # or dovecot, postfix, exim, courier, cyrus, sendmail, ...
)";
}

}  // namespace coastguard::config
