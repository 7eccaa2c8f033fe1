#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "logs/follow_config.h"
#include "logs/log_parser.h"
#include "policy/engine.h"

namespace coastguard::logs {

// The log guard: the login attempts of followed logs, through the same engine as the hooked
// servers' requests. The login already happened, so each is reported with its outcome whatever
// the engine thinks of it; what the engine concludes (blocks on sources and prefixes) is what
// acts, through the firewall.
class LogGuard {
 public:
  LogGuard(const std::vector<LogSource>& sources, policy::Engine& engine, core::Timestamp started);

  // One whole line of source `source`, seen at `now` (live traffic is stamped with the clock).
  void OnLine(size_t source, std::string_view line, core::Timestamp now);

  uint64_t attempts() const { return attempts_; }
  uint64_t refused() const { return refused_; }  // attempts the engine would have refused
  const LogParser& parser(size_t source) const { return *parsers_[source]; }
  size_t sources() const { return parsers_.size(); }

 private:
  policy::Engine& engine_;
  std::vector<std::unique_ptr<LogParser>> parsers_;
  uint64_t attempts_ = 0;
  uint64_t refused_ = 0;
};

}  // namespace coastguard::logs
