#include "breach/database.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include "breach/importer.h"
#include "core/text.h"

namespace coastguard::breach {
namespace {

void AppendStoreRange(const Store& store, uint32_t prefix, std::vector<RangeEntry>* out) {
  const auto [begin, end] = store.PrefixRange(prefix);
  const size_t tail = TailBytes(store.kind());
  for (uint64_t i = begin; i < end; ++i) {
    RangeEntry entry;
    const uint64_t key = store.KeyAt(i);
    for (int b = 0; b < 8; ++b) entry.bytes[b] = static_cast<uint8_t>(key >> (56 - 8 * b));
    std::memcpy(entry.bytes.data() + 8, store.TailAt(i), tail);
    entry.count = store.CountAt(i);
    out->push_back(entry);
  }
}

}  // namespace

Database::Database(std::string dir) : dir_(std::move(dir)) {}

void Database::RefreshFile(const std::string& path, File& file, std::vector<std::string>& log) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (file.store) log.push_back(core::Cat("breach: ", path, " is gone; no longer used"));
    file = File{};
    return;
  }
  const int64_t mtime =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  if (st.st_ino == file.inode && mtime == file.mtime_ns && st.st_size == file.size) return;
  file.inode = st.st_ino;
  file.mtime_ns = mtime;
  file.size = st.st_size;
  absl::StatusOr<std::unique_ptr<Store>> opened = Store::Open(path);
  if (!opened.ok()) {
    // Keep answering from what was open: a damaged file must not switch the guard off.
    log.push_back(core::Cat("breach: ", core::Message(opened.status()),
                            file.store ? " (still using the previous one)" : ""));
    return;
  }
  file.store = std::move(*opened);
  log.push_back(core::Cat("breach: opened ", path, " (", file.store->entries(), " ",
                          HashKindName(file.store->kind()), " hashes",
                          file.store->has_exact() ? "" : ", filter only", ")"));
}

std::vector<std::string> Database::Refresh() {
  std::vector<std::string> log;
  for (const HashKind kind : {HashKind::kSha1, HashKind::kNtlm}) {
    KindPart& part = kind == HashKind::kSha1 ? sha1_ : ntlm_;
    RefreshFile(StorePath(dir_, kind), part.base_file, log);
    RefreshFile(DeltaPath(dir_, kind), part.delta_file, log);
    part.base = part.base_file.store && part.base_file.store->kind() == kind
                    ? part.base_file.store.get()
                    : nullptr;
    part.delta = part.base != nullptr && part.delta_file.store &&
                         part.delta_file.store->kind() == kind &&
                         part.delta_file.store->base_id() == part.base->build_id()
                     ? part.delta_file.store.get()
                     : nullptr;
  }
  return log;
}

bool Database::has_range(HashKind kind) const {
  const KindPart& part = Part(kind);
  return part.base != nullptr && part.base->has_exact();
}

uint64_t Database::entries(HashKind kind) const {
  const KindPart& part = Part(kind);
  return part.base == nullptr ? 0 : part.base->entries() + (part.delta ? part.delta->entries() : 0);
}

Lookup Database::Find(HashKind kind, const uint8_t* hash) const {
  const KindPart& part = Part(kind);
  if (part.base == nullptr) return Lookup{};
  // The filter has no false negatives and is a tenth of the exact part's size: a hash it
  // rules out (a unique password, the usual case) never touches the exact part.
  const bool maybe_delta = part.delta != nullptr && part.delta->MaybeContains(hash);
  if (part.base->has_exact() && part.base->has_filter() && !maybe_delta &&
      !part.base->MaybeContains(hash)) {
    return Lookup{false, true, 0};
  }
  if (maybe_delta) {
    if (const auto count = part.delta->Count(hash)) return Lookup{true, true, *count};
  }
  if (part.base->has_exact()) {
    const auto count = part.base->Count(hash);
    return Lookup{count.has_value(), true, count.value_or(0)};
  }
  return Lookup{part.base->MaybeContains(hash), false, 0};
}

bool Database::MaybeContains(HashKind kind, const uint8_t* hash) const {
  const KindPart& part = Part(kind);
  if (part.base == nullptr) return false;
  return (part.delta != nullptr && part.delta->MaybeContains(hash)) ||
         part.base->MaybeContains(hash);
}

namespace {

// Runs a lookup in stages over `n` items, each stage `kDistance` items behind the one before:
// a stage uses the reads the previous one started for that item and starts the next ones.
// The reads of many lookups are then in flight at once, so a bulk check costs the memory's
// throughput per hash rather than its latency.
constexpr size_t kDistance = 16;

template <typename... Stage>
void Pipeline(size_t n, Stage&&... stage) {
  constexpr size_t kStages = sizeof...(Stage);
  for (size_t t = 0; t < n + (kStages - 1) * kDistance; ++t) {
    size_t lag = 0;
    const auto run = [&](auto& fn) {
      if (t >= lag && t - lag < n) fn(t - lag);
      lag += kDistance;
    };
    (run(stage), ...);
  }
}

}  // namespace

void Database::FindMany(HashKind kind, std::span<const HashEntry> hashes,
                        std::span<Lookup> out) const {
  const KindPart& part = Part(kind);
  const auto hash = [&](size_t i) { return hashes[i].bytes.data(); };
  if (part.base == nullptr) {
    std::fill(out.begin(), out.end(), Lookup{});
  } else if (!part.base->has_exact()) {
    Pipeline(
        hashes.size(),
        [&](size_t i) {
          part.base->PrefetchFilter(KeyOf(hash(i)));
          if (part.delta != nullptr) part.delta->PrefetchFilter(KeyOf(hash(i)));
        },
        [&](size_t i) { out[i] = Find(kind, hash(i)); });
  } else {
    // Unlike Find, no filter first: for a hash in the corpus its three reads would come on
    // top of the exact part's, and in a batch the exact part costs no more than the filter.
    constexpr size_t kRing = 4 * kDistance;  // covers an item's life from stage 2 to stage 4
    Store::Near near[kRing];
    Pipeline(
        hashes.size(),
        [&](size_t i) {
          part.base->PrefetchPrefix(KeyOf(hash(i)));
          if (part.delta != nullptr) part.delta->PrefetchFilter(KeyOf(hash(i)));
        },
        [&](size_t i) { near[i % kRing] = part.base->PrefetchNear(KeyOf(hash(i))); },
        [&](size_t i) { near[i % kRing] = part.base->Settle(KeyOf(hash(i)), near[i % kRing]); },
        [&](size_t i) {
          if (part.delta != nullptr && part.delta->MaybeContains(hash(i))) {
            if (const auto count = part.delta->Count(hash(i))) {
              out[i] = Lookup{true, true, *count};
              return;
            }
          }
          const auto count = part.base->CountNear(hash(i), near[i % kRing]);
          out[i] = Lookup{count.has_value(), true, count.value_or(0)};
        });
  }
}

void Database::MaybeContainsMany(HashKind kind, std::span<const HashEntry> hashes,
                                 std::span<Lookup> out) const {
  const KindPart& part = Part(kind);
  if (part.base != nullptr && !part.base->has_filter()) {
    // The exact part answers for a missing filter (as in MaybeContains).
    FindMany(kind, hashes, out);
    for (Lookup& lookup : out) lookup = Lookup{lookup.found, false, 0};
    return;
  }
  Pipeline(
      hashes.size(),
      [&](size_t i) {
        if (part.base == nullptr) return;
        part.base->PrefetchFilter(KeyOf(hashes[i].bytes.data()));
        if (part.delta != nullptr) part.delta->PrefetchFilter(KeyOf(hashes[i].bytes.data()));
      },
      [&](size_t i) {
        out[i] = Lookup{MaybeContains(kind, hashes[i].bytes.data()), false, 0};
      });
}

void Database::Range(HashKind kind, uint32_t prefix, std::vector<RangeEntry>* out) const {
  const KindPart& part = Part(kind);
  if (part.base == nullptr || !part.base->has_exact()) return;
  if (part.delta == nullptr) {
    AppendStoreRange(*part.base, prefix, out);
    return;
  }
  std::vector<RangeEntry> base;
  std::vector<RangeEntry> delta;
  AppendStoreRange(*part.base, prefix, &base);
  AppendStoreRange(*part.delta, prefix, &delta);
  const size_t bytes = HashBytes(kind);
  size_t d = 0;
  for (const RangeEntry& entry : base) {
    while (d < delta.size() && std::memcmp(delta[d].bytes.data(), entry.bytes.data(), bytes) < 0) {
      out->push_back(delta[d++]);
    }
    if (d < delta.size() && std::memcmp(delta[d].bytes.data(), entry.bytes.data(), bytes) == 0) {
      out->push_back(delta[d++]);  // the delta's count is the newer one
    } else {
      out->push_back(entry);
    }
  }
  out->insert(out->end(), delta.begin() + static_cast<std::ptrdiff_t>(d), delta.end());
}

}  // namespace coastguard::breach
