#include "io/command_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/log.h"
#include "core/text.h"
#include "io/event_loop.h"

extern char** environ;

namespace coastguard::io {

CommandRunner::CommandRunner(EventLoop& loop, std::vector<std::string> argv, size_t max_running,
                             core::Duration timeout)
    : loop_(loop), argv_(std::move(argv)), max_running_(max_running), timeout_(timeout) {
  loop_.Every(core::kSecond, [this] { Reap(); });
}

CommandRunner::~CommandRunner() {
  for (Child& child : children_) CloseInput(child);
}

bool CommandRunner::Run(std::string input) {
  Reap();
  if (argv_.empty()) return false;
  if (children_.size() >= max_running_) {
    ++stats_.dropped;
    core::Log(core::Cat("command ", argv_[0], ": ", max_running_, " still running; one dropped"));
    return false;
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    ++stats_.failed;
    core::Log(core::Cat("command ", argv_[0], ": pipe: ", std::strerror(errno)));
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
  std::vector<char*> args;
  for (std::string& arg : argv_) args.push_back(arg.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  const int error = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[0]);
  if (error != 0) {
    ::close(pipe_fds[1]);
    ++stats_.failed;
    core::Log(core::Cat("command ", argv_[0], ": cannot start: ", std::strerror(error)));
    return false;
  }
  ++stats_.started;
  ::fcntl(pipe_fds[1], F_SETFL, ::fcntl(pipe_fds[1], F_GETFL) | O_NONBLOCK);
  children_.push_back(Child{pid, EventLoop::Now(), pipe_fds[1], std::move(input), 0});
  WriteInput(children_.back());
  return true;
}

void CommandRunner::WriteInput(Child& child) {
  while (child.fd >= 0 && child.written < child.input.size()) {
    const ssize_t n =
        ::write(child.fd, child.input.data() + child.written, child.input.size() - child.written);
    if (n > 0) {
      child.written += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      // The pipe is full: go on when the child has read some.
      const pid_t pid = child.pid;
      loop_.Watch(child.fd, EPOLLOUT, [this, pid](uint32_t) {
        for (Child& c : children_) {
          if (c.pid == pid) WriteInput(c);
        }
      });
      return;
    }
    break;  // EPIPE: the child exited early; Reap() reports it
  }
  CloseInput(child);
}

void CommandRunner::CloseInput(Child& child) {
  if (child.fd < 0) return;
  loop_.Unwatch(child.fd);
  ::close(child.fd);
  child.fd = -1;
  child.input.clear();
}

void CommandRunner::Reap() {
  for (size_t i = 0; i < children_.size();) {
    int status = 0;
    pid_t done = ::waitpid(children_[i].pid, &status, WNOHANG);
    if (done == 0 && EventLoop::Now() - children_[i].started > timeout_) {
      // A hung command would hold its slot for ever: end it, and count it as failed.
      ::kill(children_[i].pid, SIGKILL);
      done = ::waitpid(children_[i].pid, &status, 0);
      ++stats_.killed;
    }
    if (done == 0) {
      ++i;
      continue;
    }
    if (done > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      ++stats_.succeeded;
    } else {
      ++stats_.failed;
      core::Log(core::Cat("command ", argv_[0], " failed (",
                          done > 0 && WIFEXITED(status)
                              ? core::Cat("exit status ", WEXITSTATUS(status))
                              : std::string("killed or lost"),
                          ")"));
    }
    CloseInput(children_[i]);
    children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

}  // namespace coastguard::io
