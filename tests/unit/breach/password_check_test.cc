#include "breach/password_check.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "breach/importer.h"
#include "core/crypto.h"

namespace coastguard::breach {
namespace {

std::string Sha1Line(std::string_view password, uint32_t count) {
  const auto hash = core::Sha1(password);
  std::string hex;
  AppendHexNibbles(hash.data(), 0, 40, hex);
  return hex + ":" + std::to_string(count) + "\n";
}

class PasswordCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/coastguard-pwcheck-XXXXXX";
    dir_ = mkdtemp(pattern);
    // Sorted by hash, as HIBP ships it.
    std::vector<std::string> lines = {Sha1Line("Tr0ub4dor&3", 120), Sha1Line("iloveyou2", 77)};
    std::sort(lines.begin(), lines.end());
    std::ofstream corpus(dir_ + "/corpus.txt");
    for (const std::string& line : lines) corpus << line;
    corpus.close();
    ImportOptions options;
    options.db_dir = dir_ + "/db";
    options.inputs = {dir_ + "/corpus.txt"};
    ASSERT_TRUE(Import(options).ok());
    database_ = std::make_unique<Database>(options.db_dir);
    database_->Refresh();
    std::ofstream(dir_ + "/common.txt") << "#!comment: a list\n123456\nPassword\nqwerty\n";
    ASSERT_TRUE(common_.Load(dir_ + "/common.txt").ok());
    checker_ = std::make_unique<PasswordChecker>(database_.get(), &common_,
                                                 PasswordCheckSettings{8, {"examplemail"}});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<Weakness> Weaknesses(std::string_view password, std::string_view login = "") {
    PasswordCheckRequest request;
    request.password = password;
    request.login = login;
    return checker_->Check(request).weaknesses;
  }

  std::string dir_;
  std::unique_ptr<Database> database_;
  CommonPasswords common_;
  std::unique_ptr<PasswordChecker> checker_;
};

TEST_F(PasswordCheckTest, AUniqueLongPasswordIsOk) {
  PasswordCheckRequest request;
  request.password = "violet staple orbit canyon";
  request.login = "alice@example.com";
  const PasswordCheckResult result = checker_->Check(request);
  EXPECT_TRUE(result.ok);
  EXPECT_TRUE(result.weaknesses.empty());
  EXPECT_EQ(result.breach_count, 0u);
}

TEST_F(PasswordCheckTest, ABreachedPasswordIsRefusedWithItsCount) {
  PasswordCheckRequest request;
  request.password = "Tr0ub4dor&3";
  const PasswordCheckResult result = checker_->Check(request);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.weaknesses, std::vector<Weakness>{Weakness::kBreached});
  EXPECT_EQ(result.breach_count, 120u);
  EXPECT_NE(WeaknessMessage(Weakness::kBreached, 120, 8).find("120 times"), std::string::npos);
}

TEST_F(PasswordCheckTest, TheSha1AloneIsCheckedAgainstTheCorpus) {
  PasswordCheckRequest request;
  const auto hash = core::Sha1("iloveyou2");
  request.sha1.emplace();
  std::copy(hash.begin(), hash.end(), request.sha1->begin());
  const PasswordCheckResult result = checker_->Check(request);
  EXPECT_EQ(result.weaknesses, std::vector<Weakness>{Weakness::kBreached});
  EXPECT_EQ(result.breach_count, 77u);
}

TEST_F(PasswordCheckTest, CommonPasswordsMatchInAnyCase) {
  EXPECT_EQ(Weaknesses("PASSWORD"), (std::vector<Weakness>{Weakness::kCommon}));
  EXPECT_EQ(common_.size(), 3u);  // the comment line is not a password
}

TEST_F(PasswordCheckTest, ContextWordsAreTheLoginItsDomainAndTheServiceName) {
  EXPECT_EQ(Weaknesses("alice-in-1999", "alice@example.com"),
            std::vector<Weakness>{Weakness::kContextWord});
  EXPECT_EQ(Weaknesses("Example!Example", "alice@example.com"),
            std::vector<Weakness>{Weakness::kContextWord});
  EXPECT_EQ(Weaknesses("my examplemail pw", ""), std::vector<Weakness>{Weakness::kContextWord});
  // Digits for letters do not hide it.
  EXPECT_EQ(Weaknesses("4l1c3-forever", "alice@example.com"),
            std::vector<Weakness>{Weakness::kContextWord});
  // The request's own words count too.
  PasswordCheckRequest request;
  request.password = "springfield rocks";
  request.context = {"Springfield"};
  EXPECT_EQ(checker_->Check(request).weaknesses, std::vector<Weakness>{Weakness::kContextWord});
  // Nor does a short login part match inside a longer password.
  EXPECT_TRUE(Weaknesses("bobsleigh team 2024", "bo@example.com").empty());
}

TEST_F(PasswordCheckTest, TooShortCountsCharactersNotBytes) {
  EXPECT_EQ(Weaknesses("s7#kq2"), std::vector<Weakness>{Weakness::kTooShort});
  EXPECT_TRUE(Weaknesses("ñandú§öß").empty());  // 8 characters, 14 bytes
  EXPECT_EQ(Weaknesses("ñandú§ö"), std::vector<Weakness>{Weakness::kTooShort});
}

TEST_F(PasswordCheckTest, EveryReasonCanComeAtOnce) {
  std::ofstream(dir_ + "/common.txt") << "alice\n";
  ASSERT_TRUE(common_.Load(dir_ + "/common.txt").ok());
  const std::vector<Weakness> all = Weaknesses("alice", "alice@example.com");
  EXPECT_EQ(
      all, (std::vector<Weakness>{Weakness::kCommon, Weakness::kContextWord, Weakness::kTooShort}));
  for (const Weakness w :
       {Weakness::kBreached, Weakness::kCommon, Weakness::kContextWord, Weakness::kTooShort}) {
    EXPECT_FALSE(WeaknessMessage(w, 3, 8).empty());
  }
}

TEST(CommonPasswords, ReadsAJsonArrayToo) {
  char pattern[] = "/tmp/coastguard-common-XXXXXX";
  const std::string dir = mkdtemp(pattern);
  std::ofstream(dir + "/list.json") << R"(["123456", "Dragon", "monkey"])";
  CommonPasswords common;
  ASSERT_TRUE(common.Load(dir + "/list.json").ok());
  EXPECT_EQ(common.size(), 3u);
  EXPECT_TRUE(common.Contains("dragon"));
  std::ofstream(dir + "/empty.txt") << "\n";
  EXPECT_FALSE(common.Load(dir + "/empty.txt").ok());
  EXPECT_FALSE(common.Load(dir + "/missing.txt").ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace coastguard::breach
