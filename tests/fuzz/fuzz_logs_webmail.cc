// Log lines of Roundcube, Horde, SquirrelMail, SOGo, OpenWebMail, Tine 2.0 and Group-Office, read
// by their parsers and by auto-detection (log_lines_fuzz.h says what must hold).
#include "log_lines_fuzz.h"

using coastguard::logs::LogFormat;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzLogLines(
      data, size,
      {LogFormat::kRoundcube, LogFormat::kHorde, LogFormat::kSquirrelMail, LogFormat::kSogo,
       LogFormat::kOpenWebMail, LogFormat::kTine20, LogFormat::kGroupOffice});
  return 0;
}
