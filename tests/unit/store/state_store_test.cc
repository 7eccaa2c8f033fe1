#include "store/state_store.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

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

TEST(Journal, FramesReadBackAndATornTailIsCutOff) {
  std::string data;
  Journal::Frame("one", data);
  Journal::Frame("two", data);
  const size_t intact = data.size();
  Journal::Frame("three", data);
  data.resize(data.size() - 2);  // a crash mid-write
  std::vector<std::string> seen;
  EXPECT_EQ(ReadFrames(data, [&](std::string_view p) { seen.emplace_back(p); }), intact);
  EXPECT_EQ(seen, (std::vector<std::string>{"one", "two"}));
  data[10] ^= 1;  // a flipped bit inside "one"
  seen.clear();
  EXPECT_EQ(ReadFrames(data, [&](std::string_view p) { seen.emplace_back(p); }), 0u);
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
  EXPECT_EQ(stats->familiarity, 4u);  // /24, /16, device, habit
  EXPECT_EQ(stats->blocks, 1u);
  const uint64_t alice = engine.LoginDigest("alice@example.com");
  EXPECT_EQ(engine.FamiliarityOf(alice, *core::IpAddress::Parse("81.17.5.20"), "", kNow),
            detect::Familiarity::kPrefix);
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
  EXPECT_EQ(stats->corrupt_tails, 1u);
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
