#include "breach/store_writer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "breach/fuse_filter.h"
#include "breach/store.h"
#include "breach/store_format.h"
#include "core/crypto.h"
#include "core/text.h"

namespace coastguard::breach {
namespace {

absl::Status Errno(std::string_view what, const std::string& path) {
  return absl::InternalError(core::Cat(what, " ", path, ": ", std::strerror(errno)));
}

uint64_t AlignUp(uint64_t value) { return (value + 7) & ~uint64_t{7}; }

uint64_t RandomId() {
  const uint64_t id = core::RandomU64();
  return id == 0 ? 1 : id;  // 0 means "no base" in a delta's header
}

absl::Status WriteAll(int fd, const void* data, size_t size, uint64_t offset,
                      const std::string& path) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  while (size > 0) {
    const ssize_t n = ::pwrite(fd, bytes, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("write", path);
    }
    bytes += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return absl::OkStatus();
}

// Appends the scratch file `from` at `offset` of `to_fd`.
absl::Status CopyInto(const std::string& from, int to_fd, uint64_t offset,
                      const std::string& path) {
  const int from_fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (from_fd < 0) return Errno("open", from);
  struct stat st {};
  ::fstat(from_fd, &st);
  off_t in = 0;
  auto out = static_cast<off_t>(offset);
  size_t left = static_cast<size_t>(st.st_size);
  while (left > 0) {
    ssize_t n = ::copy_file_range(from_fd, &in, to_fd, &out, left, 0);
    if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP || errno == EINVAL)) {
      // Another file system, or an old kernel: copy through user space.
      std::vector<uint8_t> buffer(1 << 20);
      n = ::pread(from_fd, buffer.data(), std::min(left, buffer.size()), in);
      if (n > 0) {
        if (absl::Status s = WriteAll(to_fd, buffer.data(), static_cast<size_t>(n),
                                      static_cast<uint64_t>(out), path);
            !s.ok()) {
          ::close(from_fd);
          return s;
        }
        in += n;
        out += n;
      }
    }
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(from_fd);
      return n == 0 ? absl::DataLossError(core::Cat(from, " shrank while being copied"))
                    : Errno("copy into", path);
    }
    left -= static_cast<size_t>(n);
  }
  ::close(from_fd);
  return absl::OkStatus();
}

}  // namespace

StoreWriter::StoreWriter(std::string path, StoreWriterOptions options)
    : path_(std::move(path)), options_(options), index_(kPrefixes + 1ULL), build_id_(RandomId()) {
  static constexpr const char* kNames[3] = {".keys", ".counts", ".tails"};
  for (int i = 0; i < 3; ++i) {
    scratch_[i] = core::Cat(path_, ".tmp", kNames[i]);
    files_[i] = std::fopen(scratch_[i].c_str(), "wbe");
    if (files_[i] == nullptr) failed_ = true;
  }
}

StoreWriter::~StoreWriter() {
  for (int i = 0; i < 3; ++i) {
    if (files_[i] != nullptr) std::fclose(files_[i]);
    ::unlink(scratch_[i].c_str());
  }
  ::unlink((path_ + ".tmp").c_str());
}

absl::Status StoreWriter::Add(const HashEntry& entry) {
  if (failed_) return Errno("create scratch files for", path_);
  const uint64_t key = entry.Key();
  ++index_[(key >> 44) + 1];
  const size_t tail_bytes = TailBytes(options_.kind);
  if (std::fwrite(&key, 8, 1, files_[0]) != 1 || std::fwrite(&entry.count, 4, 1, files_[1]) != 1 ||
      std::fwrite(entry.bytes.data() + 8, tail_bytes, 1, files_[2]) != 1) {
    failed_ = true;
    return Errno("write scratch for", path_);
  }
  ++entries_;
  count_sum_ += entry.count;
  return absl::OkStatus();
}

absl::Status StoreWriter::Finish() {
  if (failed_) return Errno("write scratch for", path_);
  for (int i = 0; i < 3; ++i) {
    if (std::fclose(files_[i]) != 0) {
      files_[i] = nullptr;
      return Errno("write scratch for", path_);
    }
    files_[i] = nullptr;
  }
  for (uint32_t p = 0; p < kPrefixes; ++p) index_[p + 1] += index_[p];

  StoreHeader header{};
  std::memcpy(header.magic, kStoreMagic, sizeof(kStoreMagic));
  header.version = kStoreVersion;
  header.kind = static_cast<uint32_t>(options_.kind);
  header.build_id = build_id_;
  header.base_id = options_.base_id;
  header.entries = entries_;
  header.count_sum = count_sum_;
  // The keys are always written (the filter is built from them); a --filter-only store drops
  // them again by moving the filter down over them and cutting the file.
  uint64_t offset = sizeof(StoreHeader);
  header.index_offset = offset;
  offset += (kPrefixes + 1ULL) * 8;
  header.keys_offset = offset;
  offset += entries_ * 8;
  header.counts_offset = offset;
  offset = AlignUp(offset + entries_ * 4);
  header.tails_offset = offset;
  offset = AlignUp(offset + entries_ * TailBytes(options_.kind));
  exact_bytes_ = offset;

  const std::string tmp = path_ + ".tmp";
  const int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("create", tmp);
  absl::Status status = WriteAll(fd, index_.data(), index_.size() * 8, header.index_offset, tmp);
  if (status.ok()) status = CopyInto(scratch_[0], fd, header.keys_offset, tmp);
  if (status.ok()) status = CopyInto(scratch_[1], fd, header.counts_offset, tmp);
  if (status.ok()) status = CopyInto(scratch_[2], fd, header.tails_offset, tmp);
  for (const std::string& scratch : scratch_) ::unlink(scratch.c_str());
  if (status.ok() && options_.filter) {
    // Shards of at most about 4 M keys keep the build's scratch memory near 100 MB.
    uint64_t shards_log2 = 0;
    while ((entries_ >> shards_log2) > (1ULL << 22) && shards_log2 < 20) ++shards_log2;
    header.filter_offset = offset;
    header.filter_shards_log2 = shards_log2;
    status = BuildFilter(fd, offset, header.keys_offset, shards_log2);
    offset += filter_bytes_;
  }
  if (status.ok() && !options_.exact) {
    // Move the filter down to just behind the header, and point its shards there.
    const uint64_t shift = header.filter_offset - sizeof(StoreHeader);
    std::vector<uint8_t> filter(filter_bytes_);
    // In pieces: one read returns at most about 2 GiB, and a filter of 2 B hashes is larger.
    // The last few bytes may be the alignment padding, not yet written: they stay zero.
    size_t got = 0;
    bool failed = false;
    while (got < filter.size()) {
      const ssize_t n =
          ::pread(fd, filter.data() + got, std::min<size_t>(filter.size() - got, 1 << 30),
                  static_cast<off_t>(header.filter_offset + got));
      if (n < 0 && errno == EINTR) continue;
      failed = n < 0;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    if (failed || filter.size() - got >= 8) {
      status = Errno("read back", tmp);
    } else {
      auto* shards = reinterpret_cast<FilterShard*>(filter.data());
      for (uint64_t s = 0; s < (1ULL << header.filter_shards_log2); ++s) {
        shards[s].fingerprints_offset -= shift;
      }
      header.filter_offset = sizeof(StoreHeader);
      header.index_offset = header.keys_offset = header.counts_offset = header.tails_offset = 0;
      offset = sizeof(StoreHeader) + filter_bytes_;
      status = WriteAll(fd, filter.data(), filter.size(), header.filter_offset, tmp);
      exact_bytes_ = 0;
    }
  }
  header.file_bytes = offset;
  file_bytes_ = offset;
  if (status.ok() && ::ftruncate(fd, static_cast<off_t>(offset)) != 0) status = Errno("size", tmp);
  if (status.ok()) status = WriteAll(fd, &header, sizeof(header), 0, tmp);
  if (status.ok() && ::fsync(fd) != 0) status = Errno("fsync", tmp);
  ::close(fd);
  if (status.ok() && ::rename(tmp.c_str(), path_.c_str()) != 0) status = Errno("rename", tmp);
  if (!status.ok()) ::unlink(tmp.c_str());
  return status;
}

absl::Status StoreWriter::BuildFilter(int fd, uint64_t offset, uint64_t keys_offset,
                                      uint64_t shards_log2) {
  const uint64_t shards = 1ULL << shards_log2;
  // Shard by shard through pread, so that the build holds one shard's keys (a few MB), never
  // the whole keys section: at a billion hashes that would be 8 GB of resident pages.
  std::vector<FilterShard> table(shards);
  uint64_t fingerprints_at = offset + shards * sizeof(FilterShard);
  FuseBuilder builder;
  std::vector<uint8_t> fingerprints;
  std::vector<uint64_t> keys;
  uint64_t begin = 0;
  absl::Status status;
  for (uint64_t s = 0; s < shards && status.ok(); ++s) {
    // Shards are runs of whole 20-bit prefixes, so the prefix index gives their ends.
    const uint64_t end = index_[(s + 1) << (20 - shards_log2)];
    keys.resize(end - begin);
    const size_t bytes = keys.size() * 8;
    if (bytes > 0 && ::pread(fd, keys.data(), bytes, static_cast<off_t>(keys_offset + begin * 8)) !=
                         static_cast<ssize_t>(bytes)) {
      status = Errno("read back the keys of", path_);
      break;
    }
    // Distinct hashes can share their first 64 bits; the filter wants each key once.
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    FuseLayout layout;
    if (!builder.Build(keys, 0x636f617374677264ULL ^ s, &layout, &fingerprints)) {
      status = absl::InternalError(core::Cat("the filter of shard ", s, " did not build"));
      break;
    }
    table[s] = FilterShard{
        layout.seed, layout.segment_length, layout.segment_count_length, layout.array_length,
        0,           fingerprints_at};
    status = WriteAll(fd, fingerprints.data(), fingerprints.size(), fingerprints_at, path_);
    fingerprints_at += fingerprints.size();
    begin = end;
  }
  if (status.ok()) {
    status = WriteAll(fd, table.data(), table.size() * sizeof(FilterShard), offset, path_);
  }
  filter_bytes_ = AlignUp(fingerprints_at - offset);
  return status;
}

}  // namespace coastguard::breach
