#include "logs/log_guard.h"

namespace coastguard::logs {

LogGuard::LogGuard(const std::vector<LogSource>& sources, policy::Engine& engine,
                   core::Timestamp started)
    : engine_(engine) {
  for (const LogSource& s : sources) {
    parsers_.push_back(std::make_unique<LogParser>(s.format, Clock(0, started)));
    parsers_.back()->set_stamped_by_caller(true);
  }
}

void LogGuard::OnLine(size_t source, std::string_view line, core::Timestamp now) {
  LogEvent event;
  if (source >= parsers_.size() || !parsers_[source]->Parse(line, &event)) return;
  core::AuthAttempt attempt;
  attempt.ts = now;
  attempt.protocol = event.protocol;
  attempt.ip = event.ip;
  attempt.login = event.login;
  for (uint32_t i = 0; i < event.attempts; ++i) {
    ++attempts_;
    const core::Verdict verdict = engine_.CheckLogged(attempt, event.outcome);
    if (verdict.action == core::Action::kReject) ++refused_;
  }
}

}  // namespace coastguard::logs
