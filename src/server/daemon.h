#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "breach/breached_logins.h"
#include "breach/database.h"
#include "breach/password_check.h"
#include "config/config.h"
#include "core/metrics_text.h"
#include "forms/form_guard.h"
#include "history/timeline.h"
#include "http/api.h"
#include "http/breach_api.h"
#include "http/http_server.h"
#include "http/webhook.h"
#include "io/command_runner.h"
#include "io/event_loop.h"
#include "io/host_port.h"
#include "io/journal_follower.h"
#include "io/log_follower.h"
#include "logs/log_guard.h"
#include "nft/firewall_sink.h"
#include "nft/nftables.h"
#include "policy/engine.h"
#include "policy/outbound.h"
#include "policy/state_sink.h"
#include "postfix/outbound_policy.h"
#include "postfix/policy_server.h"
#include "redis/shared_state.h"
#include "store/state_store.h"

namespace coastguard::demo {
class FormDemo;
}

namespace coastguard::server {

// The running daemon: owns every component, in the order they start (and stop in reverse),
// hands each its own settings and connects them. No decisions and no wire formats here.
//
//   store (data dir, lock, seed)  ->  engine (restored from the store)  ->  form guard
//   -> outbound guard  ->  webhook  ->  breach guard  ->  HTTP API and server
//   ->  Postfix policy server  ->  log guard (followed logs; nftables beside the store)
//
// Single-threaded: everything runs on the one event loop; Stop() may be called from a signal.
class Daemon {
 public:
  // `demo_dir`: serve the contact-form demo from there ("" = no demo).
  Daemon(config::Config config, std::string demo_dir);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Everything that can fail at startup. InvalidArgument: the configuration is unusable (exit
  // 2); anything else: the machine refused (exit 1).
  absl::Status Start();
  // Serves until Stop(), then saves what must outlive the process.
  void Run();
  void Stop() { loop_.Stop(); }

 private:
  absl::Status StartForms(const std::string& admin_token);
  absl::Status StartBreach();
  void OnBreachedLogin(const breach::BreachedLogin& login, bool first);
  void RefreshBreachDatabase();
  absl::Status StartHttp(const std::string& admin_token);
  absl::Status StartPostfix();
  void StartFirewall();
  absl::Status StartLogs();
  void RegisterMetrics();
  void SaveFormsLearned();
  // Makes the store's seed the one the nodes sharing state agreed on, through Redis (once, at
  // startup). True when it is (now or when last seen): this node may propose it again.
  // `server` is where the seed key lives, or why it could not be found.
  absl::StatusOr<bool> AgreeSharedSeed(const absl::StatusOr<redis::Endpoint>& server,
                                       const std::string& key);

  config::Config config_;
  std::string demo_dir_;
  io::HostPort http_listen_;
  std::optional<io::HostPort> postfix_listen_;
  io::EventLoop loop_;
  store::StateStore store_;
  store::LoadStats restored_;
  store::SnapshotSources snapshot_;
  std::unique_ptr<policy::Engine> engine_;
  std::unique_ptr<policy::LoggingSink> sink_;
  std::unique_ptr<redis::SharedState> shared_;  // in front of sink_, with [shared]
  std::unique_ptr<nft::Nftables> nftables_;
  std::unique_ptr<nft::FirewallSink> firewall_;  // between the log line and the store
  std::unique_ptr<logs::LogGuard> log_guard_;
  std::unique_ptr<io::LogFollower> log_follower_;
  std::vector<std::unique_ptr<io::JournalFollower>> journals_;
  std::unique_ptr<forms::FormGuard> forms_;
  std::unique_ptr<policy::Outbound> outbound_;
  http::Webhook webhook_;
  std::unique_ptr<breach::Database> breach_db_;
  breach::CommonPasswords common_passwords_;
  std::unique_ptr<breach::PasswordChecker> password_checker_;
  std::unique_ptr<breach::BreachedLogins> breached_logins_;
  std::unique_ptr<http::BreachApi> breach_api_;
  std::unique_ptr<io::CommandRunner> notifier_;
  std::string notify_template_;
  uint64_t notifications_ = 0;
  uint64_t notifications_skipped_ = 0;  // marked accounts whose login is no mail address
  history::Timeline timeline_;          // the console's recent past: verdicts per minute, top lists
  core::MetricsRegistry metrics_;
  std::unique_ptr<http::Api> api_;
  std::unique_ptr<demo::FormDemo> demo_;
  std::unique_ptr<http::HttpServer> http_;
  std::unique_ptr<postfix::OutboundPolicy> postfix_policy_;
  std::unique_ptr<postfix::PolicyServer> postfix_;
};

}  // namespace coastguard::server
