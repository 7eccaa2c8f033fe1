#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "io/event_loop.h"

namespace coastguard::io {

// Follows log files as `tail -F` does, for the log guard: inotify on their directories wakes
// it when a file grows, appears or is renamed, and a once-a-second check catches the rest.
// Survives rotation by rename (the old file is read to its end before the new one) and by
// copytruncate (a file that shrank is read again from its start). Each file's inode and offset
// are kept in `state_path`, so that a restart neither reads a line twice nor skips one: a file
// rotated while the daemon was down is found by its inode in the same directory and read to
// its end, then the new file from its start. A path never seen before is read from its end at
// startup (history is not replayed), from its start when it appears later (a rotation's new
// file). A file already read under another name (a glob that also matches "mail.log.1") is
// never read again. A line is handed over only once whole.
class LogFollower {
 public:
  // `source`: the index of the pattern the file matched.
  using OnLine = std::function<void(size_t source, std::string_view line)>;

  LogFollower(EventLoop& loop, std::vector<std::string> patterns, std::string state_path,
              OnLine on_line);
  ~LogFollower();
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;

  absl::Status Start();
  // Reads what is new in every file; finds new files and rotations. Called by the loop.
  void Poll();
  // Writes the offsets (atomically: a temporary file renamed into place).
  void Save();

  struct Stats {
    uint64_t lines = 0;
    uint64_t bytes = 0;
    uint64_t rotations = 0;
    uint64_t truncations = 0;
    uint64_t long_lines = 0;  // over 64 KiB, dropped whole
    size_t files = 0;
  };
  const Stats& stats() const { return stats_; }

  // Each followed file: how far it is read and how big it is now (one fstat per file).
  struct FileState {
    std::string path;
    size_t source = 0;
    uint64_t offset = 0;
    uint64_t size = 0;
  };
  std::vector<FileState> Files() const;

 private:
  struct File {
    size_t source = 0;
    int fd = -1;
    dev_t dev = 0;
    ino_t inode = 0;
    uint64_t offset = 0;  // bytes handed over (whole lines) or skipped
    std::string partial;  // the unfinished last line
    bool skipping = false;
    int64_t last_data = 0;  // when bytes last came (a renamed file is read until quiet)
  };
  void Discover(bool at_start);
  bool Open(const std::string& path, size_t source, bool from_end, File* file);
  void Drain(File& file, bool to_end = false);
  void Close(File& file);
  // True if an inotify event on `name` may concern a followed file.
  bool Matches(const char* name) const;
  // Hands over an unfinished last line, remembers the file as read, closes it.
  void Finish(File& file);
  void LoadState();
  // A file rotated away while the daemon was down: read from `offset` to its end.
  void CatchUp(const std::string& path, uint64_t inode, uint64_t offset, size_t source);
  // Remembers where a file that left its path was read to (bounded).
  void Retire(const File& file);

  EventLoop& loop_;
  std::vector<std::string> patterns_;
  std::string state_path_;
  OnLine on_line_;
  int inotify_fd_ = -1;
  std::map<std::string, File> files_;  // by path
  struct Saved {
    uint64_t first = 0;  // inode
    uint64_t offset = 0;
    bool consumed = false;  // its file was found (by inode) or caught up
  };
  std::map<std::string, Saved> saved_;  // the last run's files, by path
  // Files that left their path, by (device, inode): how far they were read, so that a glob
  // matching their new name does not read them again. The oldest are forgotten.
  std::map<std::pair<uint64_t, uint64_t>, uint64_t> retired_;
  std::vector<std::pair<uint64_t, uint64_t>> retired_order_;
  std::vector<File> leaving_;  // renamed away, still read until quiet
  Stats stats_;
  bool dirty_ = false;
};

}  // namespace coastguard::io
