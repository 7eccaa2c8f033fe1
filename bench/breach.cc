// The breach guard's figures for `make bench`:
//   bench_breach corpus N FILE|- KNOWN  writes N random SHA-1 hashes, sorted, as HIBP's
//                                HASH:COUNT lines (CRLF) to FILE or stdout, and 1 M of them
//                                to KNOWN for lookups
//   bench_breach query DB KNOWN  ns per lookup (exact store and filter) of the known hashes
//                                and of as many absent ones, both in random order (out of
//                                cache), one at a time and batched as `breach query`
//                                looks them up, and the filter's false-positive rate
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "breach/database.h"

namespace {

using coastguard::breach::HashKind;

struct Hash {
  uint8_t bytes[20];
};

// Writes n random SHA-1 hashes in hash order to `path` (- for stdout), one 16-bit bucket at a
// time so that memory stays small at a billion, and every (n / 1 M)th hash to `known_path`.
int Corpus(uint64_t n, const std::string& path, const std::string& known_path) {
  std::mt19937_64 random(20261202);
  std::FILE* out = path == "-" ? stdout : std::fopen(path.c_str(), "w");
  std::FILE* known = std::fopen(known_path.c_str(), "w");
  if (out == nullptr || known == nullptr) return 1;
  const uint64_t every = std::max<uint64_t>(1, n / 1'000'000);
  char line[64];
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::vector<char> buffer(1 << 22);
  std::setvbuf(out, buffer.data(), _IOFBF, buffer.size());
  constexpr uint64_t kBuckets = 1 << 16;
  std::vector<uint64_t> keys;
  uint64_t written = 0;
  uint64_t text_bytes = 0;
  for (uint64_t bucket = 0; bucket < kBuckets; ++bucket) {
    keys.resize(n / kBuckets + (bucket < n % kBuckets ? 1 : 0));
    for (uint64_t& key : keys) key = bucket << 48 | random() >> 16;
    std::sort(keys.begin(), keys.end());
    for (size_t i = 0; i < keys.size(); ++i) {
      if (i > 0 && keys[i] == keys[i - 1]) continue;
      uint8_t hash[20];
      for (int b = 0; b < 8; ++b) hash[b] = static_cast<uint8_t>(keys[i] >> (56 - 8 * b));
      const uint64_t tail_a = random();
      const uint64_t tail_b = random();
      std::memcpy(hash + 8, &tail_a, 8);
      std::memcpy(hash + 16, &tail_b, 4);
      for (int b = 0; b < 20; ++b) {
        line[2 * b] = kHex[hash[b] >> 4];
        line[2 * b + 1] = kHex[hash[b] & 15];
      }
      const int length = 40 + std::snprintf(line + 40, sizeof(line) - 40, ":%u\r\n",
                                            static_cast<unsigned>(random() % 10000 + 1));
      if (std::fwrite(line, 1, static_cast<size_t>(length), out) != static_cast<size_t>(length)) {
        return 1;  // the reader went away
      }
      text_bytes += static_cast<uint64_t>(length);
      if (written++ % every == 0) std::fwrite(line, 1, 40, known), std::fputc('\n', known);
    }
  }
  std::fclose(known);
  std::fprintf(stderr, "corpus: %llu hashes, %llu MB of text\n",
               static_cast<unsigned long long>(written),
               static_cast<unsigned long long>(text_bytes / 1'000'000));
  return std::fclose(out) == 0 ? 0 : 1;
}

std::vector<Hash> ReadKnown(const std::string& path) {
  std::vector<Hash> hashes;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    coastguard::breach::HashEntry entry;
    if (coastguard::breach::ParseHashLine(line, std::nullopt, HashKind::kSha1, &entry) ==
        coastguard::breach::LineProblem::kNone) {
      Hash h;
      std::memcpy(h.bytes, entry.bytes.data(), 20);
      hashes.push_back(h);
    }
  }
  return hashes;
}

template <typename Fn>
double NsPerCall(const std::vector<Hash>& hashes, Fn&& fn, uint64_t* hits) {
  const auto start = std::chrono::steady_clock::now();
  uint64_t count = 0;
  for (const Hash& h : hashes) count += fn(h.bytes) ? 1 : 0;
  const double ns =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  *hits = count;
  return ns / static_cast<double>(hashes.size());
}

// ns per hash (the worst of three runs) of a batched lookup over all of `hashes`
// (Database::FindMany or MaybeContainsMany, as `coastguard breach query` uses them); `hits` counts
// those found.
template <typename Fn>
double NsPerBatchedHash(const std::vector<Hash>& hashes, Fn&& many, uint64_t* hits) {
  std::vector<coastguard::breach::HashEntry> entries(hashes.size());
  for (size_t i = 0; i < hashes.size(); ++i) {
    std::memcpy(entries[i].bytes.data(), hashes[i].bytes, 20);
  }
  std::vector<coastguard::breach::Lookup> out(hashes.size());
  many(entries, out);  // maps the pages the first passes did not touch, as above
  // A shared machine's memory is noisy at this rate: the worst of three runs.
  double ns = 0;
  for (int run = 0; run < 3; ++run) {
    const auto start = std::chrono::steady_clock::now();
    many(entries, out);
    ns = std::max(
        ns,
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count());
  }
  *hits = 0;
  for (const auto& lookup : out) *hits += lookup.found ? 1 : 0;
  return ns / static_cast<double>(hashes.size());
}

// The machine's own cost of one dependent random read from memory (a pointer chase over
// 512 MiB, far past the CPU's caches), to read the lookup figures against.
double RandomReadNs() {
  constexpr size_t kSlots = size_t{1} << 27;
  std::vector<uint32_t> next(kSlots);
  for (size_t i = 0; i < kSlots; ++i) next[i] = static_cast<uint32_t>(i);
  std::mt19937_64 random(3);
  for (size_t i = kSlots - 1; i > 0; --i) {  // Sattolo: one cycle through every slot
    std::swap(next[i], next[random() % i]);
  }
  uint32_t at = 0;
  constexpr int kSteps = 2'000'000;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kSteps; ++i) at = next[at];
  const double ns =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  if (at == kSlots) std::puts("");  // keeps the chase from being optimised away
  return ns / kSteps;
}

int Query(const std::string& db_dir, const std::string& known_path) {
  coastguard::breach::Database db(db_dir);
  db.Refresh();
  if (!db.available(HashKind::kSha1)) return 1;
  std::vector<Hash> known = ReadKnown(known_path);
  std::mt19937_64 random(7);
  std::shuffle(known.begin(), known.end(), random);
  std::vector<Hash> absent(known.size() * 4);
  for (Hash& h : absent) {
    for (uint8_t& b : h.bytes) b = static_cast<uint8_t>(random());
  }
  uint64_t hits = 0;
  // A first pass maps the pages into this process (a daemon's have long been); the figures are
  // from the second, still out of the CPU's caches (random order over the whole store).
  NsPerCall(
      known, [&](const uint8_t* h) { return db.Find(HashKind::kSha1, h).found; }, &hits);
  NsPerCall(
      absent, [&](const uint8_t* h) { return db.MaybeContains(HashKind::kSha1, h); }, &hits);
  const double exact_known = NsPerCall(
      known, [&](const uint8_t* h) { return db.Find(HashKind::kSha1, h).found; }, &hits);
  const uint64_t exact_found = hits;
  const double exact_absent = NsPerCall(
      absent, [&](const uint8_t* h) { return db.Find(HashKind::kSha1, h).found; }, &hits);
  const uint64_t exact_false = hits;
  const double filter_known = NsPerCall(
      known, [&](const uint8_t* h) { return db.MaybeContains(HashKind::kSha1, h); }, &hits);
  const uint64_t filter_found = hits;
  const double filter_absent = NsPerCall(
      absent, [&](const uint8_t* h) { return db.MaybeContains(HashKind::kSha1, h); }, &hits);
  std::printf(
      "lookups in random order: exact store %.0f ns (present) / %.0f ns (absent), found "
      "%llu of %zu, %llu false; filter %.0f ns / %.0f ns, found %llu of %zu\n",
      exact_known, exact_absent, static_cast<unsigned long long>(exact_found), known.size(),
      static_cast<unsigned long long>(exact_false), filter_known, filter_absent,
      static_cast<unsigned long long>(filter_found), known.size());
  const auto find_many = [&](const auto& in, auto& out) { db.FindMany(HashKind::kSha1, in, out); };
  const auto maybe_many = [&](const auto& in, auto& out) {
    db.MaybeContainsMany(HashKind::kSha1, in, out);
  };
  uint64_t batched_hits[4];
  const double batched[4] = {NsPerBatchedHash(known, find_many, &batched_hits[0]),
                             NsPerBatchedHash(absent, find_many, &batched_hits[1]),
                             NsPerBatchedHash(known, maybe_many, &batched_hits[2]),
                             NsPerBatchedHash(absent, maybe_many, &batched_hits[3])};
  std::printf(
      "batched lookups (breach query), random order, worst of 3 runs: exact store %.0f ns "
      "(present) / %.0f ns "
      "(absent) per hash, found %llu of %zu, %llu false; filter %.0f ns / %.0f ns, found %llu\n",
      batched[0], batched[1], static_cast<unsigned long long>(batched_hits[0]), known.size(),
      static_cast<unsigned long long>(batched_hits[1]), batched[2], batched[3],
      static_cast<unsigned long long>(batched_hits[2]));
  std::printf("this machine: one dependent random read from memory takes %.0f ns\n",
              RandomReadNs());
  std::printf("filter false positives: %llu of %zu absent hashes = %.3f %%\n",
              static_cast<unsigned long long>(hits), absent.size(),
              100.0 * static_cast<double>(hits) / static_cast<double>(absent.size()));
  const bool batched_agree = batched_hits[0] == known.size() && batched_hits[1] == exact_false &&
                             batched_hits[2] == known.size() && batched_hits[3] == hits;
  return exact_found == known.size() && filter_found == known.size() && batched_agree ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::strcmp(argv[1], "corpus") == 0) {
    return Corpus(std::strtoull(argv[2], nullptr, 10), argv[3], argv[4]);
  }
  if (argc == 4 && std::strcmp(argv[1], "query") == 0) return Query(argv[2], argv[3]);
  std::fputs("usage: bench_breach corpus N FILE|- KNOWN | query DB KNOWN\n", stderr);
  return 2;
}
