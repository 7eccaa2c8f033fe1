#include "http/console.h"

#include <gtest/gtest.h>

#include <map>

#include <nlohmann/json.hpp>

#include "api_call.h"  // tests/unit/http
#include "history/timeline.h"
#include "http/api.h"

namespace coastguard::http {
namespace {

constexpr ConsoleAsset kAssets[] = {
    {"index.html", "text/html", "<p>console</p>"},
    {"login.html", "text/html", "<form>{{error}}</form>"},
    {"app.js", "text/javascript", "start()"},
};

std::string HeaderOf(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

// "coastguard_session=<id>" from a login reply's Set-Cookie.
std::string CookieFrom(const Response& r) {
  const std::string set = HeaderOf(r, "Set-Cookie");
  return set.substr(0, set.find(';'));
}

class ConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override { api_.EnableConsole(kAssets); }
  Response Call(const std::string& method, const std::string& path, const std::string& body = "",
                std::map<std::string, std::string> headers = {},
                std::map<std::string, std::string> query = {}) {
    return CallApi(api_, method, path, body, headers, query);
  }
  std::string LogIn() {
    const Response r = Call("POST", "/console/login", "token=s3cret");
    EXPECT_EQ(r.status, 303);
    return CookieFrom(r);
  }

  policy::Engine engine_{policy::EngineConfig{}, 1};
  Api api_{engine_, ApiSettings{"s3cret", {}, 64 * 1024, 0}};
};

TEST_F(ConsoleTest, ShowsTheLoginPageUntilTheAdminTokenIsGiven) {
  const Response page = Call("GET", "/console/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<form></form>");
  const Response wrong = Call("POST", "/console/login", "token=nope");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, "<form>That is not the admin token.</form>");
  EXPECT_EQ(HeaderOf(wrong, "Set-Cookie"), "");
  EXPECT_EQ(Call("POST", "/console/login", "").status, 401);
}

TEST_F(ConsoleTest, TheTokenBuysAnHttpOnlyStrictSessionCookie) {
  const Response r = Call("POST", "/console/login", "other=1&token=s3cret");
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(HeaderOf(r, "Location"), "/console/");
  const std::string set = HeaderOf(r, "Set-Cookie");
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(set.find("Path=/"), std::string::npos);
  const std::string cookie = CookieFrom(r);
  EXPECT_EQ(Call("GET", "/console/", "", {{"Cookie", "a=b; " + cookie}}).body, "<p>console</p>");
}

TEST_F(ConsoleTest, EveryReplyForbidsCachingAndFraming) {
  for (const char* path : {"/console/", "/console/app.js", "/console/missing.js"}) {
    const Response r = Call("GET", path);
    EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-store") << path;
    EXPECT_EQ(HeaderOf(r, "X-Frame-Options"), "DENY") << path;
    EXPECT_NE(HeaderOf(r, "Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  }
  EXPECT_EQ(Call("GET", "/console/missing.js").status, 404);
  EXPECT_EQ(Call("GET", "/console/app.js").body, "start()");
  EXPECT_EQ(Call("GET", "/console").status, 303);
}

TEST_F(ConsoleTest, ASessionReadsTheAdminApiAndWritesOnlyWithItsCsrfToken) {
  const std::string cookie = LogIn();
  EXPECT_EQ(Call("GET", "/v1/blocks", "", {{"Cookie", cookie}}).status, 200);
  const Response session = Call("GET", "/console/session", "", {{"Cookie", cookie}});
  ASSERT_EQ(session.status, 200);
  const std::string csrf = nlohmann::json::parse(session.body)["csrf"];
  const std::string block = R"({"ip":"192.0.2.9","ttl_seconds":60})";
  EXPECT_EQ(Call("POST", "/v1/blocks", block, {{"Cookie", cookie}}).status, 401);
  EXPECT_EQ(Call("POST", "/v1/blocks", block, {{"Cookie", cookie}, {"X-CSRF-Token", "x"}}).status,
            401);
  EXPECT_EQ(engine_.blocks().size(), 0u);
  EXPECT_EQ(Call("POST", "/v1/blocks", block, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}).status,
            201);
  EXPECT_EQ(engine_.blocks().size(), 1u);
  // A made-up session opens nothing.
  EXPECT_EQ(Call("GET", "/v1/blocks", "", {{"Cookie", "coastguard_session=feed"}}).status, 401);
  EXPECT_EQ(Call("GET", "/console/session", "", {{"Cookie", "coastguard_session=feed"}}).status,
            401);
}

TEST_F(ConsoleTest, LoggingOutEndsTheSessionAndNeedsItsCsrfToken) {
  const std::string cookie = LogIn();
  const std::string csrf =
      nlohmann::json::parse(Call("GET", "/console/session", "", {{"Cookie", cookie}}).body)["csrf"];
  EXPECT_EQ(Call("POST", "/console/logout", "csrf=wrong", {{"Cookie", cookie}}).status, 403);
  EXPECT_EQ(Call("GET", "/v1/blocks", "", {{"Cookie", cookie}}).status, 200);
  EXPECT_EQ(Call("POST", "/console/logout", "csrf=" + csrf, {{"Cookie", cookie}}).status, 303);
  EXPECT_EQ(Call("GET", "/v1/blocks", "", {{"Cookie", cookie}}).status, 401);
}

TEST_F(ConsoleTest, WithoutTheConsoleCookiesOpenNothing) {
  policy::Engine engine{policy::EngineConfig{}, 1};
  Api plain{engine, ApiSettings{"s3cret", {}, 64 * 1024, 0}};
  EXPECT_EQ(CallApi(plain, "GET", "/console/", "", {}, {}).status, 404);
  EXPECT_EQ(CallApi(plain, "POST", "/console/login", "token=s3cret", {}, {}).status, 404);
}

TEST(ConsoleSessions, ExpireWhenIdleAndStayBounded) {
  ConsoleSessions sessions;
  const core::Timestamp t0 = 1'800'000'000 * core::kSecond;
  const auto first = sessions.Create(t0);
  ASSERT_NE(sessions.Find(first.id, t0 + core::kHour), nullptr);
  EXPECT_EQ(*sessions.Find(first.id, t0 + core::kHour), first.csrf);
  EXPECT_EQ(sessions.Find(first.id, t0 + core::kHour + ConsoleSessions::kIdle + 1), nullptr);
  EXPECT_EQ(sessions.size(), 0u);
  // However busy, a session ends after its lifetime.
  const auto second = sessions.Create(t0);
  for (core::Timestamp t = t0; t < t0 + ConsoleSessions::kLifetime; t += core::kHour) {
    ASSERT_NE(sessions.Find(second.id, t), nullptr);
  }
  EXPECT_EQ(sessions.Find(second.id, t0 + ConsoleSessions::kLifetime + 1), nullptr);
  for (size_t i = 0; i < 3 * ConsoleSessions::kMaxSessions; ++i) {
    sessions.Create(t0 + static_cast<core::Timestamp>(i));
  }
  EXPECT_EQ(sessions.size(), ConsoleSessions::kMaxSessions);
}

TEST(ConsoleForms, DecodesFieldsAndCookies) {
  EXPECT_EQ(FormField("a=1&token=s%33cr+et%21&b=2", "token"), "s3cr et!");
  EXPECT_EQ(FormField("tokenx=1", "token"), "");
  EXPECT_EQ(FormField("token", "token"), "");
  EXPECT_EQ(CookieValue("a=1; coastguard_session=abc; b=2", "coastguard_session"), "abc");
  EXPECT_EQ(CookieValue("xcoastguard_session=abc", "coastguard_session"), "");
  EXPECT_EQ(CookieValue("", "coastguard_session"), "");
}

TEST_F(ConsoleTest, HistoryListsVerdictsPerMinuteAndTheTopRefused) {
  history::Timeline timeline(60);
  const core::Timestamp now = 1'800'000'000 * core::kSecond;
  const core::IpAddress ip = *core::IpAddress::Parse("203.0.113.5");
  timeline.Login(now - core::kMinute, history::Series::kLoginReject, ip, "x@example.com", true);
  timeline.Count(now, history::Series::kMailHold);
  api_.set_timeline(&timeline);
  const Response r =
      Call("GET", "/v1/history", "", {{"Authorization", "Bearer s3cret"}}, {{"minutes", "2"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["series"]["login_reject"], nlohmann::json::parse("[1,0]"));
  EXPECT_EQ(j["series"]["mail_hold"], nlohmann::json::parse("[0,1]"));
  EXPECT_EQ(j["minute_starts"].size(), 2u);
  EXPECT_EQ(j["top_refused_sources"][0]["subject"], "203.0.113.5");
  EXPECT_EQ(j["top_targeted_logins"][0]["subject"], "x@example.com");
  EXPECT_EQ(j["attack_episodes"].size(), 1u);
  EXPECT_EQ(
      Call("GET", "/v1/history", "", {{"Authorization", "Bearer s3cret"}}, {{"minutes", "-3"}})
          .status,
      400);
  EXPECT_EQ(Call("GET", "/v1/history").status, 401);
}

}  // namespace
}  // namespace coastguard::http
