#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "breach/hash_line.h"

namespace coastguard::breach {

struct StoreWriterOptions {
  HashKind kind = HashKind::kSha1;
  bool exact = true;     // the exact part: index, keys, counts, tails
  bool filter = true;    // the fuse filter
  uint64_t base_id = 0;  // a delta: the base it amends
};

// Writes one store file from entries in strictly increasing hash order, streaming: keys,
// counts and tails go to three scratch files beside the output, and Finish() joins them behind
// the header and index (copy_file_range, in the kernel), builds the filter shard by shard from
// the keys just written, fsyncs, and renames the file into place (a reader sees the old store
// or the new one, never half of one).
class StoreWriter {
 public:
  StoreWriter(std::string path, StoreWriterOptions options);
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  absl::Status Add(const HashEntry& entry);
  absl::Status Finish();

  uint64_t entries() const { return entries_; }
  uint64_t build_id() const { return build_id_; }
  uint64_t file_bytes() const { return file_bytes_; }
  uint64_t filter_bytes() const { return filter_bytes_; }
  uint64_t exact_bytes() const { return exact_bytes_; }

 private:
  absl::Status BuildFilter(int fd, uint64_t offset, uint64_t keys_offset, uint64_t shards_log2);

  std::string path_;
  StoreWriterOptions options_;
  std::string scratch_[3];  // keys, counts, tails
  std::FILE* files_[3] = {nullptr, nullptr, nullptr};
  std::vector<uint64_t> index_;  // entries per prefix, then offsets
  uint64_t entries_ = 0;
  uint64_t count_sum_ = 0;
  uint64_t build_id_ = 0;
  uint64_t file_bytes_ = 0;
  uint64_t filter_bytes_ = 0;
  uint64_t exact_bytes_ = 0;
  bool failed_ = false;
};

}  // namespace coastguard::breach
