#include "store/journal.h"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "core/text.h"

namespace coastguard::store {
namespace {

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

constexpr uint32_t kMaxRecord = 1 << 20;

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Journal::~Journal() {
  Stop();
  if (fd_ >= 0) close(fd_);
}

absl::Status Journal::Open(const std::string& path) {
  path_ = path;
  fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) return absl::InternalError(core::Cat(path, ": ", std::strerror(errno)));
  const off_t size = lseek(fd_, 0, SEEK_END);
  file_bytes_ = size > 0 ? static_cast<uint64_t>(size) : 0;
  return absl::OkStatus();
}

void Journal::Frame(std::string_view payload, std::string& out) {
  PutU32(out, static_cast<uint32_t>(payload.size()));
  PutU32(out, XXH32(payload.data(), payload.size(), 0));
  out.append(payload);
}

void Journal::Append(std::string_view payload) {
  std::lock_guard<std::mutex> lock(mutex_);
  Frame(payload, pending_);
  ++records_;
}

void Journal::Start(core::Duration interval) {
  flusher_ = std::thread([this, interval] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, std::chrono::microseconds(interval));
      FlushLocked(lock);
    }
  });
}

void Journal::FlushLocked(std::unique_lock<std::mutex>& lock) {
  if (pending_.empty()) return;
  // Lock order is mutex_ then write_mutex_; write_mutex_ is released before mutex_ is taken
  // again, so Truncate (which takes both) cannot deadlock with a flush in progress.
  std::unique_lock<std::mutex> write_lock(write_mutex_);
  writing_.swap(pending_);
  lock.unlock();  // appends go on while the disk works
  const bool ok = WriteAll(fd_, writing_) && fdatasync(fd_) == 0;
  if (ok) {
    file_bytes_ += writing_.size();
    ++syncs_;
  } else {
    ++errors_;
  }
  writing_.clear();
  write_lock.unlock();
  lock.lock();
}

absl::Status Journal::Flush() {
  std::unique_lock<std::mutex> lock(mutex_);
  const uint64_t errors_before = errors_;
  FlushLocked(lock);
  if (errors_ != errors_before) {
    return absl::InternalError(core::Cat(path_, ": write failed: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

void Journal::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!flusher_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  flusher_.join();
  Flush().IgnoreError();
}

absl::Status Journal::Truncate() {
  if (fd_ < 0) return absl::OkStatus();  // not opened yet: nothing journaled to drop
  std::lock_guard<std::mutex> lock(mutex_);
  std::lock_guard<std::mutex> write_lock(write_mutex_);
  pending_.clear();
  if (ftruncate(fd_, 0) != 0 || fdatasync(fd_) != 0) {
    return absl::InternalError(core::Cat(path_, ": truncate failed: ", std::strerror(errno)));
  }
  file_bytes_ = 0;
  return absl::OkStatus();
}

size_t ReadFrames(std::string_view data, const std::function<void(std::string_view)>& fn) {
  size_t offset = 0;
  while (data.size() - offset >= 8) {
    const uint32_t length = GetU32(data.data() + offset);
    const uint32_t checksum = GetU32(data.data() + offset + 4);
    if (length > kMaxRecord || data.size() - offset - 8 < length) break;
    const std::string_view payload = data.substr(offset + 8, length);
    if (XXH32(payload.data(), payload.size(), 0) != checksum) break;
    fn(payload);
    offset += 8 + length;
  }
  return offset;
}

}  // namespace coastguard::store
