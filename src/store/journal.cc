#include "store/journal.h"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>

#include "core/log.h"
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
constexpr char kMagic[4] = {'C', 'G', 'J', '1'};
constexpr size_t kHeader = 12;
constexpr core::Duration kMaxBackoff = 30 * core::kSecond;

uint32_t Checksum(std::string_view payload) {
  return XXH32(payload.data(), payload.size(), static_cast<uint32_t>(payload.size()));
}

// 0 on success, else the errno of the failed write.
int WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<size_t>(n);
  }
  return 0;
}

// Files from before the magic: u32 length, u32 XXH32 (seed 0), payload; read up to the first
// damage. Returns false when not even the first frame reads, i.e. the file is not of this kind.
bool ReadLegacyFrames(std::string_view data, const std::function<void(std::string_view)>& fn,
                      FrameScan* scan) {
  size_t offset = 0;
  while (data.size() - offset >= 8) {
    const uint32_t length = GetU32(data.data() + offset);
    const uint32_t checksum = GetU32(data.data() + offset + 4);
    if (length > kMaxRecord || data.size() - offset - 8 < length) break;
    const std::string_view payload = data.substr(offset + 8, length);
    if (XXH32(payload.data(), payload.size(), 0) != checksum) break;
    fn(payload);
    ++scan->records;
    offset += 8 + length;
  }
  if (scan->records == 0) return false;
  if (offset != data.size()) {
    scan->damaged_regions = 1;
    scan->damaged_bytes = data.size() - offset;
    scan->first_damage = offset;
    scan->torn_tail = true;
  }
  return true;
}

}  // namespace

int Journal::DataSync(int fd) { return fdatasync(fd) == 0 ? 0 : errno; }

Journal::~Journal() {
  Stop();
  for (const Retired& old : retired_) close(old.fd);
  if (fd_ >= 0) close(fd_);
}

absl::Status Journal::Open(const std::string& path) {
  path_ = path;
  fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) return absl::InternalError(core::Cat(path, ": ", std::strerror(errno)));
  const off_t size = lseek(fd_, 0, SEEK_END);
  file_bytes_ = size > 0 ? static_cast<uint64_t>(size) : 0;
  synced_bytes_ = file_bytes_;  // whatever an earlier run left is as good as it gets
  return absl::OkStatus();
}

void Journal::Frame(std::string_view payload, std::string& out) {
  out.append(kMagic, sizeof(kMagic));
  PutU32(out, static_cast<uint32_t>(payload.size()));
  PutU32(out, Checksum(payload));
  out.append(payload);
}

void Journal::Append(std::string_view payload) {
  std::lock_guard<std::mutex> lock(mutex_);
  Frame(payload, pending_);
  ++pending_records_;
  ++records_;
  pending_bytes_.store(pending_.size(), std::memory_order_relaxed);
}

void Journal::Start(core::Duration interval) {
  writer_ = std::thread([this, interval] {
    std::unique_lock<std::mutex> lock(mutex_);
    core::Duration pause = interval;
    while (!stopping_) {
      wake_.wait_for(lock, std::chrono::microseconds(pause));
      if (stopping_) break;
      const auto started = std::chrono::steady_clock::now();
      WriteLocked(lock);
      // A failing disk is retried ever more slowly: each attempt costs a write (and a sync).
      // Otherwise the next write is due an interval after this one began.
      const auto spent = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - started)
                             .count();
      pause = failing() ? std::min(std::max(pause, interval) * 2, kMaxBackoff)
                        : std::max<core::Duration>(0, interval - spent);
    }
  });
  // Syncs run beside the writes, so a slow sync delays no write: what the writer wrote meanwhile
  // is in the page cache, which kill -9 does not touch, and the next sync covers it.
  syncer_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      sync_wake_.wait(lock, [this] { return sync_due_ || stopping_; });
      if (!sync_due_) break;
      sync_due_ = false;
      lock.unlock();
      Sync();
      lock.lock();
    }
  });
}

void Journal::RequeueLocked(std::string bytes, uint64_t records) {
  // Back in front of what came meanwhile, in order; bounded.
  if (bytes.size() + pending_.size() <= kMaxPendingBytes) {
    bytes.append(pending_);
    pending_.swap(bytes);
    pending_records_ += records;
  } else {
    lost_records_ += records + pending_records_;
    pending_.clear();
    pending_records_ = 0;
  }
  pending_bytes_.store(pending_.size(), std::memory_order_relaxed);
}

void Journal::WriteLocked(std::unique_lock<std::mutex>& lock) {
  if (pending_.empty()) return;
  lock.unlock();  // lock order: write_mutex_ before mutex_
  std::unique_lock<std::mutex> write_lock(write_mutex_);
  lock.lock();
  if (pending_.empty()) return;  // truncated meanwhile
  writing_.swap(pending_);
  const uint64_t writing_records = pending_records_;
  pending_records_ = 0;
  pending_bytes_.store(0, std::memory_order_relaxed);
  const int fd = fd_;
  const uint64_t good_bytes = file_bytes_;
  lock.unlock();  // appends go on while the disk works
  const int error = WriteAll(fd, writing_);
  // Cut a partial write back off, so that the next records do not follow half a record.
  if (error != 0 && ftruncate(fd, static_cast<off_t>(good_bytes)) != 0) {
    // The reader skips the torn bytes and resynchronises on the next frame.
  }
  lock.lock();
  if (error == 0) {
    // Written to a file rotated away meanwhile: the syncer syncs that file (after this write)
    // before closing it.
    if (fd != fd_) {
      for (Retired& old : retired_) {
        if (old.fd == fd) old.unsynced_records += writing_records;
      }
    } else {
      file_bytes_ += writing_.size();
      unsynced_records_ += writing_records;
      if (!unsynced_dropped_ && unsynced_.size() + writing_.size() <= kMaxPendingBytes) {
        unsynced_.append(writing_);
      } else {
        unsynced_dropped_ = true;
        unsynced_.clear();
      }
    }
    sync_due_ = true;
    sync_wake_.notify_one();
    if (write_failing_.exchange(false)) {
      core::Log(core::Cat(path_, ": writing again; waiting records written"));
    }
  } else {
    ++errors_;
    if (!write_failing_.exchange(true)) {
      core::Log(core::Cat(path_, ": write failed: ", std::strerror(error),
                          "; decisions go on, records wait in memory and are retried"));
    }
    RequeueLocked(std::move(writing_), writing_records);
  }
  writing_.clear();
}

void Journal::RotatedSyncFailed(uint64_t records, int error) {
  // Not written again: the new journal holds newer records, and replaying older ones after
  // them would undo changes. Counted as lost instead, which asks the owner for a snapshot (the
  // one being written holds them, unless it fails too).
  lost_records_ += records;
  sync_failing_ = true;
  core::Log(core::Cat(path_, ": sync of the rotated journal failed: ", std::strerror(error), "; ",
                      records, " records it held count as lost until a snapshot saves them"));
}

void Journal::Sync() {
  std::lock_guard<std::mutex> sync_lock(sync_mutex_);
  std::unique_lock<std::mutex> lock(mutex_);
  std::vector<Retired> retired;
  retired.swap(retired_);
  const int fd = fd_;
  const uint64_t target = file_bytes_;
  const size_t covered = unsynced_.size();
  const uint64_t covered_records = unsynced_records_;
  const bool due = fd >= 0 && target != synced_bytes_;
  lock.unlock();
  if (!retired.empty()) {
    // A write that took a retired file before the rotation ends before this lock is ours, and
    // no later write takes one: after that, syncing the retired files covers all they hold.
    { std::lock_guard<std::mutex> barrier(write_mutex_); }
    for (const Retired& old : retired) {
      if (const int error = sync_(old.fd); error != 0) {
        ++errors_;
        RotatedSyncFailed(old.unsynced_records, error);
      }
      close(old.fd);
    }
  }
  if (!due) return;
  const int error = sync_(fd);
  if (error == 0) {
    lock.lock();
    if (fd != fd_) return;  // rotated meanwhile: the snapshot holds what was here
    ++syncs_;
    synced_bytes_ = target;
    unsynced_records_ -= covered_records;
    if (unsynced_dropped_) {
      unsynced_.clear();
      unsynced_dropped_ = unsynced_records_ > 0;
    } else {
      unsynced_.erase(0, covered);
    }
    if (sync_failing_.exchange(false)) {
      core::Log(core::Cat(path_, ": syncing again; records written since the failure saved"));
    }
    return;
  }
  ++errors_;
  // The kernel may have dropped the pages it could not write and would not fail the next sync:
  // cut the file back to the last good sync and write everything since again.
  std::lock_guard<std::mutex> write_lock(write_mutex_);  // no write in progress while cutting
  lock.lock();
  if (fd != fd_) {
    // Rotated meanwhile: what this sync covered may be gone from the retired file, and the
    // retired file's own sync would not say so again.
    for (Retired& old : retired_) {
      if (old.fd == fd) old.unsynced_records -= std::min(old.unsynced_records, covered_records);
    }
    RotatedSyncFailed(covered_records, error);
    return;
  }
  if (!sync_failing_.exchange(true)) {
    core::Log(core::Cat(path_, ": sync failed: ", std::strerror(error),
                        "; decisions go on, what it covered is written again"));
  }
  if (ftruncate(fd, static_cast<off_t>(synced_bytes_)) != 0) {
    // Torn bytes left behind are skipped by the reader.
  }
  file_bytes_ = synced_bytes_;
  if (unsynced_dropped_) {
    lost_records_ += unsynced_records_;  // too many to keep a copy of: the snapshot saves all
  } else {
    RequeueLocked(std::move(unsynced_), unsynced_records_);
  }
  unsynced_.clear();
  unsynced_records_ = 0;
  unsynced_dropped_ = false;
}

absl::Status Journal::Flush() {
  std::unique_lock<std::mutex> lock(mutex_);
  const uint64_t errors_before = errors_;
  WriteLocked(lock);
  lock.unlock();
  Sync();
  // Counts a failure of the syncer thread's beside this one too: Flush is for stops and tests.
  if (errors_ != errors_before) {
    return absl::InternalError(core::Cat(path_, ": write or sync failed"));
  }
  return absl::OkStatus();
}

void Journal::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!writer_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  sync_wake_.notify_all();
  writer_.join();
  syncer_.join();
  // A failed sync cut its records back off to write them again: one more chance, then say so.
  const uint64_t lost_before = lost_records_;
  if (!Flush().ok()) Flush().IgnoreError();
  std::lock_guard<std::mutex> lock(mutex_);
  lost_records_ += pending_records_;
  pending_.clear();
  pending_records_ = 0;
  pending_bytes_.store(0, std::memory_order_relaxed);
  if (const uint64_t lost = lost_records_ - lost_before; lost > 0) {
    core::Log(core::Cat(path_, ": ", lost,
                        " records not saved at stop: the disk kept failing; the next start goes "
                        "on from the last snapshot and what the journal holds"));
  }
}

absl::Status Journal::Truncate() {
  std::lock_guard<std::mutex> sync_lock(sync_mutex_);
  std::lock_guard<std::mutex> write_lock(write_mutex_);
  std::lock_guard<std::mutex> lock(mutex_);
  if (fd_ < 0) return absl::OkStatus();  // not opened yet: nothing journaled to drop
  pending_.clear();
  pending_records_ = 0;
  pending_bytes_.store(0, std::memory_order_relaxed);
  unsynced_.clear();
  unsynced_records_ = 0;
  unsynced_dropped_ = false;
  if (ftruncate(fd_, 0) != 0) {
    return absl::InternalError(core::Cat(path_, ": truncate failed: ", std::strerror(errno)));
  }
  file_bytes_ = 0;
  synced_bytes_ = 0;  // if the sync below fails, the next records are written after nothing
  if (const int error = sync_(fd_); error != 0) {
    ++errors_;
    return absl::InternalError(core::Cat(path_, ": truncate failed: ", std::strerror(error)));
  }
  sync_failing_ = false;
  return absl::OkStatus();
}

absl::Status Journal::Rotate(const std::string& retired_path) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (rename(path_.c_str(), retired_path.c_str()) != 0) {
    return absl::InternalError(core::Cat(path_, " -> ", retired_path, ": ", std::strerror(errno)));
  }
  const int fresh = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fresh < 0) {
    const int error = errno;
    rename(retired_path.c_str(), path_.c_str());  // keep journaling where we were
    return absl::InternalError(core::Cat(path_, ": ", std::strerror(error)));
  }
  retired_.push_back(Retired{fd_, unsynced_records_});
  fd_ = fresh;
  file_bytes_ = 0;
  synced_bytes_ = 0;
  // What the retired file holds, the snapshot being written holds too; should its sync fail,
  // the records it did not cover count as lost, which asks for another snapshot.
  unsynced_.clear();
  unsynced_records_ = 0;
  unsynced_dropped_ = false;
  sync_due_ = true;  // sync and close the retired file
  sync_wake_.notify_one();
  return absl::OkStatus();
}

FrameScan ReadFrames(std::string_view data, const std::function<void(std::string_view)>& fn) {
  FrameScan scan;
  const bool magic_first = data.size() >= 4 && std::memcmp(data.data(), kMagic, 4) == 0;
  if (!magic_first && !data.empty() && ReadLegacyFrames(data, fn, &scan)) return scan;
  size_t offset = 0;
  bool damaged = false;
  size_t damage_start = 0;
  while (offset < data.size()) {
    if (data.size() - offset >= kHeader && std::memcmp(data.data() + offset, kMagic, 4) == 0) {
      const uint32_t length = GetU32(data.data() + offset + 4);
      const uint32_t checksum = GetU32(data.data() + offset + 8);
      if (length <= kMaxRecord && data.size() - offset - kHeader >= length) {
        const std::string_view payload = data.substr(offset + kHeader, length);
        if (Checksum(payload) == checksum) {
          if (damaged) scan.damaged_bytes += offset - damage_start;
          damaged = false;
          fn(payload);
          ++scan.records;
          offset += kHeader + length;
          continue;
        }
      }
    }
    if (!damaged) {
      damaged = true;
      damage_start = offset;
      if (scan.damaged_regions++ == 0) scan.first_damage = offset;
    }
    const void* next = memmem(data.data() + offset + 1, data.size() - offset - 1, kMagic, 4);
    offset = next != nullptr ? static_cast<size_t>(static_cast<const char*>(next) - data.data())
                             : data.size();
  }
  if (damaged) {
    scan.damaged_bytes += data.size() - damage_start;
    scan.torn_tail = true;
  }
  return scan;
}

}  // namespace coastguard::store
