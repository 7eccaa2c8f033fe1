#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/time.h"

namespace coastguard::io {

class EventLoop;

struct CommandRunnerStats {
  uint64_t started = 0;
  uint64_t succeeded = 0;  // exited 0
  uint64_t failed = 0;     // could not start, exited non-zero, or was killed
  uint64_t dropped = 0;    // refused: max_running were already running
  uint64_t killed = 0;     // still running after the timeout (counted in failed too)
};

// Runs a command (argv, no shell) with `input` on its standard input, without waiting for it:
// the input goes through a non-blocking pipe the loop drains, children are reaped once a
// second, and their failures are logged and counted. For the breach guard's notification
// mail through sendmail. Loop thread.
class CommandRunner {
 public:
  CommandRunner(EventLoop& loop, std::vector<std::string> argv, size_t max_running = 16,
                core::Duration timeout = core::kMinute);
  ~CommandRunner();
  CommandRunner(const CommandRunner&) = delete;
  CommandRunner& operator=(const CommandRunner&) = delete;

  // False when the command could not start, or max_running are still running.
  bool Run(std::string input);
  const CommandRunnerStats& stats() const { return stats_; }

 private:
  struct Child {
    pid_t pid = -1;
    core::Timestamp started = 0;
    int fd = -1;  // its stdin, while input remains
    std::string input;
    size_t written = 0;
  };
  void WriteInput(Child& child);
  void CloseInput(Child& child);
  void Reap();

  EventLoop& loop_;
  std::vector<std::string> argv_;
  size_t max_running_;
  core::Duration timeout_;
  std::vector<Child> children_;
  CommandRunnerStats stats_;
};

}  // namespace coastguard::io
