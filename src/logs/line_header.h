#pragma once

#include <cstdint>
#include <string_view>

#include "core/time.h"

namespace coastguard::logs {

// Turns the timestamps mail logs carry into microseconds since the epoch. Time zone offsets are
// honoured; a timestamp without one is local time (what syslog and the servers write), and a
// syslog date without a year gets one: the given year, else the year that puts the date at or
// before `reference` (a file's mtime: the lines of a file were written before it was last
// changed, so "Dec 31" in a file changed in January is from the year before).
class Clock {
 public:
  Clock() = default;
  // `year` 0: infer from `reference` (microseconds since the epoch).
  Clock(int year, core::Timestamp reference) : year_(year), reference_(reference) {}

  // Local civil time -> timestamp; the offset is cached per hour (mktime is slow).
  core::Timestamp FromLocal(int year, int month, int day, int hour, int minute, int second);
  // For dates without a year.
  int YearFor(int month, int day);

 private:
  int year_ = 0;
  core::Timestamp reference_ = 0;
  int64_t cached_hour_key_ = -1;
  int64_t cached_offset_s_ = 0;
};

// Seconds since the epoch of a proleptic Gregorian UTC civil time (Howard Hinnant's algorithm).
int64_t UtcSeconds(int year, int month, int day, int hour, int minute, int second);

// The parts of a log line the parsers share:
//   [TAI64N label] [timestamp] [host] program[pid]: message
// The timestamp is RFC 3339 / ISO 8601 (with or without fraction and zone), the syslog
// "Mmm dd hh:mm:ss", Apache's "[27-Nov-2026 09:17:44 +0000]" or daemontools' TAI64N label.
// The host is absent in files a server writes itself ("Nov 27 09:17:44 imap-login: Info: ...").
struct LineHeader {
  bool has_ts = false;
  core::Timestamp ts = 0;
  std::string_view host;
  std::string_view program;     // without "[pid]": "dovecot", "postfix/smtpd", "imap-login"
  std::string_view message;     // after "program[pid]: "; the rest of the line if no program
  std::string_view rest;        // everything after the timestamp
  std::string_view line_start;  // the whole line
};

// Reads the timestamp at the start of `text` if there is one; advances `text` past it and the
// spaces after. False (and `text` unchanged) if it does not start with one.
bool ReadTimestamp(std::string_view& text, Clock& clock, core::Timestamp* ts);

LineHeader SplitHeader(std::string_view line, Clock& clock);

}  // namespace coastguard::logs
