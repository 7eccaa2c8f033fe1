#include "logs/event_json.h"

#include <cinttypes>
#include <cstdio>

#include "core/text.h"

namespace coastguard::logs {

void AppendEventJson(const LogEvent& event, uint64_t line, std::string& out) {
  char ts[40];
  const int64_t micros = event.ts % core::kSecond;
  std::snprintf(ts, sizeof ts, "%" PRId64 ".%06" PRId64, event.ts / core::kSecond,
                micros < 0 ? -micros : micros);
  out += "{\"ts\": ";
  out += ts;
  out += ", \"kind\": \"auth\", \"protocol\": \"";
  out += core::ProtocolName(event.protocol);
  out += "\", \"ip\": \"";
  out += event.ip.ToString();
  out += "\", \"login\": ";
  core::AppendJsonString(out, event.login);
  out += ", \"outcome\": \"";
  out += core::OutcomeName(event.outcome);
  out += "\", \"line\": ";
  out += std::to_string(line);
  out += ", \"source\": \"";
  out += FormatName(event.source);
  out += "\"}";
}

}  // namespace coastguard::logs
