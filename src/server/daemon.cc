#include "server/daemon.h"

#include <cstdio>

#include "console/assets.h"
#ifdef COASTGUARD_WITH_DEMO
#include "demo/form_demo.h"
#else
namespace coastguard::demo {
class FormDemo {};  // built without the demo: nothing to own
}  // namespace coastguard::demo
#endif
#include <fstream>
#include <sstream>

#include "breach/notification.h"
#include "core/log.h"
#include "core/text.h"
#include "forms/campaign_event.h"
#include "io/fd_limit.h"
#include "io/host_port.h"
#include "io/process_metrics.h"
#include "redis/seed.h"
#include "redis/topology.h"

#include <unistd.h>

namespace coastguard::server {
namespace {

constexpr char kFormsLearned[] = "forms.learned";

absl::Status BadConfig(const std::string& message) { return absl::InvalidArgumentError(message); }

}  // namespace

Daemon::Daemon(config::Config config, std::string demo_dir)
    : config_(std::move(config)),
      demo_dir_(std::move(demo_dir)),
      store_(config_.store.data_dir,
             store::StateStore::Settings{.snapshot_interval = config_.store.snapshot_interval}),
      webhook_(config_.webhook) {}

Daemon::~Daemon() = default;

absl::Status Daemon::Start() {
  // The configuration first: a bad address must not touch the data directory.
  const auto http_listen = io::ParseHostPort(config_.http.listen);
  if (!http_listen) {
    return BadConfig(core::Cat("bad listen address '", config_.http.listen, "' (want HOST:PORT)"));
  }
  http_listen_ = *http_listen;
  if (!config_.postfix.listen.empty()) {
    const auto postfix_listen = io::ParseHostPort(config_.postfix.listen);
    if (!postfix_listen) {
      return BadConfig(
          core::Cat("bad [postfix] listen '", config_.postfix.listen, "' (want HOST:PORT)"));
    }
    postfix_listen_ = *postfix_listen;
  }
  // Every connection the caps allow, plus the journal, snapshots, webhooks and slack.
  constexpr size_t kSpareFiles = 256;
  const size_t files = config_.http.max_connections + config_.postfix.max_connections + kSpareFiles;
  auto limit = io::EnsureOpenFiles(files);
  if (!limit.ok()) return BadConfig(core::Message(limit.status()));
  core::Log(core::Cat("open files limit ", *limit, " (the connection caps need ", files, ")"));
  if (absl::Status s = store_.Open(); !s.ok()) return absl::UnavailableError(core::Message(s));
  if (!config_.dovecot.HasCredentials()) {
    auto key = store_.PolicyKey();
    if (!key.ok()) return absl::UnavailableError(core::Message(key.status()));
    config_.dovecot.api_key = *key;
  }
  std::string admin_token = config_.http.admin_token;
  if (admin_token.empty()) {
    auto token = store_.AdminToken();
    if (!token.ok()) return absl::UnavailableError(core::Message(token.status()));
    admin_token = *token;
  }
  std::optional<redis::Topology> shared_topology;
  redis::Endpoint seed_server;  // where the seed lives now, as located at startup ("" if not)
  uint64_t seed = store_.seed();
  bool seed_agreed = false;
  if (config_.shared.enabled()) {
    auto topology = redis::ResolveTopology(config_.shared);
    if (!topology.ok()) return BadConfig(core::Message(topology.status()));
    shared_topology = *topology;
    const std::string seed_key = config_.shared.prefix + "seed";
    auto located = redis::LocateBlocking(*topology, seed_key, core::kSecond);
    if (located.ok()) seed_server = *located;
    auto agreed = AgreeSharedSeed(located, seed_key);
    if (!agreed.ok()) return absl::UnavailableError(core::Message(agreed.status()));
    seed_agreed = *agreed;
    seed = store_.seed();
  }
  engine_ = std::make_unique<policy::Engine>(config_.engine, seed);
  outbound_ = std::make_unique<policy::Outbound>(config_.outbound, *engine_);
  engine_->set_timeline(&timeline_);
  outbound_->set_timeline(&timeline_);
  auto restored = store_.Load(*engine_, outbound_.get());
  if (!restored.ok()) return absl::UnavailableError(core::Message(restored.status()));
  restored_ = *restored;
  StartFirewall();
  sink_ = std::make_unique<policy::LoggingSink>(firewall_ != nullptr
                                                    ? static_cast<policy::StateSink&>(*firewall_)
                                                    : static_cast<policy::StateSink&>(store_));
  engine_->set_sink(sink_.get());
  if (shared_topology) {
    std::string node = config_.shared.node;
    if (node.empty()) {
      char host[256] = {};
      gethostname(host, sizeof(host) - 1);
      node = host;
    }
    // The seed's server is where a single server or the Sentinels' master is; a Cluster client
    // reads its map itself.
    auto client = redis::MakeClient(loop_, *shared_topology, seed_server,
                                    redis::LinkSettings{.timeout = config_.shared.timeout});
    shared_ = std::make_unique<redis::SharedState>(
        loop_, *engine_, *sink_, config_.shared, std::move(client),
        std::string(shared_topology->KindName()), node, seed, seed_agreed);
    engine_->set_sink(shared_.get());
    engine_->set_observer(shared_.get());
    shared_->Start();
    core::Log(core::Cat("shared: node ", node, " shares its state through Redis (",
                        shared_topology->KindName(), ") at ", shared_topology->Describe()));
  }
  if (firewall_ != nullptr) firewall_->Sync(io::EventLoop::Now());

  if (absl::Status s = StartForms(admin_token); !s.ok()) return s;
  snapshot_.engine = engine_.get();
  snapshot_.outbound = outbound_.get();
  snapshot_.side_files = {{kFormsLearned, [this] { return forms_->ExportLearned(); }}};
  const bool webhook = !config_.webhook.url.empty();
  if (webhook) {
    if (absl::Status s = webhook_.Start(loop_); !s.ok()) return BadConfig(core::Message(s));
  }
  outbound_->set_on_hold([this, webhook](const policy::HoldEvent& e) {
    core::Log(policy::HoldLogLine(e));
    if (webhook) webhook_.Post(policy::HoldEventJson(e));
  });
  forms_->set_on_campaign([this, webhook](const forms::CampaignEvent& e) {
    core::Log(forms::CampaignLogLine(e));
    if (webhook) {
      webhook_.Post(forms::CampaignEventJson(e, /*notification=*/true),
                    http::WebhookEvent::kFormCampaign);
    }
  });
  if (absl::Status s = StartBreach(); !s.ok()) return s;
  if (shared_ != nullptr) {
    // Form campaigns, rates and used tokens, and accounts marked for a breached password, span
    // the nodes too.
    forms_->set_observer(shared_.get());
    shared_->set_forms(forms_.get());
    breached_logins_->set_observer(shared_.get());
    shared_->set_breach(breached_logins_.get());
    if (config_.forms.secret.empty()) {
      core::Log(
          "shared: [forms] secret is not set, so each node signs render tokens and "
          "challenges with its own admin token: a form served through one node fails its "
          "check on another. Give every node the same secret (docs/cluster.md)");
    }
  }
  if (absl::Status s = StartHttp(admin_token); !s.ok()) return s;
  if (absl::Status s = StartPostfix(); !s.ok()) return s;
  if (absl::Status s = StartLogs(); !s.ok()) return s;
  http::SystemView system{breach_db_.get(), log_follower_.get(), {}, log_guard_.get(), {}};
  for (const auto& journal : journals_) system.journals.push_back(journal.get());
  if (shared_ != nullptr) {
    system.shared = [this] {
      const redis::SharedStatus s = shared_->status();
      return http::SharedView{s.node,   s.endpoint,     s.link,      s.topology,
                              s.lag_ms, s.queued_bytes, s.in_flight, s.servers};
    };
  }
  api_->set_system(std::move(system));
  RegisterMetrics();

  loop_.Every(core::kSecond, [this] {
    engine_->Maintain(io::EventLoop::Now());
    store_.Maintain(snapshot_, io::EventLoop::Now());
    RefreshBreachDatabase();
    if (firewall_ != nullptr) firewall_->Maintain(io::EventLoop::Now());
    if (log_follower_ != nullptr) {
      log_follower_->Poll();
      log_follower_->Save();
    }
    for (auto& journal : journals_) {
      journal->Poll();
      journal->Save();
    }
  });
  return absl::OkStatus();
}

void Daemon::StartFirewall() {
  const firewall::FirewallConfig& c = config_.firewall;
  if (!c.nftables) return;
  nftables_ =
      std::make_unique<nft::Nftables>(nft::NftablesSettings{c.table, c.ports, c.remove_at_stop});
  if (absl::Status s = nftables_->Start(); !s.ok()) {
    // The firewall is an action on top of the decisions: without it they go on.
    core::Log(core::Cat("firewall: ", core::Message(s),
                        "; blocked sources are refused by the "
                        "policy hooks only"));
    nftables_.reset();
    return;
  }
  firewall_ = std::make_unique<nft::FirewallSink>(
      store_, *engine_, *nftables_, c.max_networks,
      [this](std::function<void()> fn) { loop_.Soon(std::move(fn)); });
  core::Log(core::Cat("firewall: blocked sources dropped through nftables table inet ", c.table));
}

absl::Status Daemon::StartLogs() {
  const auto& sources = config_.logs.sources;
  if (sources.empty()) return absl::OkStatus();
  log_guard_ = std::make_unique<logs::LogGuard>(sources, *engine_, io::EventLoop::Now());
  std::vector<std::string> patterns;
  std::vector<size_t> pattern_source;  // follower's pattern index -> [[logs]] index
  for (size_t i = 0; i < sources.size(); ++i) {
    const logs::LogSource& s = sources[i];
    if (!s.path.empty()) {
      patterns.push_back(s.path);
      pattern_source.push_back(i);
      continue;
    }
    auto journal = std::make_unique<io::JournalFollower>(
        loop_, s.journal, s.journal_directory,
        core::Cat(config_.store.data_dir, "/journal_cursor.", s.journal),
        [this, i](std::string_view line) { log_guard_->OnLine(i, line, io::EventLoop::Now()); });
    if (absl::Status st = journal->Start(); !st.ok()) {
      return absl::UnavailableError(core::Message(st));
    }
    core::Log(core::Cat("logs: following the journal of ", s.journal));
    journals_.push_back(std::move(journal));
  }
  if (patterns.empty()) return absl::OkStatus();
  log_follower_ = std::make_unique<io::LogFollower>(
      loop_, patterns, config_.store.data_dir + "/log_offsets",
      [this, pattern_source](size_t pattern, std::string_view line) {
        log_guard_->OnLine(pattern_source[pattern], line, io::EventLoop::Now());
      });
  if (absl::Status s = log_follower_->Start(); !s.ok()) {
    return absl::UnavailableError(core::Message(s));
  }
  core::Log(core::Cat("logs: following ", log_follower_->stats().files, " files of ",
                      patterns.size(), " [[logs]] paths"));
  return absl::OkStatus();
}

absl::Status Daemon::StartBreach() {
  const breach::BreachConfig& c = config_.breach;
  breach_db_ =
      std::make_unique<breach::Database>(c.db.empty() ? config_.store.data_dir + "/breach" : c.db);
  RefreshBreachDatabase();
  if (!breach_db_->available(breach::HashKind::kSha1)) {
    core::Log(core::Cat("breach: no corpus in ", breach_db_->dir(),
                        " yet; `coastguard breach import` fills it (docs/breach.md)"));
  }
  const std::string common =
      c.common_passwords_file.empty() ? breach::kDefaultCommonPasswords : c.common_passwords_file;
  if (absl::Status s = common_passwords_.Load(common); !s.ok()) {
    // The built-in path comes from a package that may be missing: warn. A configured one: stop.
    if (!c.common_passwords_file.empty()) return BadConfig(core::Message(s));
    core::Log(core::Cat("breach: ", core::Message(s),
                        "; password checks go on without the common-password list (install "
                        "john-data)"));
  }
  if (!c.notify_template.empty()) {
    std::ifstream in(c.notify_template, std::ios::binary);
    if (!in) return BadConfig(core::Cat(c.notify_template, ": cannot be read"));
    std::stringstream text;
    text << in.rdbuf();
    notify_template_ = text.str();
  } else {
    notify_template_ = std::string(breach::DefaultNotificationTemplate());
  }
  if (!c.notify_command.empty()) {
    notifier_ = std::make_unique<io::CommandRunner>(loop_, c.notify_command);
  }
  password_checker_ = std::make_unique<breach::PasswordChecker>(
      breach_db_.get(), common_passwords_.size() > 0 ? &common_passwords_ : nullptr,
      breach::PasswordCheckSettings{c.min_length, c.service_words});
  breached_logins_ = std::make_unique<breach::BreachedLogins>(c.max_accounts, store_.seed());
  breach_api_ = std::make_unique<http::BreachApi>(
      *engine_, *breach_db_, *password_checker_, *breached_logins_,
      http::BreachApiSettings{.refuse_on_login = c.on_login == "refuse"});
  breach_api_->set_on_breached(
      [this](const breach::BreachedLogin& login, bool first) { OnBreachedLogin(login, first); });
  return absl::OkStatus();
}

void Daemon::RefreshBreachDatabase() {
  for (const std::string& line : breach_db_->Refresh()) core::Log(line);
}

void Daemon::OnBreachedLogin(const breach::BreachedLogin& login, bool first) {
  const core::Timestamp now = io::EventLoop::Now();
  if (first) {
    // Never the password, nor its hash: the login, where from and how often it was breached.
    core::Log(core::Cat("breach: ", login.login, " logged in with a password seen ",
                        login.breach_count, " times in breaches (from ", login.last_ip, ", ",
                        login.last_service, ")"));
    if (!config_.webhook.url.empty()) {
      webhook_.Post(http::BreachedLoginJson(login));
    }
  }
  const bool due = login.notified == 0 || now - login.notified >= config_.breach.notify_every;
  if (notifier_ == nullptr || !due) return;
  const std::string& service =
      config_.breach.service_words.empty() ? std::string() : config_.breach.service_words.front();
  auto message =
      breach::RenderNotification(notify_template_, login, config_.breach.notify_from, service);
  if (!message) {
    ++notifications_skipped_;
    return;
  }
  // Not started (too many running, or the command is missing): try again at the next login.
  if (!notifier_->Run(std::move(*message))) return;
  ++notifications_;
  breached_logins_->MarkNotified(login.login, now);
}

absl::Status Daemon::StartForms(const std::string& admin_token) {
  forms_ = std::make_unique<forms::FormGuard>(config_.forms,
                                              forms::FormSigningKey(config_.forms, admin_token),
                                              store_.seed(), config_.engine.memory_budget_mb << 20);
  std::string lists_note;
  if (absl::Status s = forms_->LoadLists(&lists_note); !s.ok()) return BadConfig(core::Message(s));
  if (!lists_note.empty()) core::Log(lists_note);
  forms_->set_timeline(&timeline_);
  if (auto learned = store_.ReadSideFile(kFormsLearned); learned.ok()) {
    if (absl::Status s = forms_->ImportLearned(*learned, io::EventLoop::Now()); !s.ok()) {
      // Learning data, not security state: start afresh rather than refuse to start.
      core::Log(core::Cat(config_.store.data_dir, "/", kFormsLearned, ": ", core::Message(s),
                          "; the form guard starts without it"));
    }
  }
  return absl::OkStatus();
}

absl::Status Daemon::StartHttp(const std::string& admin_token) {
  api_ = std::make_unique<http::Api>(
      *engine_, http::ApiSettings{admin_token, config_.dovecot, config_.http.max_body_bytes,
                                  config_.http.slow_request_us});
  api_->set_outbound(outbound_.get());
  api_->set_forms(forms_.get());
  api_->set_breach(breach_api_.get());
  api_->set_metrics(&metrics_);
  api_->set_timeline(&timeline_);
  if (config_.http.console) api_->EnableConsole(console::Assets());
  if (!demo_dir_.empty()) {
#ifdef COASTGUARD_WITH_DEMO
    demo_ = std::make_unique<demo::FormDemo>(*forms_);
    if (absl::Status s = demo_->Load(demo_dir_); !s.ok()) return BadConfig(core::Message(s));
    api_->Mount("/demo", [this](const http::Request& r) { return demo_->Handle(r); });
#else
    return BadConfig("this build has no contact-form demo (COASTGUARD_DEMO=OFF)");
#endif
  }
  http::HttpSettings settings;
  settings.address = http_listen_.host;
  settings.port = http_listen_.port;
  settings.max_body_bytes = config_.http.max_body_bytes;
  settings.max_connections = config_.http.max_connections;
  settings.max_connections_per_client = config_.http.max_connections_per_client;
  settings.idle_timeout = config_.http.idle_timeout;
  http_ = std::make_unique<http::HttpServer>(
      settings, [this](const http::Request& r) { return api_->Handle(r); });
  std::string error;
  if (!http_->Start(loop_, &error)) return absl::UnavailableError(error);
  return absl::OkStatus();
}

absl::Status Daemon::StartPostfix() {
  const postfix::PostfixConfig& c = config_.postfix;
  postfix::PolicyServerSettings settings;
  settings.address.clear();
  settings.unix_path = c.socket;
  settings.max_connections = c.max_connections;
  settings.max_connections_per_client = c.max_connections_per_client;
  settings.idle_timeout = c.idle_timeout;
  settings.request_timeout = c.request_timeout;
  if (postfix_listen_) {
    settings.address = postfix_listen_->host;
    settings.port = postfix_listen_->port;
  }
  postfix_policy_ = std::make_unique<postfix::OutboundPolicy>(*outbound_, c.actions);
  postfix_ = std::make_unique<postfix::PolicyServer>(
      settings, [this](const postfix::PolicyRequest& r, int64_t now) {
        return std::string(postfix_policy_->Decide(r, now));
      });
  if (settings.address.empty() && settings.unix_path.empty()) return absl::OkStatus();
  std::string error;
  if (!postfix_->Start(loop_, &error)) return absl::UnavailableError(error);
  if (!settings.address.empty()) {
    core::Log(core::Cat("Postfix policy on ", settings.address, ":",
                        static_cast<unsigned>(postfix_->port())));
  }
  if (!settings.unix_path.empty())
    core::Log(core::Cat("Postfix policy on unix:", settings.unix_path));
  return absl::OkStatus();
}

void Daemon::RegisterMetrics() {
  metrics_.Add([this](std::string& out, core::Timestamp now) { engine_->AppendMetrics(out, now); });
  // Every table of every guard, under one budget.
  metrics_.Add([this](std::string& out, core::Timestamp) {
    std::vector<core::TableUsage> tables;
    engine_->AppendTables(tables);
    outbound_->AppendTables(tables);
    forms_->AppendTables(tables);
    // Its own cap ([breach] max_accounts) and byte bound, beside the budget's shares.
    tables.push_back({"breached_logins",
                      breached_logins_->size(),
                      breached_logins_->capacity(),
                      breached_logins_->ByteBound(),
                      breached_logins_->MemoryBytes(),
                      breached_logins_->evictions(),
                      {}});
    core::AppendTableMetrics(out, tables);
    io::AppendMemoryMetrics(out, core::TablesMemoryBytes(tables),
                            engine_->config().memory_budget_mb << 20);
  });
  metrics_.Add([this](std::string& out, core::Timestamp) { api_->AppendMetrics(out); });
  metrics_.Add([this](std::string& out, core::Timestamp) {
    if (log_guard_ != nullptr) {
      uint64_t entries = 0;
      for (const auto& journal : journals_) entries += journal->entries();
      core::MetricFamily(out, "coastguard_logs_journal_entries_total", "counter",
                         "Journal entries read from followed units.", static_cast<double>(entries));
      core::MetricFamily(out, "coastguard_logs_attempts_total", "counter",
                         "Login attempts found in followed logs and decided.",
                         static_cast<double>(log_guard_->attempts()));
      core::MetricFamily(out, "coastguard_logs_refused_total", "counter",
                         "Logged attempts the engine would have refused.",
                         static_cast<double>(log_guard_->refused()));
    }
    if (log_follower_ != nullptr) {
      const io::LogFollower::Stats& f = log_follower_->stats();
      core::MetricFamily(out, "coastguard_logs_lines_total", "counter",
                         "Whole lines read from followed logs.", static_cast<double>(f.lines));
      core::MetricFamily(out, "coastguard_logs_rotations_total", "counter",
                         "Followed files renamed away (read to their end first).",
                         static_cast<double>(f.rotations));
      core::MetricFamily(out, "coastguard_logs_truncations_total", "counter",
                         "Followed files emptied in place (copytruncate).",
                         static_cast<double>(f.truncations));
      core::MetricFamily(out, "coastguard_logs_files", "gauge", "Files being followed.",
                         static_cast<double>(f.files));
      core::MetricFamily(out, "coastguard_logs_long_lines_total", "counter",
                         "Lines over 64 KiB, skipped whole.", static_cast<double>(f.long_lines));
    }
    if (firewall_ != nullptr) {
      core::MetricFamily(out, "coastguard_firewall_networks", "gauge",
                         "Networks in the nftables sets.",
                         static_cast<double>(firewall_->drops().installed()));
      core::MetricFamily(out, "coastguard_firewall_spared_total", "counter",
                         "Automatic blocks left out of the firewall: their source has users.",
                         static_cast<double>(firewall_->spared()));
      core::MetricFamily(out, "coastguard_firewall_changes_total", "counter",
                         "Elements added to or deleted from the sets.",
                         static_cast<double>(firewall_->applied()));
      core::MetricFamily(out, "coastguard_firewall_refused_total", "counter",
                         "Networks left out because [firewall] max_networks were held.",
                         static_cast<double>(firewall_->drops().refused()));
      core::MetricFamily(out, "coastguard_firewall_errors_total", "counter",
                         "Elements nftables refused.", static_cast<double>(nftables_->errors()));
    }
  });
  metrics_.Add([this](std::string& out, core::Timestamp) { http_->AppendMetrics(out); });
  metrics_.Add([this](std::string& out, core::Timestamp) { store_.AppendMetrics(out); });
  if (!config_.postfix.listen.empty() || !config_.postfix.socket.empty()) {
    metrics_.Add([this](std::string& out, core::Timestamp) {
      postfix_->AppendMetrics(out);
      postfix_policy_->AppendMetrics(out);
    });
  }
  metrics_.Add([this](std::string& out, core::Timestamp) { forms_->AppendMetrics(out); });
  if (shared_ != nullptr) {
    metrics_.Add([this](std::string& out, core::Timestamp) { shared_->AppendMetrics(out); });
  }
  metrics_.Add([this](std::string& out, core::Timestamp) { outbound_->AppendMetrics(out); });
  if (!config_.webhook.url.empty()) {
    metrics_.Add([this](std::string& out, core::Timestamp) { webhook_.AppendMetrics(out); });
  }
  metrics_.Add([this](std::string& out, core::Timestamp) {
    http::AppendBreachMetrics(
        out, *breach_api_, *breach_db_,
        http::NotificationCounts{notifications_, notifications_skipped_,
                                 notifier_ ? notifier_->stats() : io::CommandRunnerStats{}});
  });
}

absl::StatusOr<bool> Daemon::AgreeSharedSeed(const absl::StatusOr<redis::Endpoint>& server,
                                             const std::string& key) {
  constexpr char kAgreed[] = "shared_seed";  // the seed the nodes agreed on, as last seen
  uint64_t agreed_before = 0;
  auto marker = store_.ReadSideFile(kAgreed);
  const bool known = marker.ok() && marker->size() >= 16 &&
                     redis::ParseSeedHex(std::string_view(marker->data(), 16), &agreed_before);
  absl::StatusOr<uint64_t> agreed =
      server.ok() ? redis::AgreeSeed(*server, key, store_.seed(), core::kSecond) : server.status();
  if (!agreed.ok()) {
    const bool ours = known && agreed_before == store_.seed();
    core::Log(core::Cat("shared: ", core::Message(agreed.status()),
                        ours ? "; this node shares its state once Redis is reachable"
                             : "; this node decides alone until it is restarted with Redis "
                               "reachable"));
    return ours;
  }
  if (*agreed != store_.seed()) {
    core::Log(
        core::Cat("shared: adopting the deployment's hash seed from Redis; the state this "
                  "node kept under its own seed is set aside in ",
                  config_.store.data_dir, " (state.*.seed-*) and learned again"));
    if (absl::Status s = store_.AdoptSeed(*agreed); !s.ok()) return s;
  }
  if (absl::Status s = store_.WriteSideFile(kAgreed, redis::SeedHex(*agreed) + "\n"); !s.ok()) {
    core::Log(core::Message(s));
  }
  return true;
}

void Daemon::SaveFormsLearned() {
  if (absl::Status s = store_.WriteSideFile(kFormsLearned, forms_->ExportLearned()); !s.ok()) {
    core::Log(core::Message(s));
  }
}

void Daemon::Run() {
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.2f", restored_.seconds);
  core::Log(core::Cat("restored ", restored_.familiarity, " familiarity entries, ",
                      restored_.blocks, " blocks, ", restored_.allows, " allow entries, ",
                      restored_.evidence, " accounts' login evidence, ",
                      restored_.outbound_accounts, " accounts' sending counters in ",
                      std::string_view(seconds), "s from ", config_.store.data_dir));
  const std::string& host = http_listen_.host;
  const std::string address = host.find(':') == std::string::npos
                                  ? core::Cat(host, ":", http_->port())
                                  : core::Cat("[", host, "]:", http_->port());
  core::Log(core::Cat("listening on ", address, " (HTTP: Dovecot auth policy, /v1, /metrics)"));
  if (demo_) core::Log(core::Cat("contact-form demo at http://", address, "/demo/"));
  loop_.Run();
  core::Log("stopping");
  if (log_follower_ != nullptr) log_follower_->Save();
  for (auto& journal : journals_) journal->Save();
  if (nftables_ != nullptr) nftables_->Stop();
  SaveFormsLearned();
  store_.Stop();
}

}  // namespace coastguard::server
