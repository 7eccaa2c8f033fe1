#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "core/time.h"

namespace coastguard::store {

// An append-only file of framed records with group commit: the loop thread appends to a memory
// buffer (a lock and a memcpy), a writer thread writes the buffer to the file every `interval`,
// and a syncer thread fdatasyncs what was written. Writing never waits for a sync, so a change
// acknowledged to a client is in the file (which outlives kill -9 in the page cache) within
// about one interval however slow the disk's syncs are, and on the disk one sync later.
//
// A write that fails (a full disk) is cut back off the file, so no half record is left in the
// middle of it, and its records wait in memory to be written again after a growing pause (up to
// 30 s); the daemon keeps deciding meanwhile. A sync that fails cuts the file back to what the
// last good sync covered and queues everything written since to be written again: after a
// failed fdatasync the kernel may have dropped those pages, and a later sync would not say so.
// Past kMaxPendingBytes the waiting records are dropped and lost_records() grows: the owner then
// needs a snapshot, which holds everything. (What was written since the last good sync is kept
// as well, up to kMaxPendingBytes, to be written again.)
//
// Frame: u32 magic "CGJ1", u32 payload length, u32 XXH32 of the payload seeded with the length,
// payload (integers little-endian). The magic lets a reader find the next record after damage.
class Journal {
 public:
  static constexpr size_t kMaxPendingBytes = 64 << 20;

  Journal() = default;
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Opens (creating) `path` for appending.
  absl::Status Open(const std::string& path);
  // Frames and queues one record. Loop thread.
  void Append(std::string_view payload);
  // Starts the writer and syncer threads.
  void Start(core::Duration interval);
  // Flushes what is queued and stops both threads.
  void Stop();
  // Empties the file and the queue (after a snapshot has captured everything). Waits for a
  // write and a sync in progress: for startup and tests, not the loop.
  absl::Status Truncate();
  // Renames the file to `retired_path` and goes on in a fresh file at the same path, without
  // waiting for the disk: what is queued goes to the fresh file. Loop thread.
  absl::Status Rotate(const std::string& retired_path);
  // Writes and syncs what is queued now, on the calling thread.
  absl::Status Flush();
  // Replaces fdatasync (returns 0 or an errno): for tests of slow and failing disks.
  void set_sync_for_test(std::function<int(int)> sync) { sync_ = std::move(sync); }

  uint64_t file_bytes() const { return file_bytes_.load(std::memory_order_relaxed); }
  uint64_t records() const { return records_; }  // loop thread, like Append
  uint64_t syncs() const { return syncs_.load(std::memory_order_relaxed); }
  uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }
  uint64_t lost_records() const { return lost_records_.load(std::memory_order_relaxed); }
  uint64_t pending_bytes() const { return pending_bytes_.load(std::memory_order_relaxed); }
  // The last write or the last sync failed.
  bool failing() const {
    return write_failing_.load(std::memory_order_relaxed) ||
           sync_failing_.load(std::memory_order_relaxed);
  }
  const std::string& path() const { return path_; }

  static void Frame(std::string_view payload, std::string& out);

 private:
  // Writes what is queued (no sync); `lock` holds mutex_.
  void WriteLocked(std::unique_lock<std::mutex>& lock);
  // Syncs the retired files and the current one; on a failure queues the unsynced bytes again.
  void Sync();
  void RequeueLocked(std::string bytes, uint64_t records);
  void RotatedSyncFailed(uint64_t records, int error);
  static int DataSync(int fd);

  // Lock order: sync_mutex_, then write_mutex_, then mutex_. The writer holds write_mutex_ for
  // the whole write and mutex_ only around it, so appends wait for the disk only while a failed
  // sync's records are cut back off the file.
  std::string path_;
  int fd_ = -1;  // guarded by mutex_
  struct Retired {
    int fd;
    uint64_t unsynced_records;  // written since its last good sync
  };
  std::vector<Retired> retired_;  // guarded by mutex_; synced and closed by the syncer
  std::mutex mutex_;
  std::condition_variable wake_;       // the writer's
  std::condition_variable sync_wake_;  // the syncer's
  std::string pending_;                // guarded by mutex_
  uint64_t pending_records_ = 0;
  // Written to fd_ since its last good sync, kept to be written again if the sync fails;
  // guarded by mutex_. Past kMaxPendingBytes only the count is kept (unsynced_dropped_).
  std::string unsynced_;
  uint64_t unsynced_records_ = 0;
  bool unsynced_dropped_ = false;
  bool sync_due_ = false;  // guarded by mutex_
  std::string writing_;    // owned by whoever holds write_mutex_
  std::mutex write_mutex_;
  std::mutex sync_mutex_;  // one sync at a time: the syncer's or Flush's
  std::function<int(int)> sync_ = &Journal::DataSync;
  uint64_t synced_bytes_ = 0;  // of fd_, covered by its last good sync; guarded by mutex_
  bool stopping_ = false;      // guarded by mutex_
  std::thread writer_;
  std::thread syncer_;
  uint64_t records_ = 0;
  std::atomic<uint64_t> file_bytes_{0};
  std::atomic<uint64_t> syncs_{0};
  std::atomic<uint64_t> errors_{0};
  std::atomic<uint64_t> lost_records_{0};
  std::atomic<uint64_t> pending_bytes_{0};
  std::atomic<bool> write_failing_{false};
  std::atomic<bool> sync_failing_{false};
};

// What reading framed records found.
struct FrameScan {
  uint64_t records = 0;
  uint64_t damaged_regions = 0;  // torn or corrupt stretches skipped (the reader resynchronised)
  uint64_t damaged_bytes = 0;
  size_t first_damage = 0;  // offset of the first damaged stretch (if any)
  bool torn_tail = false;   // the last damaged stretch ran to the end (a crash mid-write)
};

// Reads framed records from `data`, calling fn(payload) for each intact one. Damage (a torn or
// corrupt frame) is skipped up to the next frame that checks out, so what follows it is kept.
// Files written before the magic was introduced (length, XXH32, payload) are read too, up to
// their first damage.
FrameScan ReadFrames(std::string_view data, const std::function<void(std::string_view)>& fn);

}  // namespace coastguard::store
