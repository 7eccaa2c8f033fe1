#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/text.h"
#include "logs/log_event.h"

namespace coastguard::logs {

// One [[logs]] entry: a log file (or glob), or a systemd unit's journal, that `serve` follows,
// and its format.
struct LogSource {
  std::string path;
  std::string journal;            // a unit: "dovecot.service"
  std::string journal_directory;  // "": the machine's journal; else journal files there
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
    entry.Text("journal", source.journal);
    entry.Text("journal_directory", source.journal_directory);
    entry.Text("format", format);
    if (source.path.empty() == source.journal.empty()) {
      return core::InvalidInput(
          "a [[logs]] entry needs either path = \"...\" or journal = \"unit.service\"");
    }
    const auto parsed = ParseFormatName(format);
    if (!parsed) return core::InvalidInput(core::Cat("unknown log format '", format, "'"));
    source.format = *parsed;
    c.sources.push_back(std::move(source));
    return absl::OkStatus();
  });
}

}  // namespace coastguard::logs
