#include "breach/importer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "breach/database.h"
#include "breach/store.h"
#include "breach/store_format.h"
#include "core/crypto.h"

namespace coastguard::breach {
namespace {

namespace fs = std::filesystem;

std::string UpperHex(const unsigned char* bytes, size_t size) {
  std::string out;
  AppendHexNibbles(bytes, 0, 2 * size, out);
  return out;
}

// A generated corpus: random hashes plus the SHA-1 of known passwords, with counts.
struct Corpus {
  std::map<std::string, uint32_t> counts;  // upper-case hex -> count, in hash order

  static Corpus Make(size_t random_hashes, size_t bytes, uint64_t seed) {
    Corpus corpus;
    std::mt19937_64 random(seed);
    for (size_t i = 0; i < random_hashes; ++i) {
      unsigned char hash[20];
      for (size_t b = 0; b < bytes; ++b) hash[b] = static_cast<unsigned char>(random());
      corpus.counts[UpperHex(hash, bytes)] = static_cast<uint32_t>(random() % 100000 + 1);
    }
    if (bytes == 20) {
      for (const auto& [password, count] :
           std::map<std::string, uint32_t>{{"password", 10434004}, {"letmein", 4567}}) {
        const auto hash = core::Sha1(password);
        corpus.counts[UpperHex(hash.data(), 20)] = count;
      }
    }
    return corpus;
  }
};

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/coastguard-breach-XXXXXX";
    dir_ = mkdtemp(pattern);
    db_ = dir_ + "/db";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  // One sorted file, CRLF, upper case: the monolithic download.
  std::string WriteSorted(const Corpus& corpus, const std::string& name = "pwned.txt") {
    std::string text;
    for (const auto& [hex, count] : corpus.counts)
      text += hex + ":" + std::to_string(count) + "\r\n";
    return WriteFile(name, text);
  }
  // The downloader's layout: one file per prefix, named after it, lines without the prefix.
  std::string WritePerPrefix(const Corpus& corpus) {
    std::map<std::string, std::string> files;
    for (const auto& [hex, count] : corpus.counts) {
      files[hex.substr(0, 5)] += hex.substr(5) + ":" + std::to_string(count) + "\n";
    }
    for (const auto& [prefix, text] : files) WriteFile("dl/" + prefix + ".txt", text);
    return dir_ + "/dl";
  }
  ImportSummary MustImport(std::vector<std::string> inputs, bool update = false) {
    ImportOptions options;
    options.db_dir = db_;
    options.inputs = std::move(inputs);
    options.update = update;
    absl::StatusOr<ImportSummary> summary = Import(options);
    EXPECT_TRUE(summary.ok()) << summary.status();
    return summary.ok() ? *summary : ImportSummary{};
  }
  // A --filter-only import of `corpus`, opened.
  std::unique_ptr<Store> ImportFilterOnly(const Corpus& corpus) {
    ImportOptions options;
    options.db_dir = db_;
    options.inputs = {WriteSorted(corpus)};
    options.exact = false;
    absl::StatusOr<ImportSummary> summary = Import(options);
    EXPECT_TRUE(summary.ok()) << summary.status();
    auto store = Store::Open(StorePath(db_, HashKind::kSha1));
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }
  static std::array<uint8_t, 20> Bytes(const std::string& hex) {
    HashEntry entry;
    EXPECT_EQ(ParseHashLine(hex, std::nullopt, std::nullopt, &entry), LineProblem::kNone);
    return entry.bytes;
  }
  static void ExpectAllCounts(const Store& store, const Corpus& corpus) {
    for (const auto& [hex, count] : corpus.counts) {
      const auto bytes = Bytes(hex);
      ASSERT_EQ(store.Count(bytes.data()), count) << hex;
      ASSERT_TRUE(store.MaybeContains(bytes.data())) << hex;
    }
  }

  std::string dir_;
  std::string db_;
};

TEST_F(ImporterTest, OneSortedFileGivesEveryCountBack) {
  const Corpus corpus = Corpus::Make(20000, 20, 1);
  const ImportSummary summary = MustImport({WriteSorted(corpus)});
  EXPECT_EQ(summary.kind, HashKind::kSha1);
  EXPECT_EQ(summary.hashes, corpus.counts.size());
  EXPECT_TRUE(summary.sorted);
  EXPECT_EQ(summary.bad_lines, 0u);
  auto store = Store::Open(StorePath(db_, HashKind::kSha1));
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->entries(), corpus.counts.size());
  ExpectAllCounts(**store, corpus);
  const auto absent = core::Sha1("a unique passphrase nobody has used");
  EXPECT_FALSE((*store)->Count(absent.data()));
}

TEST_F(ImporterTest, PerPrefixLayoutGivesTheSameStore) {
  const Corpus corpus = Corpus::Make(20000, 20, 2);
  const ImportSummary summary = MustImport({WritePerPrefix(corpus)});
  EXPECT_EQ(summary.hashes, corpus.counts.size());
  EXPECT_TRUE(summary.sorted);
  auto store = Store::Open(StorePath(db_, HashKind::kSha1));
  ASSERT_TRUE(store.ok()) << store.status();
  ExpectAllCounts(**store, corpus);
}

TEST_F(ImporterTest, NtlmIsDetectedAndStoredApart) {
  const Corpus corpus = Corpus::Make(5000, 16, 3);
  const ImportSummary summary = MustImport({WritePerPrefix(corpus)});
  EXPECT_EQ(summary.kind, HashKind::kNtlm);
  auto store = Store::Open(StorePath(db_, HashKind::kNtlm));
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->kind(), HashKind::kNtlm);
  ExpectAllCounts(**store, corpus);
  EXPECT_FALSE(fs::exists(StorePath(db_, HashKind::kSha1)));
}

TEST_F(ImporterTest, UnsortedLowerCaseInputIsSortedOnDisk) {
  const Corpus corpus = Corpus::Make(5000, 20, 4);
  std::vector<std::string> lines;
  for (const auto& [hex, count] : corpus.counts) {
    std::string lower = hex;
    for (char& c : lower) c = static_cast<char>(std::tolower(c));
    lines.push_back(lower + ":" + std::to_string(count) + "\n");
  }
  std::shuffle(lines.begin(), lines.end(), std::mt19937(5));
  std::string text;
  for (const std::string& line : lines) text += line;
  const ImportSummary summary = MustImport({WriteFile("shuffled.txt", text)});
  EXPECT_FALSE(summary.sorted);
  EXPECT_EQ(summary.hashes, corpus.counts.size());
  auto store = Store::Open(StorePath(db_, HashKind::kSha1));
  ASSERT_TRUE(store.ok()) << store.status();
  ExpectAllCounts(**store, corpus);
  EXPECT_FALSE(fs::exists(db_ + "/.import-sort"));
}

TEST_F(ImporterTest, BadLinesAreCountedAndNamedNeverFatal) {
  const std::string path = WriteFile("mixed.txt",
                                     "0000000000000000000000000000000000000001:5\n"
                                     "not a hash\n"
                                     "0000000000000000000000000000000000000002:many\n"
                                     "\n"
                                     "8846F7EAEE8FB117AD06BDD830B7586C:1\n"
                                     "0000000000000000000000000000000000000003:7\n");
  const ImportSummary summary = MustImport({path});
  EXPECT_EQ(summary.hashes, 2u);
  EXPECT_EQ(summary.bad_lines, 3u);
  ASSERT_EQ(summary.named.size(), 3u);
  EXPECT_EQ(summary.named[0].file, path);
  EXPECT_EQ(summary.named[0].line, 2u);
  EXPECT_EQ(summary.named[0].problem, LineProblem::kLength);
  EXPECT_EQ(summary.named[1].line, 3u);
  EXPECT_EQ(summary.named[1].problem, LineProblem::kBadCount);
  EXPECT_EQ(summary.named[2].line, 5u);
  EXPECT_EQ(summary.named[2].problem, LineProblem::kWrongKind);
}

TEST_F(ImporterTest, ReimportReplacesAtomicallyAndOpenReadersKeepTheOldStore) {
  const Corpus first = Corpus::Make(3000, 20, 6);
  MustImport({WriteSorted(first, "first.txt")});
  auto old_store = Store::Open(StorePath(db_, HashKind::kSha1));
  ASSERT_TRUE(old_store.ok());
  const Corpus second = Corpus::Make(3000, 20, 7);
  MustImport({WriteSorted(second, "second.txt")});
  // The open store still answers from the file it mapped; a new open sees the new corpus.
  ExpectAllCounts(**old_store, first);
  auto new_store = Store::Open(StorePath(db_, HashKind::kSha1));
  ASSERT_TRUE(new_store.ok());
  ExpectAllCounts(**new_store, second);
  EXPECT_NE((*new_store)->build_id(), (*old_store)->build_id());
  for (const auto& entry : fs::directory_iterator(db_)) {
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

TEST_F(ImporterTest, FailedImportLeavesTheCurrentStore) {
  const Corpus corpus = Corpus::Make(1000, 20, 8);
  MustImport({WriteSorted(corpus)});
  ImportOptions options;
  options.db_dir = db_;
  options.inputs = {dir_ + "/missing.txt"};
  EXPECT_FALSE(Import(options).ok());
  auto store = Store::Open(StorePath(db_, HashKind::kSha1));
  ASSERT_TRUE(store.ok());
  ExpectAllCounts(**store, corpus);
}

TEST_F(ImporterTest, AnInputThatFailsHalfwayLeavesTheCurrentStoreAndNoScratch) {
  const Corpus old_corpus = Corpus::Make(1000, 20, 15);
  MustImport({WriteSorted(old_corpus, "old.txt")});
  // The first input is read and written out; the second cannot be read (reading offset 0 of
  // /proc/self/mem fails with EIO).
  ImportOptions options;
  options.db_dir = db_;
  options.inputs = {WriteSorted(Corpus::Make(1000, 20, 16), "new.txt"), "/proc/self/mem"};
  const auto failed = Import(options);
  ASSERT_FALSE(failed.ok());
  auto store = Store::Open(StorePath(db_, HashKind::kSha1));
  ASSERT_TRUE(store.ok());
  ExpectAllCounts(**store, old_corpus);
  for (const auto& entry : fs::directory_iterator(db_)) {
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

TEST_F(ImporterTest, UpdateWritesOnlyWhatChangedAndDoesNotRewriteTheBase) {
  Corpus corpus = Corpus::Make(5000, 20, 9);
  MustImport({WriteSorted(corpus, "v1.txt")});
  const auto base_time = fs::last_write_time(StorePath(db_, HashKind::kSha1));
  // A newer download: three counts went up and two hashes are new.
  auto it = corpus.counts.begin();
  for (int i = 0; i < 3; ++i, ++it) it->second += 10;
  corpus.counts["FFFFF00000000000000000000000000000000001"] = 4;
  corpus.counts["00000000000000000000000000000000000000AA"] = 9;
  const ImportSummary summary = MustImport({WriteSorted(corpus, "v2.txt")}, true);
  EXPECT_EQ(summary.written, 5u);
  EXPECT_EQ(summary.path, DeltaPath(db_, HashKind::kSha1));
  EXPECT_EQ(fs::last_write_time(StorePath(db_, HashKind::kSha1)), base_time);
  auto base = Store::Open(StorePath(db_, HashKind::kSha1));
  auto delta = Store::Open(DeltaPath(db_, HashKind::kSha1));
  ASSERT_TRUE(base.ok() && delta.ok());
  EXPECT_EQ((*delta)->base_id(), (*base)->build_id());
  for (const auto& [hex, count] : corpus.counts) {
    const auto bytes = Bytes(hex);
    const auto in_delta = (*delta)->Count(bytes.data());
    ASSERT_EQ(in_delta ? *in_delta : (*base)->Count(bytes.data()).value_or(0), count) << hex;
  }
  // A second update keeps what the first one found, unless the new input supersedes it.
  corpus.counts["FFFFF00000000000000000000000000000000001"] = 6;
  const ImportSummary again = MustImport({WriteSorted(corpus, "v3.txt")}, true);
  EXPECT_EQ(again.written, 5u);
  auto delta2 = Store::Open(DeltaPath(db_, HashKind::kSha1));
  ASSERT_TRUE(delta2.ok());
  EXPECT_EQ((*delta2)->Count(Bytes("FFFFF00000000000000000000000000000000001").data()), 6u);
  EXPECT_EQ((*delta2)->Count(Bytes("00000000000000000000000000000000000000AA").data()), 9u);
}

// What Database::FindMany and MaybeContainsMany answer for each hash of a batch.
struct BatchAnswers {
  std::vector<Lookup> found;
  std::vector<Lookup> maybe;
};
BatchAnswers AskInBatch(const Database& db, std::span<const HashEntry> hashes) {
  BatchAnswers answers{std::vector<Lookup>(hashes.size()), std::vector<Lookup>(hashes.size())};
  db.FindMany(HashKind::kSha1, hashes, answers.found);
  db.MaybeContainsMany(HashKind::kSha1, hashes, answers.maybe);
  return answers;
}

TEST_F(ImporterTest, BatchedLookupsAnswerAsOneAtATime) {
  Corpus corpus = Corpus::Make(20000, 20, 21);
  // And 20,000 under one 16-bit prefix: about 1,250 per 20-bit prefix, as in a corpus of
  // 1.3 billion, so that a key's place strays from its estimate by more than a cache line.
  const Corpus dense = Corpus::Make(20000, 20, 24);
  for (const auto& [hex, count] : dense.counts) corpus.counts["ABCD" + hex.substr(4)] = count;
  MustImport({WriteSorted(corpus, "v1.txt")});
  // An update, so that the delta's answers take part: a count went up, a hash is new.
  corpus.counts.begin()->second += 7;
  corpus.counts["ABCDE00000000000000000000000000000000042"] = 3;
  MustImport({WriteSorted(corpus, "v2.txt")}, true);
  Database db(db_);
  db.Refresh();
  std::vector<HashEntry> hashes;
  std::mt19937_64 random(22);
  for (const auto& [hex, count] : corpus.counts) {
    HashEntry entry;
    entry.bytes = Bytes(hex);
    hashes.push_back(entry);
    // Absent, one bit away in the first 64: the walk must tell them apart from their neighbour.
    entry.bytes[7] ^= 1;
    hashes.push_back(entry);
    for (uint8_t& b : entry.bytes) b = static_cast<uint8_t>(random());
    hashes.push_back(entry);
  }
  std::shuffle(hashes.begin(), hashes.end(), random);
  // Batches shorter than the pipeline's depth and of every odd length too.
  for (const size_t size : {size_t{0}, size_t{1}, size_t{17}, size_t{100}, hashes.size()}) {
    const std::span<const HashEntry> batch(hashes.data(), size);
    const BatchAnswers answers = AskInBatch(db, batch);
    for (size_t i = 0; i < size; ++i) {
      const Lookup one = db.Find(HashKind::kSha1, batch[i].bytes.data());
      ASSERT_EQ(answers.found[i].found, one.found) << i;
      ASSERT_EQ(answers.found[i].count, one.count) << i;
      ASSERT_TRUE(answers.found[i].exact);
      ASSERT_EQ(answers.maybe[i].found, db.MaybeContains(HashKind::kSha1, batch[i].bytes.data()));
    }
  }
  const BatchAnswers answers = AskInBatch(db, hashes);
  size_t found = 0;
  for (size_t i = 0; i < hashes.size(); ++i) {
    if (!answers.found[i].found) continue;
    ++found;
    ASSERT_EQ(answers.found[i].count, corpus.counts.at(UpperHex(hashes[i].bytes.data(), 20)));
  }
  EXPECT_EQ(found, corpus.counts.size());
}

TEST_F(ImporterTest, BatchedLookupsOfAFilterOnlyStoreAreTheFiltersAnswers) {
  const Corpus corpus = Corpus::Make(5000, 20, 23);
  ASSERT_NE(ImportFilterOnly(corpus), nullptr);
  Database db(db_);
  db.Refresh();
  std::vector<HashEntry> hashes;
  for (const auto& [hex, count] : corpus.counts)
    hashes.push_back(HashEntry{Bytes(hex), 0, HashKind::kSha1});
  const BatchAnswers answers = AskInBatch(db, hashes);
  for (size_t i = 0; i < hashes.size(); ++i) {
    ASSERT_TRUE(answers.found[i].found && answers.maybe[i].found);
    ASSERT_FALSE(answers.found[i].exact);
  }
}

// Standard input reads from `path` while it lives.
class StdinFrom {
 public:
  explicit StdinFrom(const std::string& path) : saved_(::dup(STDIN_FILENO)) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    ::dup2(fd, STDIN_FILENO);
    ::close(fd);
  }
  ~StdinFrom() {
    ::dup2(saved_, STDIN_FILENO);
    ::close(saved_);
  }

 private:
  int saved_;
};

TEST_F(ImporterTest, ASortedStreamOnStdinGivesTheSameStore) {
  const Corpus corpus = Corpus::Make(20000, 20, 25);
  std::string text = "not a hash\r\n";
  for (const auto& [hex, count] : corpus.counts) text += hex + ":" + std::to_string(count) + "\n";
  const std::string path = WriteFile("stream.txt", text);
  ImportSummary summary;
  {
    StdinFrom stdin_from(path);
    summary = MustImport({"-"});
  }
  EXPECT_EQ(summary.hashes, corpus.counts.size());
  ASSERT_EQ(summary.named.size(), 1u);
  EXPECT_EQ(summary.named[0].file, "stdin");
  EXPECT_EQ(summary.named[0].line, 1u);
  auto store = Store::Open(StorePath(db_, HashKind::kSha1));
  ASSERT_TRUE(store.ok()) << store.status();
  ExpectAllCounts(**store, corpus);
}

TEST_F(ImporterTest, AnUnsortedStreamOnStdinIsRefusedAndTheStoreKept) {
  const Corpus corpus = Corpus::Make(100, 20, 26);
  MustImport({WriteSorted(corpus)});
  std::string text;
  for (auto it = corpus.counts.rbegin(); it != corpus.counts.rend(); ++it) {
    text += it->first + ":1\n";
  }
  const std::string path = WriteFile("reversed.txt", text);
  ImportOptions options;
  options.db_dir = db_;
  options.inputs = {"-"};
  absl::StatusOr<ImportSummary> summary;
  {
    StdinFrom stdin_from(path);
    summary = Import(options);
  }
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.status().message().find("save it to a file"), std::string::npos);
  auto store = Store::Open(StorePath(db_, HashKind::kSha1));
  ASSERT_TRUE(store.ok()) << store.status();
  ExpectAllCounts(**store, corpus);
  options.inputs = {"-", "-"};
  EXPECT_FALSE(Import(options).ok());
}

TEST_F(ImporterTest, FilterOnlyStoreAnswersMaybeWithoutTheExactPart) {
  const Corpus corpus = Corpus::Make(20000, 20, 10);
  const std::unique_ptr<Store> store = ImportFilterOnly(corpus);
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(store->has_exact());
  EXPECT_LT(store->file_bytes(), corpus.counts.size() * 2);  // about 9 bits per hash
  for (const auto& [hex, count] : corpus.counts) {
    ASSERT_TRUE(store->MaybeContains(Bytes(hex).data()));
    ASSERT_FALSE(store->Count(Bytes(hex).data()));
  }
}

TEST_F(ImporterTest, AFilterOnlyStoreOfAFewHashesIsWritten) {
  // Its filter's size is no multiple of 8: the alignment padding must not fail the import.
  const Corpus corpus = Corpus::Make(1, 20, 14);
  const std::unique_ptr<Store> store = ImportFilterOnly(corpus);
  ASSERT_NE(store, nullptr);
  for (const auto& [hex, count] : corpus.counts) {
    ASSERT_TRUE(store->MaybeContains(Bytes(hex).data()));
  }
}

TEST_F(ImporterTest, DamagedOrCutStoresAreRefusedWithTheReason) {
  MustImport({WriteSorted(Corpus::Make(1000, 20, 11))});
  const std::string path = StorePath(db_, HashKind::kSha1);
  fs::resize_file(path, fs::file_size(path) - 1);
  auto cut = Store::Open(path);
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("cut off"), std::string::npos);
  std::ofstream(path, std::ios::binary) << std::string(4096, 'x');
  auto garbage = Store::Open(path);
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.status().message().find("not a breach store"), std::string::npos);
}

TEST_F(ImporterTest, AFilterShardWhoseSlotsCouldLeaveTheFileIsRefused) {
  MustImport({WriteSorted(Corpus::Make(1000, 20, 12))});
  const std::string path = StorePath(db_, HashKind::kSha1);
  StoreHeader header;
  {
    std::ifstream in(path, std::ios::binary);
    in.read(reinterpret_cast<char*>(&header), sizeof(header));
  }
  ASSERT_NE(header.filter_offset, 0u);
  FilterShard shard;
  {
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(header.filter_offset));
    in.read(reinterpret_cast<char*>(&shard), sizeof(shard));
  }
  // Not whole segments: a slot could land up to a segment past the fingerprints.
  shard.segment_count_length -= 1;  // still below the old bound, so only the new rule refuses it
  {
    std::fstream out(path, std::ios::binary | std::ios::in | std::ios::out);
    out.seekp(static_cast<std::streamoff>(header.filter_offset));
    out.write(reinterpret_cast<const char*>(&shard), sizeof(shard));
  }
  auto damaged = Store::Open(path);
  ASSERT_FALSE(damaged.ok());
  EXPECT_NE(damaged.status().message().find("filter shard"), std::string::npos);
}

TEST_F(ImporterTest, TwoImportsIntoOneDatabaseDoNotRunAtOnce) {
  const std::string input = WriteSorted(Corpus::Make(100, 20, 13));
  fs::create_directories(db_);
  const int held = ::open((db_ + "/.import.lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(held, 0);
  ASSERT_EQ(::flock(held, LOCK_EX), 0);
  ImportOptions options;
  options.db_dir = db_;
  options.inputs = {input};
  const auto refused = Import(options);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("another import"), std::string::npos);
  ::close(held);
  EXPECT_TRUE(Import(options).ok());
}

}  // namespace
}  // namespace coastguard::breach
