#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "logs/line_header.h"
#include "logs/log_event.h"
#include "logs/parsers.h"

namespace coastguard::logs {

// Turns log lines into login attempts. One per log source (it remembers what Dovecot's auth
// lines said about a session until the session's summary line). Not thread-safe.
class LogParser {
 public:
  // `format` kAuto: the parser is chosen per line. `clock` dates lines without a year.
  LogParser(LogFormat format, Clock clock) : format_(format), clock_(clock) {
    state_.clock = &clock_;
  }
  LogParser(const LogParser&) = delete;
  LogParser& operator=(const LogParser&) = delete;

  // True and `out` filled if `line` (no newline) is a login attempt; false for every other
  // line (another kind of log line, or one that cannot be read).
  bool Parse(std::string_view line, LogEvent* out);

  // Live lines are stamped by the caller with the clock: a line without a timestamp of its own
  // (a journal's message, a program writing to stderr) is then an attempt like any other.
  void set_stamped_by_caller(bool stamped) { stamped_by_caller_ = stamped; }

  // Lines recognised, by format (index: LogFormat).
  const std::array<uint64_t, kFormatCount>& recognised() const { return recognised_; }
  uint64_t lines() const { return lines_; }
  // Lines with no timestamp the parsers could read, among those that looked like attempts.
  uint64_t undated() const { return undated_; }
  // Lines a parser failed on (a bug, never expected; counted rather than fatal).
  uint64_t failed() const { return failed_; }

 private:
  bool ParseLine(std::string_view line, LogEvent* out);
  bool ParseAs(LogFormat format, const LineHeader& h, LogEvent* out);
  bool ParseAuto(const LineHeader& h, LogEvent* out);

  LogFormat format_;
  Clock clock_;
  parsers::State state_;
  std::array<uint64_t, kFormatCount> recognised_{};
  uint64_t lines_ = 0;
  uint64_t undated_ = 0;
  uint64_t failed_ = 0;
  bool stamped_by_caller_ = false;
};

}  // namespace coastguard::logs
