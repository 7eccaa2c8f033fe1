#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "breach/hash_line.h"
#include "breach/store.h"

namespace coastguard::breach {

// What the corpus says about one hash.
struct Lookup {
  bool found = false;  // in the corpus (or, with only a filter, maybe in it)
  bool exact = true;   // false: the answer came from the filter (0.39 % false positives)
  uint32_t count = 0;  // times seen in breaches (0 when only the filter knows)
};

// One line of a range answer: the hash after its 5-hex prefix, and its count.
struct RangeEntry {
  std::array<uint8_t, 20> bytes{};
  uint32_t count = 0;
  uint64_t order = 0;  // scratch for sorting padded answers
};

// The breach database directory: for each kind, a store and the delta an --update wrote
// beside it (the delta's counts win). Refresh() re-opens files an import renamed into place,
// so a running daemon follows imports without a restart; a query never blocks on disk beyond
// the page faults of the mapped files. One thread (the daemon's loop) refreshes and queries.
class Database {
 public:
  explicit Database(std::string dir);

  // Re-opens what changed (a stat per file); returns one line per change or problem, to log.
  std::vector<std::string> Refresh();

  bool available(HashKind kind) const { return Part(kind).base != nullptr; }
  bool has_range(HashKind kind) const;  // the exact part, which range answers need
  uint64_t entries(HashKind kind) const;
  const std::string& dir() const { return dir_; }

  Lookup Find(HashKind kind, const uint8_t* hash) const;
  // The filter's answer alone (the exact part's where a store has no filter).
  bool MaybeContains(HashKind kind, const uint8_t* hash) const;
  // Find and MaybeContains for many hashes, `out` as long as `hashes`. The memory reads of
  // many lookups are in flight together, so that a bulk check (breach query) costs the
  // machine's memory throughput per hash rather than its latency.
  void FindMany(HashKind kind, std::span<const HashEntry> hashes, std::span<Lookup> out) const;
  void MaybeContainsMany(HashKind kind, std::span<const HashEntry> hashes,
                         std::span<Lookup> out) const;
  // The entries of a 20-bit prefix in hash order (delta merged in), appended to `out`.
  void Range(HashKind kind, uint32_t prefix, std::vector<RangeEntry>* out) const;

 private:
  struct File {
    std::unique_ptr<Store> store;
    ino_t inode = 0;
    int64_t mtime_ns = -1;
    off_t size = -1;
  };
  struct KindPart {
    File base_file;
    File delta_file;
    const Store* base = nullptr;
    const Store* delta = nullptr;  // only when it amends this base
  };
  const KindPart& Part(HashKind kind) const { return kind == HashKind::kSha1 ? sha1_ : ntlm_; }
  void RefreshFile(const std::string& path, File& file, std::vector<std::string>& log);

  std::string dir_;
  KindPart sha1_;
  KindPart ntlm_;
};

}  // namespace coastguard::breach
