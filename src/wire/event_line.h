#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/auth_event.h"
#include "core/verdict.h"

namespace coastguard::wire {

// The event line of the replay contract (docs/replay.md), in one place: replay reads files of
// them, the native API (/v1/auth/check, /v1/auth/report) reads bodies of the same shape, and
// both answer with the same decision line.

// "form" lines are read by wire::FormCheckParser; this parser takes their ts and label.
enum class EventKind : uint8_t { kAuth, kMail, kForm };

// A "mail" line: one message submitted by an authenticated account.
struct MailFields {
  std::string_view sasl_user;
  std::string_view sender;
  std::vector<std::string_view> recipients;
  uint64_t size = 0;
};

// One line of the replay contract (docs/replay.md), decoded. Views point into the parser and
// stay valid until its next Parse call.
struct Event {
  EventKind kind = EventKind::kAuth;
  core::AuthAttempt attempt;
  core::Outcome outcome = core::Outcome::kBadPassword;
  bool has_outcome = false;
  std::string_view label;
  // Auth lines from `coastguard logs parse`: how many attempts the log line stood for (a
  // Dovecot summary of a connection's tries); replay decides them one after the other.
  uint32_t attempts = 1;
  MailFields mail;  // kind == kMail; attempt.ts and attempt.ip hold its time and client
};

// Parses replay lines and native-API bodies with simdjson On-Demand. One per thread; reusing
// it keeps its buffers warm (measured ~0.2 µs per 356-byte document).
class EventParser {
 public:
  // `line` needs wire::kPadding readable bytes after it when `padded` is true (as in
  // a file buffer); otherwise it is copied into an internal padded buffer first.
  // `require_outcome`: replay lines need one, /v1/auth/check bodies do not.
  absl::Status Parse(std::string_view line, bool padded, bool require_outcome, Event* out);
  // The line's ts alone (a replay paced to the clock waits for it before deciding the line).
  absl::StatusOr<core::Timestamp> ReadTime(std::string_view line, bool padded);

 private:
  simdjson::ondemand::parser parser_;
  simdjson::padded_string copy_;
};

// The decision line of an auth or mail event, no newline (also the native API's check reply):
// {"verdict": "reject", "delay_ms": 0, "reasons": ["blocked_ip", "ip_guessing"]}
void AppendDecisionLine(const core::Verdict& verdict, std::string& out);

}  // namespace coastguard::wire
