#include "http/breach_api.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "api_call.h"  // tests/unit/http
#include "breach/importer.h"
#include "core/crypto.h"
#include "http/api.h"

namespace coastguard::http {
namespace {

using nlohmann::json;

std::string HexUpper(const unsigned char* bytes, size_t size) {
  std::string out;
  breach::AppendHexNibbles(bytes, 0, 2 * size, out);
  return out;
}

class BreachApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/coastguard-breachapi-XXXXXX";
    dir_ = mkdtemp(pattern);
    // SHA-1: random hashes, a few under the prefix of "password", and "password" itself.
    std::mt19937_64 random(1);
    for (int i = 0; i < 5000; ++i) {
      unsigned char hash[20];
      for (unsigned char& b : hash) b = static_cast<unsigned char>(random());
      sha1_[HexUpper(hash, 20)] = static_cast<uint32_t>(i + 1);
    }
    for (int i = 0; i < 3; ++i) sha1_["5BAA6" + std::string(34, '0') + std::to_string(i)] = 10 + i;
    sha1_[HexUpper(core::Sha1("password").data(), 20)] = 10434004;
    ntlm_["8846F7EAEE8FB117AD06BDD830B7586C"] = 9;  // NTLM of "password"
    Write("sha1.txt", sha1_);
    Write("ntlm.txt", ntlm_);
    for (const char* file : {"sha1.txt", "ntlm.txt"}) {
      breach::ImportOptions options;
      options.db_dir = dir_ + "/db";
      options.inputs = {dir_ + "/" + file};
      ASSERT_TRUE(breach::Import(options).ok());
    }
    database_ = std::make_unique<breach::Database>(dir_ + "/db");
    database_->Refresh();
    std::ofstream(dir_ + "/common.txt") << "qwerty123\n";
    ASSERT_TRUE(common_.Load(dir_ + "/common.txt").ok());
    checker_ = std::make_unique<breach::PasswordChecker>(database_.get(), &common_,
                                                         breach::PasswordCheckSettings{});
    Rebuild(false);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& name, const std::map<std::string, uint32_t>& hashes) {
    std::ofstream out(dir_ + "/" + name);
    for (const auto& [hex, count] : hashes) out << hex << ":" << count << "\r\n";
  }
  void Rebuild(bool refuse) {
    breach_ = std::make_unique<BreachApi>(engine_, *database_, *checker_, logins_,
                                          BreachApiSettings{refuse});
    breach_->set_on_breached([this](const breach::BreachedLogin& l, bool first) {
      events_.push_back(l.login + (first ? " first" : " again"));
    });
    api_.set_breach(breach_.get());
  }
  Response Call(const std::string& method, const std::string& path, const std::string& body = "",
                std::map<std::string, std::string> headers = {},
                std::map<std::string, std::string> query = {}) {
    return CallApi(api_, method, path, body, headers, query);
  }
  std::map<std::string, std::string> Key() { return {{"X-API-Key", "k3y"}}; }
  static std::vector<std::string> Lines(const std::string& body) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start <= body.size()) {
      const size_t end = body.find("\r\n", start);
      lines.push_back(
          body.substr(start, end == std::string::npos ? std::string::npos : end - start));
      if (end == std::string::npos) break;
      start = end + 2;
    }
    return lines;
  }

  std::string dir_;
  std::map<std::string, uint32_t> sha1_;
  std::map<std::string, uint32_t> ntlm_;
  std::unique_ptr<breach::Database> database_;
  breach::CommonPasswords common_;
  std::unique_ptr<breach::PasswordChecker> checker_;
  policy::Engine engine_{policy::EngineConfig{}, 1};
  breach::BreachedLogins logins_{1000, 1};
  std::unique_ptr<BreachApi> breach_;
  std::vector<std::string> events_;
  Api api_{engine_, ApiSettings{"s3cret", DovecotConfig{"k3y", "", "refused"}, 64 * 1024, 0}};
};

TEST_F(BreachApiTest, RangeAnswersEverySuffixOfThePrefixWithItsCountAsHibpDoes) {
  const Response response = Call("GET", "/range/5baa6");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/plain");
  std::map<std::string, uint32_t> expected;
  for (const auto& [hex, count] : sha1_) {
    if (hex.substr(0, 5) == "5BAA6") expected[hex.substr(5)] = count;
  }
  std::map<std::string, uint32_t> got;
  for (const std::string& line : Lines(response.body)) {
    const size_t colon = line.find(':');
    ASSERT_EQ(colon, 35u) << line;
    ASSERT_EQ(line.substr(0, 35).find_first_not_of("0123456789ABCDEF"), std::string::npos);
    got[line.substr(0, 35)] = static_cast<uint32_t>(std::stoul(line.substr(36)));
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(got["1E4C9B93F3F0682250B6CF8331B7EE68FD8"], 10434004u);
}

TEST_F(BreachApiTest, PaddingFillsTo800To1000LinesWithZeroCounts) {
  std::set<size_t> sizes;
  for (int i = 0; i < 20; ++i) {
    const Response response = Call("GET", "/range/5BAA6", "", {{"Add-Padding", "true"}});
    ASSERT_EQ(response.status, 200);
    const std::vector<std::string> lines = Lines(response.body);
    EXPECT_GE(lines.size(), 800u);
    EXPECT_LE(lines.size(), 1000u);
    sizes.insert(lines.size());
    size_t real = 0;
    for (const std::string& line : lines) {
      ASSERT_EQ(line.find(':'), 35u);
      if (line.substr(36) != "0") ++real;
    }
    EXPECT_EQ(real, 4u);  // the 3 written under this prefix and "password", nothing else
    EXPECT_TRUE(std::is_sorted(lines.begin(), lines.end()));
  }
  EXPECT_GT(sizes.size(), 1u);  // the size varies, as HIBP's does
}

TEST_F(BreachApiTest, NtlmModeServesTheNtlmCorpus) {
  const Response response = Call("GET", "/range/8846F", "", {}, {{"mode", "ntlm"}});
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "7EAEE8FB117AD06BDD830B7586C:9");
  EXPECT_EQ(Call("GET", "/range/8846F", "", {}, {{"mode", "md5"}}).status, 400);
}

TEST_F(BreachApiTest, MalformedPrefixesGet400) {
  for (const char* bad : {"/range/5BAA", "/range/5BAA61", "/range/5BAAZ", "/range/"}) {
    EXPECT_EQ(Call("GET", bad).status, 400) << bad;
  }
  EXPECT_EQ(Call("POST", "/range/5BAA6").status, 405);
}

TEST_F(BreachApiTest, CheckNamesEveryReasonWithASentence) {
  const Response breached =
      Call("POST", "/v1/passwords/check", R"({"password":"password"})", Key());
  ASSERT_EQ(breached.status, 200);
  const json b = json::parse(breached.body);
  EXPECT_FALSE(b["ok"]);
  EXPECT_EQ(b["breach_count"], 10434004);
  EXPECT_EQ(b["reasons"], json::array({"breached"}));
  EXPECT_EQ(b["messages"].size(), 1u);
  const json mixed = json::parse(Call("POST", "/v1/passwords/check",
                                      R"({"password":"carol1","login":"carol@example.org"})", Key())
                                     .body);
  EXPECT_EQ(mixed["reasons"], json::array({"context_word", "too_short"}));
  EXPECT_EQ(mixed["messages"].size(), 2u);
  const json common =
      json::parse(Call("POST", "/v1/passwords/check", R"({"password":"QWERTY123"})", Key()).body);
  EXPECT_EQ(common["reasons"], json::array({"common"}));
  const json by_hash =
      json::parse(Call("POST", "/v1/passwords/check",
                       R"({"sha1":"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"})", Key())
                      .body);
  EXPECT_EQ(by_hash["reasons"], json::array({"breached"}));
  const json fine = json::parse(
      Call("POST", "/v1/passwords/check", R"({"password":"violet staple orbit canyon"})", Key())
          .body);
  EXPECT_TRUE(fine["ok"]);
  EXPECT_EQ(fine["reasons"], json::array());
}

TEST_F(BreachApiTest, CheckAndReportNeedThePolicyCredentialsAndGoodBodies) {
  EXPECT_EQ(Call("POST", "/v1/passwords/check", R"({"password":"x"})").status, 401);
  EXPECT_EQ(Call("POST", "/v1/passwords/report", R"({"login":"a@b.c","sha1":"00"})").status, 401);
  for (const char* bad :
       {"", "[]", R"({"password":1})", R"({"sha1":"abc"})",
        R"({"password":"x","sha1":"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"})",
        R"({"password":"x","context":"word"})", R"({"password":"x","login":5})"}) {
    const Response response = Call("POST", "/v1/passwords/check", bad, Key());
    EXPECT_EQ(response.status, 400) << bad;
    EXPECT_TRUE(json::parse(response.body).contains("error")) << bad;
  }
  EXPECT_EQ(Call("GET", "/v1/passwords/check", "", Key()).status, 405);
}

TEST_F(BreachApiTest, AReportedBreachedLoginIsMarkedAndShownOnItsEntity) {
  const std::string breached =
      R"({"login":"Bob@Example.com","sha1":"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8","ip":"192.0.2.7","service":"imap"})";
  const Response first = Call("POST", "/v1/passwords/report", breached, Key());
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(json::parse(first.body)["breached"], true);
  EXPECT_EQ(json::parse(first.body)["action"], "allow");
  Call("POST", "/v1/passwords/report", breached, Key());
  EXPECT_EQ(events_, (std::vector<std::string>{"bob@example.com first", "bob@example.com again"}));
  const json entity = json::parse(
      Call("GET", "/v1/entities/login/bob@example.com", "", {{"Authorization", "Bearer s3cret"}})
          .body);
  EXPECT_EQ(entity["breach"]["breached"], true);
  EXPECT_EQ(entity["breach"]["breach_count"], 10434004);
  EXPECT_EQ(entity["breach"]["logins"], 2);
  EXPECT_EQ(entity["breach"]["last_ip"], "192.0.2.7");
  // A clean password later (the user changed it) clears the mark.
  const std::string clean =
      R"({"login":"bob@example.com","sha1":"0000000000000000000000000000000000000001"})";
  EXPECT_EQ(json::parse(Call("POST", "/v1/passwords/report", clean, Key()).body)["breached"],
            false);
  const json after = json::parse(
      Call("GET", "/v1/entities/login/bob@example.com", "", {{"Authorization", "Bearer s3cret"}})
          .body);
  EXPECT_EQ(after["breach"]["breached"], false);
}

TEST_F(BreachApiTest, RefuseModeAnswers403ForABreachedPasswordOnly) {
  Rebuild(true);
  const Response refused =
      Call("POST", "/v1/passwords/report",
           R"({"login":"c@example.com","sha1":"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8"})", Key());
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(json::parse(refused.body)["action"], "refuse");
  const Response clean =
      Call("POST", "/v1/passwords/report",
           R"({"login":"d@example.com","sha1":"0000000000000000000000000000000000000001"})", Key());
  EXPECT_EQ(clean.status, 200);
  EXPECT_EQ(json::parse(clean.body)["action"], "allow");
}

}  // namespace
}  // namespace coastguard::http
