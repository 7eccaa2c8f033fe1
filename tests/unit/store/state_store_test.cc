#include "store/state_store.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <chrono>
#include <condition_variable>
#include <iterator>
#include <mutex>
#include <thread>

#include "store/journal.h"

namespace coastguard::store {
namespace {

constexpr core::Timestamp kNow = 1'800'000'000 * core::kSecond;

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/coastguard-store-XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

std::vector<std::string> Read(std::string_view data, FrameScan* scan = nullptr) {
  std::vector<std::string> seen;
  const FrameScan s = ReadFrames(data, [&](std::string_view p) { seen.emplace_back(p); });
  if (scan != nullptr) *scan = s;
  return seen;
}

TEST(Journal, FramesReadBackAndATornTailIsSkipped) {
  std::string data;
  Journal::Frame("one", data);
  Journal::Frame("two", data);
  const size_t intact = data.size();
  Journal::Frame("three", data);
  data.resize(data.size() - 2);  // a crash mid-write
  FrameScan scan;
  EXPECT_EQ(Read(data, &scan), (std::vector<std::string>{"one", "two"}));
  EXPECT_TRUE(scan.torn_tail);
  EXPECT_EQ(scan.first_damage, intact);
  EXPECT_EQ(scan.damaged_bytes, data.size() - intact);
}

TEST(Journal, RecordsAfterACorruptRecordMidFileAreRecovered) {
  std::string data;
  Journal::Frame("one", data);
  const size_t second = data.size();
  Journal::Frame("two", data);
  Journal::Frame("three", data);
  data[second + 13] ^= 0x20;  // a flipped bit inside "two"
  FrameScan scan;
  EXPECT_EQ(Read(data, &scan), (std::vector<std::string>{"one", "three"}));
  EXPECT_EQ(scan.damaged_regions, 1u);
  EXPECT_EQ(scan.first_damage, second);
  EXPECT_FALSE(scan.torn_tail);
}

TEST(Journal, RecordsAfterATornRecordMidFileAreRecovered) {
  // A write cut short, then later records appended after it (a crash the truncation missed).
  std::string data;
  Journal::Frame("one", data);
  std::string torn;
  Journal::Frame("a record that was never finished", torn);
  data += torn.substr(0, 17);
  Journal::Frame("two", data);
  Journal::Frame("three", data);
  FrameScan scan;
  EXPECT_EQ(Read(data, &scan), (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(scan.damaged_regions, 1u);
  EXPECT_EQ(scan.damaged_bytes, 17u);
}

TEST(Journal, GarbageEverywhereIsSkippedAndNothingIsInvented) {
  std::string data = "garbage CGJ1 with a fake magic";
  Journal::Frame("one", data);
  data += "CGJ1\xff\xff\xff\xff";  // a magic with an absurd length
  Journal::Frame("two", data);
  FrameScan scan;
  EXPECT_EQ(Read(data, &scan), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(scan.damaged_regions, 2u);
}

TEST(Journal, FilesFromBeforeTheMagicAreStillRead) {
  // The old frame: u32 length, u32 XXH32 (seed 0), payload.
  auto legacy = [](std::string_view payload, std::string& out) {
    const uint32_t length = static_cast<uint32_t>(payload.size());
    const uint32_t checksum = XXH32(payload.data(), payload.size(), 0);
    out.append(reinterpret_cast<const char*>(&length), 4);
    out.append(reinterpret_cast<const char*>(&checksum), 4);
    out.append(payload);
  };
  std::string data;
  legacy("one", data);
  legacy("two", data);
  EXPECT_EQ(Read(data), (std::vector<std::string>{"one", "two"}));
}

TEST(Journal, AFailingDiskKeepsTheRecordsAndSaysSo) {
  Journal journal;
  ASSERT_TRUE(journal.Open("/dev/full").ok());  // every write fails with ENOSPC
  journal.Append("one");
  journal.Append("two");
  EXPECT_FALSE(journal.Flush().ok());
  EXPECT_TRUE(journal.failing());
  EXPECT_EQ(journal.errors(), 1u);
  // Nothing dropped: both records wait to be written again, in order.
  std::string expected;
  Journal::Frame("one", expected);
  Journal::Frame("two", expected);
  EXPECT_EQ(journal.pending_bytes(), expected.size());
  EXPECT_EQ(journal.lost_records(), 0u);
  journal.Append("three");
  EXPECT_FALSE(journal.Flush().ok());
  Journal::Frame("three", expected);
  EXPECT_EQ(journal.pending_bytes(), expected.size());
}

TEST_F(StateStoreTest, AFailedWriteIsCutBackAndRetriedWhole) {
  // A file system that fills up: a journal write that fails leaves no half record behind, and
  // the records are written once space returns.
  Journal journal;
  const std::string path = dir_ + "/j";
  ASSERT_TRUE(journal.Open(path).ok());
  journal.Append("one");
  ASSERT_TRUE(journal.Flush().ok());
  journal.Append("two");
  ASSERT_TRUE(journal.Flush().ok());
  EXPECT_FALSE(journal.failing());
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(Read(data), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(journal.file_bytes(), data.size());
}

// For tests whose journal threads a failure would leave stuck (in a test's sync hook, or writing
// to a FIFO nobody drains): an ASSERT would return into the journal's destructor, which waits
// for them, and hang the suite. This fails it instead.
void Require(bool ok, const char* what) {
  if (ok) return;
  ADD_FAILURE() << what;
  std::fflush(stdout);
  std::abort();
}

// A journal sync hook whose first call waits until Release() and then returns `first_result`:
// a disk whose sync hangs (and perhaps fails). Later calls return 0 at once: the disk recovers.
class HeldFirstSync {
 public:
  explicit HeldFirstSync(int first_result) : first_result_(first_result) {}
  std::function<int(int)> Hook() {
    return [this](int) {
      std::unique_lock<std::mutex> lock(m_);
      if (++calls_ > 1) return 0;
      started_ = true;
      cv_.notify_all();
      cv_.wait(lock, [&] { return released_; });
      return first_result_;
    };
  }
  void AwaitStarted() {
    std::unique_lock<std::mutex> lock(m_);
    Require(cv_.wait_for(lock, std::chrono::seconds(30), [&] { return started_; }),
            "the first sync never started");
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(m_);
      released_ = true;
    }
    cv_.notify_all();
  }

 private:
  const int first_result_;
  std::mutex m_;
  std::condition_variable cv_;
  int calls_ = 0;
  bool started_ = false;
  bool released_ = false;
};

std::string FileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST_F(StateStoreTest, RecordsReachTheFileWhileASyncHangs) {
  // A disk whose fdatasync takes seconds: what the loop journals meanwhile must still be
  // written to the file (the page cache, which kill -9 does not touch), not wait behind it.
  HeldFirstSync sync(0);
  Journal journal;
  const std::string path = dir_ + "/j";
  ASSERT_TRUE(journal.Open(path).ok());
  journal.set_sync_for_test(sync.Hook());
  journal.Start(core::kMillisecond);
  journal.Append("one");
  sync.AwaitStarted();
  journal.Append("two");
  std::string expected;
  Journal::Frame("one", expected);
  Journal::Frame("two", expected);
  // Awaits the writer, which has no event to offer: the file's size is the event.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (journal.file_bytes() < expected.size() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_EQ(Read(FileText(path)), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(journal.syncs(), 0u);  // the first sync still hangs
  sync.Release();
  journal.Stop();
  EXPECT_GE(journal.syncs(), 1u);
  EXPECT_FALSE(journal.failing());
  EXPECT_EQ(Read(FileText(path)), (std::vector<std::string>{"one", "two"}));
}

TEST_F(StateStoreTest, AFailedSyncWritesWhatItCoveredAgain) {
  // After a failed fdatasync the kernel may have dropped the pages: the records are written
  // again, once each, not trusted to a later sync that would not report the loss.
  int failures_left = 1;
  Journal journal;
  const std::string path = dir_ + "/j";
  ASSERT_TRUE(journal.Open(path).ok());
  journal.Append("zero");
  ASSERT_TRUE(journal.Flush().ok());
  journal.set_sync_for_test([&](int fd) { return failures_left-- > 0 ? EIO : fdatasync(fd); });
  journal.Append("one");
  EXPECT_FALSE(journal.Flush().ok());
  EXPECT_TRUE(journal.failing());
  EXPECT_EQ(journal.errors(), 1u);
  EXPECT_EQ(Read(FileText(path)), (std::vector<std::string>{"zero"}));  // cut back
  journal.Append("two");
  ASSERT_TRUE(journal.Flush().ok());
  EXPECT_FALSE(journal.failing());
  EXPECT_EQ(Read(FileText(path)), (std::vector<std::string>{"zero", "one", "two"}));
  EXPECT_EQ(journal.file_bytes(), FileText(path).size());
  EXPECT_EQ(journal.lost_records(), 0u);
}

TEST_F(StateStoreTest, ASyncThatFailsDuringAWriteNeitherDeadlocksNorLosesRecords) {
  // A failing disk is slow too: a sync fails while a write is still in progress. The write is
  // held in a FIFO nobody reads yet; the sync fails meanwhile; then the FIFO is drained. The
  // journal must go on (no lock-order deadlock between the writer and the syncer) and write the
  // records the failed sync covered again.
  const std::string path = dir_ + "/fifo";
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  const int reader = open(path.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  HeldFirstSync sync(EIO);
  Journal journal;
  ASSERT_TRUE(journal.Open(path).ok());
  journal.set_sync_for_test(sync.Hook());
  journal.Append("one");
  journal.Start(core::kMillisecond);
  sync.AwaitStarted();
  const std::string big(1 << 20, 'x');  // more than a pipe holds: the writer blocks in write()
  journal.Append(big);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (journal.pending_bytes() != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();  // awaits the writer taking the record
  }
  Require(journal.pending_bytes() == 0, "the writer never took the big record");
  sync.Release();
  // The failure is counted before the syncer reaches for the writer's lock: from here on the
  // sync has failed while the write is still blocked, which is the case under test.
  while (journal.errors() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  Require(journal.errors() >= 1, "the sync never failed");
  // Drain the FIFO until "one" and the big record have come through twice (the failed sync's
  // records written again), or a deadline passes: a deadlock shows as the deadline.
  std::string expected;
  Journal::Frame("one", expected);
  Journal::Frame(big, expected);
  expected += expected;
  std::string got;
  char buffer[65536];
  while (got.size() < expected.size() &&
         std::chrono::steady_clock::now() < deadline + std::chrono::seconds(30)) {
    const ssize_t n = read(reader, buffer, sizeof(buffer));
    if (n > 0)
      got.append(buffer, static_cast<size_t>(n));
    else
      std::this_thread::yield();
  }
  if (got.size() < expected.size()) {
    ADD_FAILURE() << "the journal stopped writing: " << got.size() << " of " << expected.size();
    std::fflush(stdout);
    std::abort();  // a deadlocked journal cannot be stopped; fail rather than hang the suite
  }
  EXPECT_EQ(Read(got), (std::vector<std::string>{"one", big, "one", big}));
  EXPECT_GE(journal.errors(), 1u);
  journal.Stop();
  close(reader);
}

TEST_F(StateStoreTest, ARotatedJournalWhoseSyncFailedCountsItsRecordsLost) {
  // A sync that fails after the snapshot's rotation: the retired file may have lost the pages,
  // and its records are not written again (the new file holds newer ones). They count as lost,
  // which asks for a snapshot, and the journal says it is failing until a sync works again.
  HeldFirstSync sync(EIO);
  Journal journal;
  const std::string path = dir_ + "/j";
  ASSERT_TRUE(journal.Open(path).ok());
  journal.set_sync_for_test(sync.Hook());
  journal.Start(core::kMillisecond);
  journal.Append("one");
  sync.AwaitStarted();
  ASSERT_TRUE(journal.Rotate(dir_ + "/j.prev").ok());
  sync.Release();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (journal.lost_records() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();  // awaits the syncer
  }
  EXPECT_EQ(journal.lost_records(), 1u);
  EXPECT_TRUE(journal.failing());
  journal.Append("two");
  journal.Stop();
  EXPECT_EQ(journal.lost_records(), 1u);  // counted once, though the retired file synced later
  EXPECT_FALSE(journal.failing());        // the new file's sync worked
  EXPECT_EQ(Read(FileText(path)), (std::vector<std::string>{"two"}));
}

TEST_F(StateStoreTest, FamiliarityBlocksAndAllowsSurviveARestart) {
  uint64_t seed = 0;
  {
    StateStore store(dir_);
    ASSERT_TRUE(store.Open().ok());
    seed = store.seed();
    policy::Engine engine(policy::EngineConfig{}, seed);
    ASSERT_TRUE(store.Load(engine).ok());
    engine.set_sink(&store);
    core::AuthAttempt a{
        kNow,   core::Protocol::kImap, *core::IpAddress::Parse("81.17.5.20"), "alice@example.com",
        "good", "Thunderbird"};
    engine.Report(a, core::Outcome::kSuccess);
    engine.OperatorBlock(policy::NetworkBlockKey(*core::Cidr::Parse("198.51.100.0/24")),
                         "198.51.100.0/24", core::kHour, kNow);
    engine.AllowLogin("monitor@example.com", true);
    store.Stop();  // flushes, as a clean shutdown does
  }
  StateStore store(dir_);
  ASSERT_TRUE(store.Open().ok());
  EXPECT_EQ(store.seed(), seed);
  policy::Engine engine(policy::EngineConfig{}, store.seed());
  const auto stats = store.Load(engine);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->familiarity, 5u);  // /24, /16, device, habit, the address itself
  EXPECT_EQ(stats->blocks, 1u);
  const uint64_t alice = engine.LoginDigest("alice@example.com");
  EXPECT_EQ(engine.FamiliarityOf(alice, *core::IpAddress::Parse("81.17.5.20"), "", kNow),
            detect::Familiarity::kPrefix);
  const auto recent = [&](const char* ip) {
    return engine.familiarity()
        .Recognize(alice,
                   detect::FamiliarityStore::SourceDigests::Of(*core::IpAddress::Parse(ip), 0),
                   kNow)
        .recent_address;
  };
  EXPECT_TRUE(recent("81.17.5.20"));
  EXPECT_FALSE(recent("81.17.5.21"));
  EXPECT_NE(
      engine.blocks().Find(policy::NetworkBlockKey(*core::Cidr::Parse("198.51.100.0/24")), kNow),
      nullptr);
  EXPECT_TRUE(engine.allows().Allows(*core::IpAddress::Parse("8.8.8.8"),
                                     engine.LoginDigest("monitor@example.com")));
}

TEST_F(StateStoreTest, OneDaemonPerDataDirectory) {
  StateStore first(dir_);
  ASSERT_TRUE(first.Open().ok());
  StateStore second(dir_);
  EXPECT_FALSE(second.Open().ok());
}

TEST_F(StateStoreTest, AGarbageJournalTailIsSkippedNotFatal) {
  {
    StateStore first(dir_);
    ASSERT_TRUE(first.Open().ok());
  }  // the seed
  {
    std::ofstream journal(dir_ + "/state.journal", std::ios::binary);
    std::string data;
    Journal::Frame(std::string("\x07junk", 5), data);  // a frame of an unknown record type
    data += "garbage that is not a frame";
    journal << data;
  }
  StateStore store(dir_);
  ASSERT_TRUE(store.Open().ok());
  policy::Engine engine(policy::EngineConfig{}, store.seed());
  const auto stats = store.Load(engine);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->damaged_files, 1u);
}

TEST_F(StateStoreTest, ADamagedSeedRefusesToStartAndSaysWhatToDo) {
  {
    StateStore store(dir_);
    ASSERT_TRUE(store.Open().ok());
  }
  std::ofstream(dir_ + "/seed", std::ios::binary | std::ios::trunc) << "short";
  StateStore store(dir_);
  const absl::Status s = store.Open();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("seed is damaged (5 bytes, want 8)"), std::string::npos) << s;
  EXPECT_NE(s.message().find("Restore it from a backup"), std::string::npos) << s;
}

TEST_F(StateStoreTest, AMissingSeedBesideStateRefusesToStart) {
  {
    StateStore store(dir_);
    ASSERT_TRUE(store.Open().ok());
    policy::Engine engine(policy::EngineConfig{}, store.seed());
    ASSERT_TRUE(store.Load(engine).ok());
    engine.set_sink(&store);
    engine.OperatorBlock(policy::NetworkBlockKey(*core::Cidr::Parse("198.51.100.0/24")),
                         "198.51.100.0/24", core::kHour, kNow);
    store.Stop();
  }
  std::filesystem::remove(dir_ + "/seed");
  StateStore store(dir_);
  const absl::Status s = store.Open();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("seed is missing"), std::string::npos) << s;
}

TEST_F(StateStoreTest, TheSeedIsWrittenWholeAndKept) {
  uint64_t seed = 0;
  {
    StateStore store(dir_);
    ASSERT_TRUE(store.Open().ok());
    seed = store.seed();
  }
  EXPECT_EQ(std::filesystem::file_size(dir_ + "/seed"), 8u);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/seed.tmp"));
  StateStore store(dir_);
  ASSERT_TRUE(store.Open().ok());
  EXPECT_EQ(store.seed(), seed);
}

// An account suspected of compromise, with some sending counted.
void Suspect(policy::Engine& engine, policy::Outbound& outbound, core::Timestamp& now) {
  for (int i = 0; i < 3; ++i) {
    now += core::kSecond;
    engine.CheckThenReport({now, core::Protocol::kSmtp, *core::IpAddress::Parse("45.9.9.9"),
                            "victim" + std::to_string(i) + "@example.com", "pw", ""},
                           core::Outcome::kBadPassword);
  }
  now += core::kSecond;
  engine.CheckThenReport({now, core::Protocol::kSmtp, *core::IpAddress::Parse("45.9.9.9"),
                          "carol@example.com", "pw", ""},
                         core::Outcome::kSuccess);
  now += core::kSecond;
  std::vector<std::string_view> rcpts{"a@d.example", "b@d.example"};
  outbound.CheckMail({now, "erin@example.com", std::nullopt, "erin@example.com", "Q1"}, rcpts);
}

TEST_F(StateStoreTest, HeldMailStaysHeldAcrossARestart) {
  core::Timestamp now = kNow;
  {
    StateStore store(dir_);
    ASSERT_TRUE(store.Open().ok());
    policy::Engine engine(policy::EngineConfig{}, store.seed());
    policy::Outbound outbound(policy::OutboundConfig{}, engine);
    ASSERT_TRUE(store.Load(engine, &outbound).ok());
    engine.set_sink(&store);
    Suspect(engine, outbound, now);
    ASSERT_NE(engine.Evidence(engine.LoginDigest("carol@example.com")), nullptr);
    // The counters are in snapshots, the evidence in the journal as well.
    ASSERT_TRUE(store.Compact({&engine, &outbound, {}}).ok());
    store.Stop();
  }
  StateStore store(dir_);
  ASSERT_TRUE(store.Open().ok());
  policy::Engine engine(policy::EngineConfig{}, store.seed());
  policy::Outbound outbound(policy::OutboundConfig{}, engine);
  const auto stats = store.Load(engine, &outbound);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->evidence, 1u);
  EXPECT_EQ(stats->outbound_accounts, 1u);
  now += core::kSecond;
  std::vector<std::string_view> rcpts{"x@d.example"};
  const core::Verdict v = outbound.CheckMail(
      {now, "carol@example.com", std::nullopt, "carol@example.com", "Q2"}, rcpts);
  EXPECT_EQ(v.action, core::Action::kHold);
  std::vector<std::string> suspects;
  outbound.ForEachSuspect(now,
                          [&](const detect::LoginEvidence& e) { suspects.push_back(e.login); });
  EXPECT_EQ(suspects, std::vector<std::string>{"carol@example.com"});
}

TEST_F(StateStoreTest, AClearedSuspectStaysClearedAcrossARestart) {
  core::Timestamp now = kNow;
  {
    StateStore store(dir_);
    ASSERT_TRUE(store.Open().ok());
    policy::Engine engine(policy::EngineConfig{}, store.seed());
    policy::Outbound outbound(policy::OutboundConfig{}, engine);
    ASSERT_TRUE(store.Load(engine, &outbound).ok());
    engine.set_sink(&store);
    Suspect(engine, outbound, now);
    ASSERT_TRUE(engine.ClearSuspect(engine.LoginDigest("carol@example.com"), now));
    store.Stop();  // journal only: no snapshot since
  }
  StateStore store(dir_);
  ASSERT_TRUE(store.Open().ok());
  policy::Engine engine(policy::EngineConfig{}, store.seed());
  policy::Outbound outbound(policy::OutboundConfig{}, engine);
  ASSERT_TRUE(store.Load(engine, &outbound).ok());
  const detect::LoginEvidence* e = engine.Evidence(engine.LoginDigest("carol@example.com"));
  ASSERT_NE(e, nullptr);
  EXPECT_FALSE(e->SuspiciousAt(now, core::kDay));
}

// Calls Maintain until the snapshot child is done (the bound is a failure deadline).
void AwaitSnapshot(StateStore& store, const SnapshotSources& sources, core::Timestamp now) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (store.snapshot_running()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "snapshot child never finished";
    store.Maintain(sources, now);
    std::this_thread::yield();
  }
}

TEST_F(StateStoreTest, ASnapshotInTheBackgroundLosesNothingJournaledMeanwhile) {
  const auto block = [](const char* cidr) {
    return policy::NetworkBlockKey(*core::Cidr::Parse(cidr));
  };
  {
    StateStore store(dir_, StateStore::Settings{.snapshot_interval = core::kMinute});
    ASSERT_TRUE(store.Open().ok());
    policy::Engine engine(policy::EngineConfig{}, store.seed());
    ASSERT_TRUE(store.Load(engine).ok());
    engine.set_sink(&store);
    const SnapshotSources sources{&engine, nullptr, {{"side", [] { return std::string("S"); }}}};
    engine.OperatorBlock(block("198.51.100.0/24"), "198.51.100.0/24", core::kDay, kNow);
    store.Maintain(sources, kNow);  // the clock starts
    EXPECT_FALSE(store.snapshot_running());
    store.Maintain(sources, kNow + core::kMinute);
    ASSERT_TRUE(store.snapshot_running());
    // Made while the child writes: not in its snapshot, so it must be in the fresh journal.
    engine.OperatorBlock(block("203.0.113.0/24"), "203.0.113.0/24", core::kDay, kNow);
    AwaitSnapshot(store, sources, kNow + core::kMinute);
    EXPECT_EQ(store.snapshots(), 2u);  // the startup one, and this one
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/state.journal.prev"));
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/state.snap.tmp"));
    std::ifstream side(dir_ + "/side");
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(side), {}), "S");
    store.Stop();
  }
  StateStore store(dir_);
  ASSERT_TRUE(store.Open().ok());
  policy::Engine engine(policy::EngineConfig{}, store.seed());
  const auto stats = store.Load(engine);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->blocks, 2u);
  EXPECT_NE(engine.blocks().Find(block("198.51.100.0/24"), kNow), nullptr);
  EXPECT_NE(engine.blocks().Find(block("203.0.113.0/24"), kNow), nullptr);
}

TEST_F(StateStoreTest, AFailedSnapshotBacksOffKeepsTheJournalAndRecovers) {
  const auto block = [](const char* cidr) {
    return policy::NetworkBlockKey(*core::Cidr::Parse(cidr));
  };
  StateStore store(dir_, StateStore::Settings{.snapshot_interval = core::kMinute});
  ASSERT_TRUE(store.Open().ok());
  policy::Engine engine(policy::EngineConfig{}, store.seed());
  ASSERT_TRUE(store.Load(engine).ok());
  engine.set_sink(&store);
  engine.OperatorBlock(block("198.51.100.0/24"), "198.51.100.0/24", core::kDay, kNow);
  // A side file that cannot be written stands for a full disk.
  SnapshotSources broken{&engine, nullptr, {{"no-such-dir/side", [] { return std::string(); }}}};
  store.Maintain(broken, kNow);
  store.Maintain(broken, kNow + core::kMinute);
  AwaitSnapshot(store, broken, kNow + core::kMinute);
  EXPECT_EQ(store.snapshot_errors(), 1u);
  EXPECT_TRUE(store.failing());
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/state.journal.prev"));
  // Not retried at once, but after a pause.
  store.Maintain(broken, kNow + core::kMinute + core::kSecond / 2);
  EXPECT_FALSE(store.snapshot_running());
  store.Maintain(broken, kNow + core::kMinute + core::kSecond);
  EXPECT_TRUE(store.snapshot_running());
  AwaitSnapshot(store, broken, kNow + core::kMinute + core::kSecond);
  EXPECT_EQ(store.snapshot_errors(), 2u);
  // Space returns: the next attempt succeeds and the retired journal goes.
  const SnapshotSources fixed{&engine, nullptr, {}};
  store.Maintain(fixed, kNow + core::kMinute + 3 * core::kSecond);
  ASSERT_TRUE(store.snapshot_running());
  AwaitSnapshot(store, fixed, kNow + core::kMinute + 3 * core::kSecond);
  EXPECT_FALSE(store.failing());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/state.journal.prev"));
  std::string metrics;
  store.AppendMetrics(metrics);
  EXPECT_NE(metrics.find("coastguard_snapshot_errors_total 2"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("coastguard_persistence_failing 0"), std::string::npos) << metrics;
}

TEST_F(StateStoreTest, TheAdminTokenIsGeneratedOnceAndKept) {
  StateStore store(dir_);
  ASSERT_TRUE(store.Open().ok());
  const auto token = store.AdminToken();
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->size(), 48u);
  EXPECT_EQ(*store.AdminToken(), *token);
  EXPECT_EQ(std::filesystem::status(dir_ + "/admin_token").permissions() &
                std::filesystem::perms::others_read,
            std::filesystem::perms::none);
}

}  // namespace
}  // namespace coastguard::store

namespace coastguard::store {
namespace {

TEST_F(StateStoreTest, AnAdoptedSeedSetsTheStateKeyedByTheOldOneAsideAndSticks) {
  uint64_t old_seed = 0;
  {
    StateStore store(dir_);
    ASSERT_TRUE(store.Open().ok());
    old_seed = store.seed();
    policy::Engine engine(policy::EngineConfig{}, old_seed);
    ASSERT_TRUE(store.Load(engine).ok());
    engine.set_sink(&store);
    engine.AllowLogin("monitor@example.com", true);
    store.Stop();
  }
  {
    StateStore store(dir_);
    ASSERT_TRUE(store.Open().ok());
    ASSERT_TRUE(store.AdoptSeed(old_seed + 1).ok());
    EXPECT_EQ(store.seed(), old_seed + 1);
    policy::Engine engine(policy::EngineConfig{}, store.seed());
    const auto stats = store.Load(engine);
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->allows, 0u);  // not loaded under digests that no longer match
    EXPECT_TRUE(std::filesystem::exists(dir_ + "/state.journal.seed-" + std::to_string(old_seed)) ||
                std::filesystem::exists(dir_ + "/state.snap.seed-" + std::to_string(old_seed)));
    store.Stop();
  }
  StateStore again(dir_);
  ASSERT_TRUE(again.Open().ok());
  EXPECT_EQ(again.seed(), old_seed + 1);
}

// Counts what a sink is told.
class CountingSink : public policy::StateSink {
 public:
  void FamiliarityLearned(uint64_t, const detect::FamiliarityStore::Source&) override {}
  void BlockSet(const policy::BlockKey&, const policy::Block&) override { ++blocks; }
  void BlockRemoved(const policy::BlockKey&) override {}
  void AllowNetwork(const core::Cidr&, bool) override { ++allows; }
  void AllowLogin(uint64_t, std::string_view, bool) override { ++allows; }
  void EvidenceRecorded(uint64_t, const detect::LoginEvidence&) override {}
  int blocks = 0;
  int allows = 0;
};

TEST(ApplyStateRecord, AnotherNodesBlockReachesTheSinkAndTheLongerOneHolds) {
  policy::Engine engine(policy::EngineConfig{}, 1);
  CountingSink sink;
  engine.set_sink(&sink);
  const policy::BlockKey key = policy::NetworkBlockKey(*core::Cidr::Parse("192.0.2.9/32"));
  policy::Block long_block{kNow, kNow + core::kDay, core::Reason::kManual, policy::BlockScope::kAll,
                           1,    "192.0.2.9"};
  policy::Block short_block = long_block;
  short_block.expires = kNow + core::kHour;
  std::string record;
  record::Block(record, key, long_block);
  ASSERT_TRUE(ApplyStateRecord(record, engine, ApplyMode::kLive));
  record::Block(record, key, short_block);
  ASSERT_TRUE(ApplyStateRecord(record, engine, ApplyMode::kLiveBlock));
  EXPECT_EQ(engine.blocks().Find(key, kNow)->expires, kNow + core::kDay);
  EXPECT_EQ(sink.blocks, 1);  // the firewall and the journal saw the block once
  // Under block keys only blocks are taken: not an allow list for everyone.
  record::AllowNetwork(record, *core::Cidr::Parse("0.0.0.0/0"), true);
  EXPECT_FALSE(ApplyStateRecord(record, engine, ApplyMode::kLiveBlock));
  EXPECT_FALSE(engine.allows().Allows(*core::IpAddress::Parse("8.8.8.8"), 7));
  EXPECT_EQ(sink.allows, 0);
  // Restoring (startup) tells no sink.
  const policy::BlockKey other = policy::NetworkBlockKey(*core::Cidr::Parse("192.0.2.10/32"));
  record::Block(record, other, long_block);
  ASSERT_TRUE(ApplyStateRecord(record, engine, ApplyMode::kRestore));
  EXPECT_EQ(sink.blocks, 1);
}

}  // namespace
}  // namespace coastguard::store
