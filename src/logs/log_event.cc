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
  // The names of fail2ban's filters, so that a jail's filter can be given as is.
  struct Alias {
    std::string_view name;
    LogFormat format;
  };
  static constexpr Alias kAliases[] = {
      {"postfix-sasl", LogFormat::kPostfix},
      {"courier-auth", LogFormat::kCourier},
      {"courier-smtp", LogFormat::kCourier},
      {"cyrus-imap", LogFormat::kCyrus},
      {"sendmail-auth", LogFormat::kSendmail},
      {"uwimap-auth", LogFormat::kUwImap},
      {"uwimap", LogFormat::kUwImap},
      {"domino-smtp", LogFormat::kDomino},
      {"oracleims", LogFormat::kOracleMessaging},
      {"roundcube-auth", LogFormat::kRoundcube},
      {"sogo-auth", LogFormat::kSogo},
      {"solid-pop3", LogFormat::kSolidPop3d},
      {"solidpop3d", LogFormat::kSolidPop3d},
      {"tine", LogFormat::kTine20},
      {"group-office", LogFormat::kGroupOffice},
  };
  for (const Alias& a : kAliases) {
    if (a.name == name) return a.format;
  }
  return std::nullopt;
}

}  // namespace coastguard::logs
