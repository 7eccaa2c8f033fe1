#include "policy/config.h"

#include <gtest/gtest.h>

#include "core/text.h"

namespace coastguard::policy {
namespace {

TEST(Config, TheEmbeddedDefaultsParseToTheCompiledDefaults) {
  const auto parsed = ParseConfig(DefaultConfigToml(), "defaults");
  ASSERT_TRUE(parsed.ok()) << core::Message(parsed.status());
  const Config compiled;
  EXPECT_EQ(parsed->server.listen, compiled.server.listen);
  EXPECT_EQ(parsed->engine.brute_force.block_at, compiled.engine.brute_force.block_at);
  EXPECT_EQ(parsed->engine.service_attack.hold, compiled.engine.service_attack.hold);
  EXPECT_EQ(parsed->engine.familiarity.ttl, compiled.engine.familiarity.ttl);
  EXPECT_EQ(parsed->engine.familiarity.max_sources_per_login,
            compiled.engine.familiarity.max_sources_per_login);
  EXPECT_EQ(parsed->engine.memory_budget_mb, compiled.engine.memory_budget_mb);
  EXPECT_EQ(parsed->forms.reject_at, compiled.forms.reject_at);
  EXPECT_EQ(parsed->forms.min_fill, compiled.forms.min_fill);
  EXPECT_EQ(parsed->forms.altcha_max_number, compiled.forms.altcha_max_number);
  EXPECT_EQ(parsed->forms.campaign_recipients, compiled.forms.campaign_recipients);
  EXPECT_EQ(parsed->forms.domain_maturity, compiled.forms.domain_maturity);
  EXPECT_EQ(parsed->forms.text_similarity, compiled.forms.text_similarity);
  EXPECT_EQ(parsed->forms.max_keys, compiled.forms.max_keys);
}

TEST(Config, AHugeFloatWhereAnIntegerBelongsIsATypeError) {
  const auto c = ParseConfig("[blocks]\nmax_blocks = 1000e0024\n", "f.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(core::Message(c.status()).find("f.toml:2"), std::string::npos);
}

TEST(Config, ReadsTheFormsTable) {
  const auto c = ParseConfig(R"(
[forms]
token_required = true
min_fill = "5s"
own_domains = ["shop.example"]
ip_per_hour = 0
)",
                             "t.toml");
  ASSERT_TRUE(c.ok()) << core::Message(c.status());
  EXPECT_TRUE(c->forms.token_required);
  EXPECT_EQ(c->forms.min_fill, 5 * core::kSecond);
  EXPECT_EQ(c->forms.own_domains, std::vector<std::string>{"shop.example"});
  EXPECT_EQ(c->forms.ip_per_hour, 0u);
  const auto bad = ParseConfig("[forms]\nchallenge_at = 9\nreject_at = 3\n", "f.toml");
  EXPECT_FALSE(bad.ok());
}

TEST(Config, ReadsValuesAndDurations) {
  const auto c = ParseConfig(R"(
[brute_force]
block_at = 4
delay_from = 2
block_ttl = "90s"
[allow]
networks = ["10.0.0.0/8"]
logins = ["Monitor@Example.com"]
)",
                             "t.toml");
  ASSERT_TRUE(c.ok()) << core::Message(c.status());
  EXPECT_EQ(c->engine.brute_force.block_at, 4);
  EXPECT_EQ(c->engine.brute_force.block_ttl, 90 * core::kSecond);
  ASSERT_EQ(c->engine.allow_networks.size(), 1u);
  EXPECT_EQ(c->engine.allow_logins[0], "Monitor@Example.com");
}

TEST(Config, AnUnknownKeyIsAnErrorNamingFileAndLine) {
  const auto c = ParseConfig("[brute_force]\n\nblok_at = 4\n", "coastguard.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(core::Message(c.status()), "coastguard.toml:3: unknown key 'blok_at' in [brute_force]");
}

TEST(Config, BadValuesAreErrorsNamingTheLine) {
  auto c = ParseConfig("[windows]\nshort = \"5 parsecs\"\n", "c.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(core::Message(c.status()).find("c.toml:2:"), std::string::npos);
  c = ParseConfig("[brute_force]\nblock_at = 99\n", "c.toml");
  EXPECT_FALSE(c.ok());
  c = ParseConfig("[allow]\nnetworks = [\"10.0.0.0/99\"]\n", "c.toml");
  EXPECT_FALSE(c.ok());
  c = ParseConfig("[server\n", "c.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(core::Message(c.status()).find("c.toml:1:"), std::string::npos);
}

TEST(Config, InconsistentThresholdsAreRefused) {
  EXPECT_FALSE(ParseConfig("[brute_force]\ndelay_from = 7\nblock_at = 5\n", "c").ok());
}

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(*ParseDuration("500ms"), 500 * core::kMillisecond);
  EXPECT_EQ(*ParseDuration("15m"), 15 * core::kMinute);
  EXPECT_EQ(*ParseDuration("7d"), 7 * core::kDay);
  EXPECT_EQ(*ParseDuration("30"), 30 * core::kSecond);
  EXPECT_FALSE(ParseDuration("-1s").ok());
  EXPECT_FALSE(ParseDuration("1w").ok());
  EXPECT_FALSE(ParseDuration("99999999999999999999d").ok());
}

}  // namespace
}  // namespace coastguard::policy
