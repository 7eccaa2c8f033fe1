#include "logs/log_event.h"

#include <array>

namespace coastguard::logs {
namespace {

constexpr std::array<std::string_view, kFormatCount> kNames = {
    "auto",
    "dovecot",
    "postfix",
    "exim",
    "courier",
    "cyrus",
    "sendmail",
    "uw-imap",
    "solid-pop3d",
    "perdition",
    "domino",
    "kerio",
    "oracle-messaging",
    "assp",
    "roundcube",
    "horde",
    "squirrelmail",
    "sogo",
    "openwebmail",
    "tine20",
    "groupoffice",
};

}  // namespace

std::string_view FormatName(LogFormat format) { return kNames[static_cast<size_t>(format)]; }

std::optional<LogFormat> ParseFormatName(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<LogFormat>(i);
  }
  // The names fail2ban's filters use, so that a jail's filter name can be given as is.
  if (name == "uwimap" || name == "uwimap-auth") return LogFormat::kUwImap;
  if (name == "oracleims") return LogFormat::kOracleMessaging;
  if (name == "solid-pop3" || name == "solidpop3d") return LogFormat::kSolidPop3d;
  if (name == "tine" || name == "tine2.0") return LogFormat::kTine20;
  if (name == "group-office") return LogFormat::kGroupOffice;
  return std::nullopt;
}

}  // namespace coastguard::logs
