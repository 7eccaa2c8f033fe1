#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "absl/status/status.h"
#include "core/time.h"

namespace coastguard::store {

// An append-only file of framed records with group commit: the loop thread appends to a memory
// buffer (a lock and a memcpy), and a flusher thread writes and fdatasyncs the buffer every
// `interval`. A change acknowledged to a client is therefore on disk within about one interval
// plus one fsync, even after kill -9.
// Frame: u32 little-endian payload length, u32 XXH32 of the payload, payload.
class Journal {
 public:
  Journal() = default;
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Opens (creating) `path` for appending.
  absl::Status Open(const std::string& path);
  // Frames and queues one record. Loop thread.
  void Append(std::string_view payload);
  // Starts the flusher thread.
  void Start(core::Duration interval);
  // Flushes what is queued and stops the flusher.
  void Stop();
  // Empties the file and the queue (after a snapshot has captured everything). Loop thread.
  absl::Status Truncate();
  // Writes and syncs what is queued now, on the calling thread.
  absl::Status Flush();

  uint64_t file_bytes() const { return file_bytes_.load(std::memory_order_relaxed); }
  uint64_t records() const { return records_; }
  uint64_t syncs() const { return syncs_.load(std::memory_order_relaxed); }
  uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }
  const std::string& path() const { return path_; }

  static void Frame(std::string_view payload, std::string& out);

 private:
  void FlushLocked(std::unique_lock<std::mutex>& lock);

  std::string path_;
  int fd_ = -1;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string pending_;  // guarded by mutex_
  std::string writing_;  // owned by whoever holds write_mutex_
  std::mutex write_mutex_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread flusher_;
  uint64_t records_ = 0;
  std::atomic<uint64_t> file_bytes_{0};
  std::atomic<uint64_t> syncs_{0};
  std::atomic<uint64_t> errors_{0};
};

// Reads framed records from `data`; calls fn(payload) for each intact one. Returns the offset
// where reading stopped: data.size() when every frame was intact, otherwise the start of the
// first torn or corrupt frame (a crash mid-write leaves one at the tail).
size_t ReadFrames(std::string_view data, const std::function<void(std::string_view)>& fn);

}  // namespace coastguard::store
