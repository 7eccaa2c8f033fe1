#pragma once

#include <cstdint>
#include <string>

#include "logs/log_event.h"

namespace coastguard::logs {

// The replay contract's auth line for an attempt read from a log, plus where it was read:
// {"ts": 1795857464.088317, "kind": "auth", "protocol": "imap", "ip": "203.0.113.9",
//  "login": "alice@example.com", "outcome": "bad_password", "line": 12, "source": "dovecot"}
// with "attempts": N before "line" when the line stands for more than one. No newline. `coastguard
// replay` reads it as any other event line (docs/replay.md).
void AppendEventJson(const LogEvent& event, uint64_t line, std::string& out);

}  // namespace coastguard::logs
