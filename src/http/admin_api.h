#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "breach/breached_logins.h"
#include "breach/database.h"
#include "history/timeline.h"
#include "http/http_server.h"
#include "io/journal_follower.h"
#include "io/log_follower.h"
#include "logs/log_guard.h"
#include "policy/engine.h"
#include "policy/outbound.h"

namespace coastguard::http {

// The admin API (docs/api.md), all behind the admin token: blocks (/v1/blocks), allow lists
// (/v1/allow), the service's state (/v1/service), what the engine knows of an address or a
// login (/v1/entities/ip/X, /v1/entities/login/X) and the accounts whose mail is held
// (/v1/suspects, /v1/suspects/clear), and for the console the recent past (/v1/history) and the
// parts that feed it (/v1/system). Requests in, engine calls, JSON views of its state out.
// Loop thread.
// The shared state's link, as /v1/service shows it.
struct SharedView {
  std::string node;
  std::string redis;
  std::string link;      // up, connecting, down, seed_mismatch
  std::string topology;  // server, sentinel, cluster
  double lag_ms = 0;
  size_t queued_bytes = 0;
  size_t in_flight = 0;
  size_t servers = 0;  // data servers connected (a Cluster's masters)
};

// The parts /v1/system describes; any may be absent.
struct SystemView {
  const breach::Database* breach = nullptr;
  const io::LogFollower* files = nullptr;
  std::vector<const io::JournalFollower*> journals;
  const logs::LogGuard* log_guard = nullptr;
  std::function<SharedView()> shared;  // unset: a single node
};

class AdminApi {
 public:
  explicit AdminApi(policy::Engine& engine) : engine_(engine) {}
  // Without the outbound guard /v1/suspects lists nobody.
  void set_outbound(const policy::Outbound* outbound) { outbound_ = outbound; }
  // Without the breach guard a login's entity carries no "breach" member.
  void set_breached_logins(const breach::BreachedLogins* logins) { breached_ = logins; }
  // The console's history (/v1/history); without it the history is empty.
  void set_timeline(const history::Timeline* timeline) { timeline_ = timeline; }
  // What /v1/system reports: the breach corpus and the logs being followed.
  void set_system(SystemView view) { system_ = std::move(view); }

  // `path` is the whole path ("/v1/blocks"); 404 for paths it does not serve.
  Response Handle(const Request& request, std::string_view path);

 private:
  Response Blocks(const Request& request);
  Response Allows(const Request& request);
  Response Entity(const Request& request, std::string_view rest);
  Response Suspects(const Request& request);
  Response ClearSuspect(const Request& request);
  Response History(const Request& request);
  Response System(const Request& request);

  policy::Engine& engine_;
  const policy::Outbound* outbound_ = nullptr;
  const breach::BreachedLogins* breached_ = nullptr;
  const history::Timeline* timeline_ = nullptr;
  SystemView system_;
};

// Read-only JSON views of engine state (exposed for tests).
nlohmann::json BlockJson(const policy::BlockKey& key, const policy::Block& block,
                         core::Timestamp now);
nlohmann::json ExplainIp(const policy::Engine& engine, const core::IpAddress& ip,
                         core::Timestamp now);
// Null when the login cannot be canonicalised.
nlohmann::json ExplainLogin(const policy::Engine& engine, std::string_view login,
                            core::Timestamp now);
nlohmann::json ServiceJson(const policy::Engine& engine, core::Timestamp now);

}  // namespace coastguard::http
