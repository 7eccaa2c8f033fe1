#include "io/log_follower.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "core/log.h"
#include "core/text.h"

namespace coastguard::io {
namespace {

constexpr size_t kMaxLine = 64 << 10;
constexpr size_t kMaxRetired = 256;
constexpr core::Duration kLeavingGrace = 5 * core::kSecond;
// At most this much per file per turn: a huge backlog cannot hold the loop for long.
constexpr size_t kReadBudget = 4 << 20;

std::string Directory(const std::string& pattern) {
  const size_t slash = pattern.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : pattern.substr(0, slash));
}

}  // namespace

LogFollower::LogFollower(EventLoop& loop, std::vector<std::string> patterns, std::string state_path,
                         OnLine on_line)
    : loop_(loop),
      patterns_(std::move(patterns)),
      state_path_(std::move(state_path)),
      on_line_(std::move(on_line)) {}

LogFollower::~LogFollower() {
  for (auto& [path, file] : files_) Close(file);
  for (auto& file : leaving_) Close(file);
  if (inotify_fd_ >= 0) {
    loop_.Unwatch(inotify_fd_);
    close(inotify_fd_);
  }
}

bool LogFollower::Matches(const char* name) const {
  for (const auto& pattern : patterns_) {
    const size_t slash = pattern.rfind('/');
    const std::string base = slash == std::string::npos ? pattern : pattern.substr(slash + 1);
    if (fnmatch(base.c_str(), name, 0) == 0) return true;
  }
  // A renamed file keeps being read under its new name, whatever that is.
  return !leaving_.empty();
}

void LogFollower::Close(File& file) {
  if (file.fd >= 0) close(file.fd);
  file.fd = -1;
}

void LogFollower::LoadState() {
  std::ifstream in(state_path_);
  std::string line;
  // "inode offset path" per line
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    uint64_t inode = 0;
    uint64_t offset = 0;
    if (!(fields >> inode >> offset)) continue;
    std::string path;
    std::getline(fields, path);
    if (!path.empty() && path[0] == ' ') path.erase(0, 1);
    if (!path.empty()) saved_[path] = Saved{inode, offset, false};
  }
}

std::vector<LogFollower::FileState> LogFollower::Files() const {
  std::vector<FileState> out;
  for (const auto& [path, file] : files_) {
    struct stat st {};
    const uint64_t size = fstat(file.fd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
    out.push_back({path, file.source, file.offset, size});
  }
  return out;
}

void LogFollower::Save() {
  if (!dirty_) return;
  std::string text;
  for (const auto& [path, file] : files_) {
    text += core::Cat(static_cast<uint64_t>(file.inode), " ", file.offset, " ", path, "\n");
  }
  const std::string temp = state_path_ + ".tmp";
  std::FILE* out = std::fopen(temp.c_str(), "wb");
  if (out == nullptr) {
    core::Log(core::Cat("logs: cannot write ", temp, ": ", std::strerror(errno)));
    return;
  }
  const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size();
  const bool flushed = std::fflush(out) == 0 && fsync(fileno(out)) == 0;
  std::fclose(out);
  if (!written || !flushed || std::rename(temp.c_str(), state_path_.c_str()) != 0) {
    core::Log(core::Cat("logs: cannot write ", state_path_, ": ", std::strerror(errno)));
    return;
  }
  dirty_ = false;
}

absl::Status LogFollower::Start() {
  LoadState();
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) {
    return absl::UnavailableError(core::Cat("logs: inotify: ", std::strerror(errno)));
  }
  std::set<std::string> directories;
  for (const auto& p : patterns_) directories.insert(Directory(p));
  for (const auto& d : directories) {
    if (inotify_add_watch(inotify_fd_, d.c_str(),
                          IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE) <
        0) {
      core::Log(core::Cat("logs: cannot watch ", d, ": ", std::strerror(errno),
                          " (checked once a second instead)"));
    }
  }
  loop_.Watch(inotify_fd_, 0x001 /* EPOLLIN */, [this](uint32_t) {
    // A directory such as /var/log changes all the time: only events on names the patterns
    // match wake the follower (the once-a-second check catches anything else).
    alignas(inotify_event) char buffer[16 << 10];
    bool relevant = false;
    ssize_t n;
    while ((n = read(inotify_fd_, buffer, sizeof buffer)) > 0) {
      for (char* p = buffer; p < buffer + n;) {
        const auto* e = reinterpret_cast<const inotify_event*>(p);  // NOLINT: the kernel's layout
        if (e->len == 0 || Matches(e->name)) relevant = true;
        p += sizeof(inotify_event) + e->len;
      }
    }
    if (relevant) Poll();
  });
  Discover(/*at_start=*/true);
  for (auto& [path, file] : files_) Drain(file);
  return absl::OkStatus();
}

bool LogFollower::Open(const std::string& path, size_t source, bool from_end, File* file) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return false;
  }
  for (const auto& [other_path, other] : files_) {
    if (other.inode == st.st_ino && other.dev == st.st_dev) {
      close(fd);  // the same file under two names: followed once
      return false;
    }
  }
  file->source = source;
  file->fd = fd;
  file->dev = st.st_dev;
  file->inode = st.st_ino;
  file->offset = 0;
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  const auto retired = retired_.find({static_cast<uint64_t>(st.st_dev), st.st_ino});
  // The last run's record of this file, found by inode whatever its name is now (a glob that
  // matches "mail.log.1" may meet the old "mail.log" there first).
  auto by_inode = saved_.end();
  for (auto it = saved_.begin(); it != saved_.end(); ++it) {
    if (it->second.first == st.st_ino && !it->second.consumed) by_inode = it;
  }
  const auto by_path = saved_.find(path);
  if (retired != retired_.end()) {
    // Read before under another name (a rotated file the glob also matches).
    file->offset = std::min<uint64_t>(retired->second, size);
  } else if (by_inode != saved_.end()) {
    file->offset = by_inode->second.offset <= size ? by_inode->second.offset : 0;
    by_inode->second.consumed = true;  // where the last run stopped
  } else if (by_path != saved_.end()) {
    // The path held another file last time: rotated while the daemon was down. The old file's
    // rest first (found by inode in the directory), then this one from its start.
    if (!by_path->second.consumed) {
      by_path->second.consumed = true;
      CatchUp(path, by_path->second.first, by_path->second.offset, source);
    }
  } else if (from_end) {
    file->offset = size;
  }
  dirty_ = true;
  return true;
}

void LogFollower::CatchUp(const std::string& path, uint64_t inode, uint64_t offset, size_t source) {
  const std::string dir = Directory(path);
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return;
  std::string found;
  while (const dirent* e = readdir(d)) {
    if (e->d_ino == inode) {
      found = dir + "/" + e->d_name;
      break;
    }
  }
  closedir(d);
  if (found.empty()) return;
  for (const auto& [other_path, other] : files_) {
    if (other.inode == inode) return;  // followed under its new name already, from its offset
  }
  File old;
  const int fd = open(found.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0 || st.st_ino != inode ||
      offset > static_cast<uint64_t>(st.st_size)) {
    if (fd >= 0) close(fd);
    return;
  }
  old.fd = fd;
  old.source = source;
  old.dev = st.st_dev;
  old.inode = st.st_ino;
  old.offset = offset;
  // Read before the loop runs (startup), whole.
  Drain(old, /*to_end=*/true);
  Finish(old);
  ++stats_.rotations;
}

void LogFollower::Retire(const File& file) {
  const std::pair<uint64_t, uint64_t> key{static_cast<uint64_t>(file.dev),
                                          static_cast<uint64_t>(file.inode)};
  if (!retired_.contains(key)) {
    if (retired_order_.size() >= kMaxRetired) {
      retired_.erase(retired_order_.front());
      retired_order_.erase(retired_order_.begin());
    }
    retired_order_.push_back(key);
  }
  retired_[key] = file.offset;
}

void LogFollower::Discover(bool at_start) {
  for (size_t i = 0; i < patterns_.size(); ++i) {
    glob_t g{};
    if (glob(patterns_[i].c_str(), GLOB_NOSORT, nullptr, &g) == 0) {
      for (size_t k = 0; k < g.gl_pathc; ++k) {
        const std::string path = g.gl_pathv[k];
        if (files_.contains(path)) continue;
        File file;
        if (Open(path, i, at_start, &file)) files_.emplace(path, std::move(file));
      }
    }
    globfree(&g);
  }
  stats_.files = files_.size();
}

void LogFollower::Drain(File& file, bool to_end) {
  char buffer[64 << 10];
  size_t budget = kReadBudget;
  while (budget > 0 || to_end) {
    // `offset` counts the bytes handed over or skipped; `partial` the ones read after them.
    const ssize_t n = pread(file.fd, buffer, sizeof buffer,
                            static_cast<off_t>(file.offset + file.partial.size()));
    if (n <= 0) break;
    budget -= std::min(budget, static_cast<size_t>(n));
    stats_.bytes += static_cast<uint64_t>(n);
    file.last_data = EventLoop::Now();
    std::string_view chunk(buffer, static_cast<size_t>(n));
    while (!chunk.empty()) {
      const size_t newline = chunk.find('\n');
      if (file.skipping) {
        // Inside a line longer than any log line: its bytes are passed over, not kept.
        if (newline == std::string_view::npos) {
          file.offset += chunk.size();
          break;
        }
        file.offset += newline + 1;
        file.skipping = false;
        chunk.remove_prefix(newline + 1);
        continue;
      }
      if (newline == std::string_view::npos) {
        if (file.partial.size() + chunk.size() > kMaxLine) {
          file.offset += file.partial.size() + chunk.size();
          file.partial.clear();
          ++stats_.long_lines;
          file.skipping = true;
        } else {
          file.partial.append(chunk);
        }
        break;
      }
      const std::string_view piece = chunk.substr(0, newline);
      std::string_view line = piece;
      if (!file.partial.empty()) {
        file.partial.append(piece);
        line = file.partial;
      }
      file.offset += line.size() + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++stats_.lines;
      on_line_(file.source, line);
      file.partial.clear();
      chunk.remove_prefix(newline + 1);
    }
    dirty_ = true;
  }
  if (budget == 0 && !to_end) loop_.Soon([this] { Poll(); });
}

void LogFollower::Finish(File& file) {
  // A last line with no newline will never get one now: it is whole.
  if (!file.partial.empty() && !file.skipping) {
    ++stats_.lines;
    on_line_(file.source, file.partial);
    file.offset += file.partial.size();
    file.partial.clear();
  }
  Retire(file);
  Close(file);
}

void LogFollower::Poll() {
  // Files renamed away are read for a while more: the writer appends to them until it reopens
  // its log (logrotate's postrotate, `doveadm log reopen`).
  const core::Timestamp now = EventLoop::Now();
  for (auto it = leaving_.begin(); it != leaving_.end();) {
    Drain(*it);
    if (now - it->last_data > kLeavingGrace) {
      Finish(*it);
      it = leaving_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = files_.begin(); it != files_.end();) {
    File& file = it->second;
    struct stat st {};
    const bool exists = stat(it->first.c_str(), &st) == 0;
    if (!exists || st.st_ino != file.inode || st.st_dev != file.dev) {
      // Renamed away (or deleted): its last lines come before the new file's first, so it is
      // read now, and again until it has been quiet for a while; the path is opened afresh
      // below if it is back.
      Drain(file);
      ++stats_.rotations;
      file.last_data = now;
      Retire(file);  // a glob matching its new name must not read it again
      leaving_.push_back(std::move(file));
      it = files_.erase(it);
      dirty_ = true;
      continue;
    }
    if (static_cast<uint64_t>(st.st_size) < file.offset) {
      // copytruncate: the file was emptied in place.
      file.offset = 0;
      file.partial.clear();
      ++stats_.truncations;
      dirty_ = true;
    }
    Drain(file);
    ++it;
  }
  Discover(/*at_start=*/false);
  for (auto& [path, file] : files_) Drain(file);
}

}  // namespace coastguard::io
