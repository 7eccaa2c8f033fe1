#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "logs/line_header.h"
#include "logs/log_event.h"

// One parser per server (log_parser.h picks them). Internal to the logs module.
namespace coastguard::logs::parsers {

// What Dovecot's auth process said about a session's attempts (auth_verbose lines), waiting for
// the login process's line that ends the session. Bounded: the oldest sessions are forgotten.
class DovecotSessions {
 public:
  void Record(std::string_view session, core::Outcome outcome);
  // The session's outcome if its auth lines said one (and forgets the session).
  std::optional<core::Outcome> Take(std::string_view session);
  size_t size() const { return outcomes_.size(); }

 private:
  static constexpr size_t kMaxSessions = 1 << 16;
  absl::flat_hash_map<std::string, core::Outcome> outcomes_;
  std::vector<std::string> order_;  // ring of keys, oldest first from `next_`
  size_t next_ = 0;
};

struct State {
  DovecotSessions dovecot;
  Clock* clock = nullptr;  // for the few formats that write their timestamp inside the line
};

// Each returns true and fills `out` (all but source, and ts unless the timestamp is inside the
// line) if the line is a login attempt in its server's log; false for every other line.
bool Dovecot(const LineHeader& h, State& state, LogEvent* out);
bool Postfix(const LineHeader& h, State& state, LogEvent* out);
bool Exim(const LineHeader& h, State& state, LogEvent* out);
bool Courier(const LineHeader& h, State& state, LogEvent* out);
bool Cyrus(const LineHeader& h, State& state, LogEvent* out);
bool Sendmail(const LineHeader& h, State& state, LogEvent* out);
bool UwImap(const LineHeader& h, State& state, LogEvent* out);
bool SolidPop3d(const LineHeader& h, State& state, LogEvent* out);
bool Perdition(const LineHeader& h, State& state, LogEvent* out);
bool Domino(const LineHeader& h, State& state, LogEvent* out);
bool Kerio(const LineHeader& h, State& state, LogEvent* out);
bool OracleMessaging(const LineHeader& h, State& state, LogEvent* out);
bool Assp(const LineHeader& h, State& state, LogEvent* out);
bool Roundcube(const LineHeader& h, State& state, LogEvent* out);
bool Horde(const LineHeader& h, State& state, LogEvent* out);
bool SquirrelMail(const LineHeader& h, State& state, LogEvent* out);
bool Sogo(const LineHeader& h, State& state, LogEvent* out);
bool OpenWebMail(const LineHeader& h, State& state, LogEvent* out);
bool Tine20(const LineHeader& h, State& state, LogEvent* out);
bool GroupOffice(const LineHeader& h, State& state, LogEvent* out);

}  // namespace coastguard::logs::parsers
