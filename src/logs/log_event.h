#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/auth_event.h"
#include "core/ip_address.h"
#include "core/time.h"

namespace coastguard::logs {

// The servers whose logs the log guard reads. Each has one parser (logs/*_parsers.cc); kAuto
// picks the parser per line from the line's program tag and shape.
enum class LogFormat : uint8_t {
  kAuto,
  kDovecot,
  kPostfix,
  kExim,
  kCourier,
  kCyrus,
  kSendmail,
  kUwImap,
  kSolidPop3d,
  kPerdition,
  kDomino,
  kKerio,
  kOracleMessaging,
  kAssp,
  kRoundcube,
  kHorde,
  kSquirrelMail,
  kSogo,
  kOpenWebMail,
  kTine20,
  kGroupOffice,
};
inline constexpr int kFormatCount = static_cast<int>(LogFormat::kGroupOffice) + 1;

std::string_view FormatName(LogFormat format);
std::optional<LogFormat> ParseFormatName(std::string_view name);

// The login of a failed attempt whose log line names none (Courier's ESMTP, ASSP, SASL
// mechanisms that fail before a name is read): the source's guessing still counts.
inline constexpr std::string_view kUnnamedLogin = "(unnamed)";

// One login attempt read from a log line: the replay contract's auth event. `login` points into
// the line (valid until the next line is parsed).
struct LogEvent {
  core::Timestamp ts = 0;
  core::Protocol protocol = core::Protocol::kOther;
  core::IpAddress ip;
  std::string_view login;
  core::Outcome outcome = core::Outcome::kFailure;
  LogFormat source = LogFormat::kAuto;
  // Attempts the line stands for: Dovecot's login processes sum up a connection ("auth failed,
  // 3 attempts"); the attempts already seen on that session's auth lines are not counted again.
  uint32_t attempts = 1;
};

}  // namespace coastguard::logs
