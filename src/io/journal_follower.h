#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "io/event_loop.h"

struct sd_journal;

namespace coastguard::io {

// Follows one systemd unit's messages in the journal, through libsystemd: each entry is handed
// over as a syslog-style line, "IDENTIFIER[PID]: MESSAGE", which the log parsers read as they
// read a syslog file. The journal's cursor is kept in `cursor_path`, so that a restart neither
// reads an entry twice nor skips one; with no cursor yet it starts at the end (history is not
// replayed). `directory` empty: the machine's journal; else journal files in that directory.
class JournalFollower {
 public:
  using OnLine = std::function<void(std::string_view line)>;

  JournalFollower(EventLoop& loop, std::string unit, std::string directory, std::string cursor_path,
                  OnLine on_line);
  ~JournalFollower();
  JournalFollower(const JournalFollower&) = delete;
  JournalFollower& operator=(const JournalFollower&) = delete;

  absl::Status Start();
  // Reads the entries that arrived (bounded per call). Called when the journal's fd wakes the
  // loop and once a second.
  void Poll();
  void Save();

  uint64_t entries() const { return entries_; }
  const std::string& unit() const { return unit_; }

 private:
  EventLoop& loop_;
  std::string unit_;
  std::string directory_;
  std::string cursor_path_;
  OnLine on_line_;
  sd_journal* journal_ = nullptr;
  int fd_ = -1;
  std::string cursor_;
  bool dirty_ = false;
  uint64_t entries_ = 0;
  std::string line_;
};

}  // namespace coastguard::io
