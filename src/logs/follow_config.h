#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/text.h"
#include "logs/log_event.h"

namespace coastguard::logs {

// One [[logs]] entry: a log file (or glob) that `serve` follows, and its format.
struct LogSource {
  std::string path;
  LogFormat format = LogFormat::kAuto;
};

struct LogsConfig {
  std::vector<LogSource> sources;
};

template <typename V>
void DescribeSettings(V& v, LogsConfig& c) {
  v.Table("");
  v.Entries("logs", [&c](auto& entry) -> absl::Status {
    LogSource source;
    std::string format = "auto";
    entry.Text("path", source.path);
    entry.Text("format", format);
    if (source.path.empty()) return core::InvalidInput("a [[logs]] entry needs path = \"...\"");
    const auto parsed = ParseFormatName(format);
    if (!parsed) return core::InvalidInput(core::Cat("unknown log format '", format, "'"));
    source.format = *parsed;
    c.sources.push_back(std::move(source));
    return absl::OkStatus();
  });
}

}  // namespace coastguard::logs
