#pragma once

// What the log parser families' fuzz targets share: the input is split into lines (so that
// Dovecot's session state is exercised across them) and read by each given format and by
// auto-detection. An attempt always has a login and a sane attempt count, and no parser
// throws (production catches and counts it; here it is a finding).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <string_view>

#include "logs/log_parser.h"

inline void FuzzLogLines(const uint8_t* data, size_t size,
                         std::initializer_list<coastguard::logs::LogFormat> formats) {
  using coastguard::logs::LogFormat;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto run = [&](LogFormat format) {
    coastguard::logs::LogParser parser(format, coastguard::logs::Clock(0, 1'795'771'064'000'000));
    coastguard::logs::LogEvent event;
    size_t start = 0;
    while (start <= input.size()) {
      size_t end = input.find('\n', start);
      if (end == std::string_view::npos) end = input.size();
      if (parser.Parse(input.substr(start, end - start), &event)) {
        if (event.login.empty() || event.attempts == 0 || event.attempts > 1000) std::abort();
      }
      start = end + 1;
    }
    if (parser.failed() != 0) std::abort();
  };
  run(LogFormat::kAuto);
  for (const LogFormat format : formats) run(format);
}
