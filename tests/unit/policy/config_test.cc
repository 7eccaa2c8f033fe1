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
