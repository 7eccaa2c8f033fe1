#include "http/api.h"

#include <gtest/gtest.h>

#include <map>

#include <nlohmann/json.hpp>

#include "api_call.h"  // tests/unit/http

namespace coastguard::http {
namespace {

class ApiTest : public ::testing::Test {
 protected:
  Response Call(const std::string& method, const std::string& path, const std::string& body = "",
                std::map<std::string, std::string> headers = {},
                std::map<std::string, std::string> query = {}) {
    return CallApi(api_, method, path, body, headers, query);
  }
  std::map<std::string, std::string> Admin() { return {{"Authorization", "Bearer s3cret"}}; }

  void SetUp() override {
    metrics_.Add(
        [this](std::string& out, core::Timestamp now) { engine_.AppendMetrics(out, now); });
    metrics_.Add([this](std::string& out, core::Timestamp) { api_.AppendMetrics(out); });
    api_.set_metrics(&metrics_);
  }

  policy::Engine engine_{policy::EngineConfig{}, 1};
  core::MetricsRegistry metrics_;
  Api api_{engine_, ApiSettings{"s3cret", {}, 64 * 1024, 0}};
};

TEST_F(ApiTest, RoutesDovecotCommandsBothWays) {
  const std::string body = R"({"login":"a@b.c","remote":"1.2.3.4","pwhash":"0001"})";
  EXPECT_EQ(Call("POST", "/", body, {}, {{"command", "allow"}}).body,
            R"({"status":0,"msg":"","r_attrs":{}})");
  EXPECT_EQ(Call("POST", "/command/allow", body).status, 200);
  EXPECT_EQ(Call("GET", "/command/allow").status, 405);
}

TEST_F(ApiTest, AdminCallsNeedTheToken) {
  EXPECT_EQ(Call("GET", "/v1/blocks").status, 401);
  EXPECT_EQ(Call("GET", "/v1/blocks", "", {{"Authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(Call("GET", "/v1/blocks", "", Admin()).status, 200);
  // weakforced clients: Basic auth, any user, the token as password ("x:s3cret").
  EXPECT_EQ(Call("GET", "/command/getBL", "", {{"Authorization", "Basic eDpzM2NyZXQ="}}).status,
            200);
  EXPECT_EQ(Call("GET", "/command/getBL").status, 401);
  EXPECT_EQ(Call("GET", "/command/ping").status, 200);
}

TEST_F(ApiTest, BlocksCanBeAddedListedAndRemoved) {
  Response r =
      Call("POST", "/v1/blocks", R"({"network":"198.51.100.0/24","ttl_seconds":60})", Admin());
  ASSERT_EQ(r.status, 201) << r.body;
  auto listed = nlohmann::json::parse(Call("GET", "/v1/blocks", "", Admin()).body);
  ASSERT_EQ(listed["blocks"].size(), 1u);
  EXPECT_EQ(listed["blocks"][0]["subject"], "198.51.100.0/24");
  EXPECT_EQ(Call("POST", "/command/allow", R"({"login":"a@b.c","remote":"198.51.100.7"})").body,
            R"({"status":-1,"msg":"Login refused by policy, try again later","r_attrs":{}})");
  r = Call("DELETE", "/v1/blocks", R"({"network":"198.51.100.0/24"})", Admin());
  EXPECT_EQ(r.body, R"({"removed":true})");
}

TEST_F(ApiTest, BlockListingPagesTheNewestAndCountsThemAll) {
  const core::Timestamp now = 1'800'000'000 * core::kSecond;
  for (int i = 1; i <= 5; ++i) {
    const std::string ip = "192.0.2." + std::to_string(i);
    ASSERT_TRUE(engine_.OperatorBlock(policy::NetworkBlockKey(*core::Cidr::Parse(ip)), ip,
                                      core::kHour, now - (6 - i) * core::kMinute));
  }
  auto page = nlohmann::json::parse(Call("GET", "/v1/blocks", "", Admin(), {{"limit", "2"}}).body);
  EXPECT_EQ(page["total"], 5);
  ASSERT_EQ(page["blocks"].size(), 2u);
  EXPECT_EQ(page["blocks"][0]["subject"], "192.0.2.5");
  EXPECT_EQ(page["blocks"][1]["subject"], "192.0.2.4");
  auto all = nlohmann::json::parse(Call("GET", "/v1/blocks", "", Admin()).body);
  EXPECT_FALSE(all.contains("total"));  // the shape it had before `limit`
  ASSERT_EQ(all["blocks"].size(), 5u);
  EXPECT_EQ(all["blocks"][4]["subject"], "192.0.2.1");
  for (const char* bad : {"0", "-1", "ten", "2x"}) {
    const Response r = Call("GET", "/v1/blocks", "", Admin(), {{"limit", bad}});
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(nlohmann::json::parse(r.body)["error"], "limit must be a positive number") << bad;
  }
}

TEST_F(ApiTest, WeakforcedBlockListCommandsKeepTheirShapes) {
  EXPECT_EQ(Call("POST", "/command/addBLEntry",
                 R"({"login":"Bob@Example.com","expire_secs":3600,"reason":"test"})", Admin())
                .body,
            R"({"status":"ok"})");
  const auto bl = nlohmann::json::parse(Call("GET", "/command/getBL", "", Admin()).body);
  ASSERT_EQ(bl["bl_entries"].size(), 3u);
  EXPECT_EQ(bl["bl_entries"][1]["login"][0]["login"], "bob@example.com (test)");
  EXPECT_EQ(Call("POST", "/command/delBLEntry", R"({"login":"bob@example.com"})", Admin()).body,
            R"({"status":"ok"})");
  EXPECT_EQ(Call("POST", "/command/addBLEntry", R"({"ip":"1.2.3.4"})", Admin()).status, 400);
  EXPECT_EQ(Call("POST", "/command/nosuch", "{}", Admin()).status, 404);
}

TEST_F(ApiTest, BadBodiesGet400WithAReason) {
  Response r = Call("POST", "/v1/auth/check", "{");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(nlohmann::json::parse(r.body)["error"].get<std::string>(), "");
  r = Call("POST", "/command/report", R"({"login":"a","remote":"1.2.3.4"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(nlohmann::json::parse(r.body)["reason"], "missing success");
  r = Call("POST", "/v1/blocks", R"({"ip":"1.2.3.4","login":"x"})", Admin());
  EXPECT_EQ(r.status, 400);
}

TEST_F(ApiTest, NativeCheckAnswersWithTheReplayDecisionShape) {
  const Response r = Call("POST", "/v1/auth/check",
                          R"({"ts": 1, "kind": "auth", "protocol": "imap", "ip": "1.2.3.4",
                              "login": "a@b.c"})");
  EXPECT_EQ(r.body, R"({"verdict": "allow", "delay_ms": 0, "reasons": []})");
}

TEST_F(ApiTest, MetricsAreDeclaredOnce) {
  Call("POST", "/command/allow", R"({"login":"a@b.c","remote":"1.2.3.4"})");
  const std::string text = Call("GET", "/metrics").body;
  EXPECT_NE(text.find("coastguard_checks_total 1"), std::string::npos);
  size_t type_lines = 0;
  for (size_t pos = 0;
       (pos = text.find("# TYPE coastguard_verdicts_total", pos)) != std::string::npos; ++pos) {
    ++type_lines;
  }
  EXPECT_EQ(type_lines, 1u);
}

}  // namespace
}  // namespace coastguard::http

namespace coastguard::http {
namespace {

TEST_F(ApiTest, LoginsThatAreNotUtf8NeverBreakTheJsonReplies) {
  // Postfix's sasl_username and URL paths are not validated as UTF-8; block subjects and
  // explanations carry them into JSON, which must replace rather than throw.
  const std::string login = "bad\xff\xfe@example.com";
  engine_.OperatorBlock(policy::LoginBlockKey(engine_.LoginDigest(login)), login, core::kHour,
                        1'800'000'000 * core::kSecond);
  Response r = Call("GET", "/v1/blocks", "", Admin());
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\xef\xbf\xbd"), std::string::npos);  // U+FFFD
  EXPECT_EQ(Call("GET", "/command/getBL", "", Admin()).status, 200);
  r = Call("GET", "/v1/entities/login/" + login, "", Admin());
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\xef\xbf\xbd"), std::string::npos);
}

}  // namespace
}  // namespace coastguard::http

namespace coastguard::http {
namespace {

TEST_F(ApiTest, TheIpEntityCountsTheAccountsRefusedThereAsStrangers) {
  core::Timestamp now = 1'800'000'000 * core::kSecond;
  auto attempt = [&](const std::string& login, const std::string& ip, core::Outcome outcome,
                     const std::string& client_id) {
    now += core::kSecond;
    const core::AuthAttempt a{
        now, core::Protocol::kImap, *core::IpAddress::Parse(ip), login, "pw", client_id};
    return engine_.CheckThenReport(a, outcome);
  };
  for (int i = 0; i < 50; ++i) {
    attempt(core::Cat("u", i, "@example.com"), core::Cat("81.17.5.", i), core::Outcome::kSuccess,
            "Thunderbird");
  }
  now += 2 * core::kHour;  // a quiet morning, then a siege of one try per address
  for (int i = 0; i < 40; ++i) {
    attempt(core::Cat("x", i, "@example.com"), core::Cat("45.33.", i, ".7"),
            core::Outcome::kUnknownUser, "");
  }
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now));
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(attempt(core::Cat("u", i, "@example.com"), "198.51.100.9",
                      core::Outcome::kBadPassword, "iPhone Mail")
                  .action,
              core::Action::kReject);
  }
  const auto ip = ExplainIp(engine_, *core::IpAddress::Parse("198.51.100.9"), now);
  EXPECT_EQ(ip["sources"][0]["distinct_refused_logins"], 2);
}

TEST_F(ApiTest, AllowListsAreSharedByTheAdminApiAndWeakforced) {
  EXPECT_EQ(Call("POST", "/v1/allow", R"({"ip":"192.0.2.1"})", Admin()).status, 201);
  EXPECT_EQ(Call("POST", "/command/addWLEntry", R"({"netmask":"10.0.0.0/8"})", Admin()).body,
            R"({"status":"ok"})");
  EXPECT_EQ(Call("POST", "/command/addWLEntry", R"({"login":"Ops@Example.com"})", Admin()).body,
            R"({"status":"ok"})");
  const auto listed = nlohmann::json::parse(Call("GET", "/v1/allow", "", Admin()).body);
  EXPECT_EQ(listed["networks"], nlohmann::json::array({"192.0.2.1/32", "10.0.0.0/8"}));
  EXPECT_EQ(listed["logins"], nlohmann::json::array({"ops@example.com"}));
  const auto wl = nlohmann::json::parse(Call("GET", "/command/getWL", "", Admin()).body);
  EXPECT_EQ(wl["wl_entries"][0]["ip"].size(), 2u);
  EXPECT_EQ(
      Call("POST", "/command/addWLEntry", R"({"ip":"1.2.3.4","login":"a@b.c"})", Admin()).status,
      400);
  EXPECT_EQ(Call("DELETE", "/v1/allow", R"({"network":"10.0.0.0/8"})", Admin()).status, 200);
  EXPECT_EQ(nlohmann::json::parse(Call("GET", "/v1/allow", "", Admin()).body)["networks"].size(),
            1u);
}

TEST_F(ApiTest, DovecotReportsTeachTheEngineUnlessWeRefusedTheAttempt) {
  const std::string failed =
      R"({"login":"a@b.c","remote":"203.0.113.5","pwhash":"01","success":false)";
  // Refused by us: the password was never checked, so nothing is learned.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(Call("POST", "/command/report", failed + R"(,"policy_reject":true})").body,
              R"({"status":"ok"})");
  }
  EXPECT_EQ(engine_.stats().reports, 0u);
  EXPECT_EQ(Call("POST", "/command/report", failed + R"(,"fail_type":"account"})").status, 200);
  EXPECT_EQ(engine_.stats().reports, 1u);
  const auto ip =
      nlohmann::json::parse(Call("GET", "/v1/entities/ip/203.0.113.5", "", Admin()).body);
  EXPECT_EQ(ip["sources"][0]["distinct_unknown_logins"], 1);
  EXPECT_EQ(Call("POST", "/command/report", R"({"login":"a@b.c","remote":"203.0.113.5"})").body,
            R"({"status":"failure","reason":"missing success"})");
}

TEST_F(ApiTest, FormEndpointsAnswer404WithoutTheFormGuard) {
  EXPECT_EQ(Call("POST", "/v1/forms/check", "{}").status, 404);
  api_.set_forms(nullptr);
  EXPECT_EQ(Call("GET", "/v1/forms/challenge").status, 404);
}

}  // namespace
}  // namespace coastguard::http
