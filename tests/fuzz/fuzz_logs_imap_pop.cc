// Log lines of Dovecot, Courier, Cyrus, UW-IMAP, solid-pop3d and Perdition, read by their parsers
// and by auto-detection (log_lines_fuzz.h says what must hold).
#include "log_lines_fuzz.h"

using coastguard::logs::LogFormat;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzLogLines(data, size,
               {LogFormat::kDovecot, LogFormat::kCourier, LogFormat::kCyrus, LogFormat::kUwImap,
                LogFormat::kSolidPop3d, LogFormat::kPerdition});
  return 0;
}
