#include "logs/event_json.h"

#include "core/text.h"

namespace coastguard::logs {

namespace {

// Numbers by core::AppendPiece (std::to_chars) rather than printf, and addresses by hand rather
// than inet_ntop: this runs once per attempt, and printf's format parsing was a third of
// `logs parse`'s time.
void AppendAddress(std::string& out, const core::IpAddress& ip) {
  if (!ip.is_v4()) {
    out += ip.ToString();
    return;
  }
  const auto& b = ip.bytes();
  for (int i = 12; i < 16; ++i) {
    if (i > 12) out.push_back('.');
    core::AppendPiece(out, b[i]);
  }
}

}  // namespace

void AppendEventJson(const LogEvent& event, uint64_t line, std::string& out) {
  const core::Timestamp ts = event.ts < 0 ? 0 : event.ts;
  out += "{\"ts\": ";
  core::AppendPiece(out, static_cast<uint64_t>(ts / core::kSecond));
  char micros[7] = {'0', '0', '0', '0', '0', '0', 0};
  uint64_t m = static_cast<uint64_t>(ts % core::kSecond);
  for (int i = 5; i >= 0; --i, m /= 10) micros[i] = static_cast<char>('0' + m % 10);
  out.push_back('.');
  out.append(micros, 6);
  out += ", \"kind\": \"auth\", \"protocol\": \"";
  out += core::ProtocolName(event.protocol);
  out += "\", \"ip\": \"";
  AppendAddress(out, event.ip);
  out += "\", \"login\": ";
  core::AppendJsonString(out, event.login);
  out += ", \"outcome\": \"";
  out += core::OutcomeName(event.outcome);
  out += "\"";
  if (event.attempts > 1) {
    out += ", \"attempts\": ";
    core::AppendPiece(out, event.attempts);
  }
  out += ", \"line\": ";
  core::AppendPiece(out, line);
  out += ", \"source\": \"";
  out += FormatName(event.source);
  out += "\"}";
}

}  // namespace coastguard::logs
