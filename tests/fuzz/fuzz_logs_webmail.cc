// Log lines of Roundcube, Horde, SquirrelMail, SOGo, OpenWebMail, Tine 2.0 and Group-Office, read
// by their own parsers and by auto-detection: no crash, no read outside the line, and an attempt
// always has a login and a timestamp. The input is split into lines, so that Dovecot's session
// state is exercised across them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "logs/log_parser.h"

using coastguard::logs::Clock;
using coastguard::logs::LogEvent;
using coastguard::logs::LogFormat;
using coastguard::logs::LogParser;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const LogFormat kFormats[] = {
      LogFormat::kAuto, LogFormat::kRoundcube,   LogFormat::kHorde,  LogFormat::kSquirrelMail,
      LogFormat::kSogo, LogFormat::kOpenWebMail, LogFormat::kTine20, LogFormat::kGroupOffice};
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const LogFormat format : kFormats) {
    LogParser parser(format, Clock(0, 1'795'771'064'000'000));
    LogEvent event;
    size_t start = 0;
    while (start <= input.size()) {
      size_t end = input.find('\n', start);
      if (end == std::string_view::npos) end = input.size();
      if (parser.Parse(input.substr(start, end - start), &event)) {
        if (event.login.empty() || event.attempts == 0 || event.attempts > 1000) std::abort();
      }
      start = end + 1;
    }
    if (parser.failed() != 0) std::abort();  // a parser threw (caught in production)
  }
  return 0;
}
