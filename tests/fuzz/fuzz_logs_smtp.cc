// Log lines of Postfix, Exim, Sendmail, Domino, Kerio, Oracle Messaging and ASSP, read by their
// parsers and by auto-detection (log_lines_fuzz.h says what must hold).
#include "log_lines_fuzz.h"

using coastguard::logs::LogFormat;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzLogLines(data, size,
               {LogFormat::kPostfix, LogFormat::kExim, LogFormat::kSendmail, LogFormat::kDomino,
                LogFormat::kKerio, LogFormat::kOracleMessaging, LogFormat::kAssp});
  return 0;
}
