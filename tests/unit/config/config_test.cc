#include "config/config.h"

#include <gtest/gtest.h>

#include "core/text.h"

namespace coastguard::config {
namespace {

TEST(Config, TheEmbeddedDefaultsParseToTheCompiledDefaults) {
  const auto parsed = ParseConfig(DefaultConfigToml(), "defaults");
  ASSERT_TRUE(parsed.ok()) << core::Message(parsed.status());
  const Config compiled;
  EXPECT_EQ(parsed->http.listen, compiled.http.listen);
  EXPECT_EQ(parsed->store.data_dir, compiled.store.data_dir);
  EXPECT_EQ(parsed->postfix.actions.rate_limited, compiled.postfix.actions.rate_limited);
  EXPECT_EQ(parsed->engine.compromise.proven_logins, compiled.engine.compromise.proven_logins);
  EXPECT_EQ(parsed->engine.brute_force.block_at, compiled.engine.brute_force.block_at);
  EXPECT_EQ(parsed->engine.service_attack.hold, compiled.engine.service_attack.hold);
  EXPECT_EQ(parsed->engine.familiarity.ttl, compiled.engine.familiarity.ttl);
  EXPECT_EQ(parsed->engine.familiarity.max_sources_per_login,
            compiled.engine.familiarity.max_sources_per_login);
  EXPECT_EQ(parsed->engine.familiarity.refuse_stranger_sends,
            compiled.engine.familiarity.refuse_stranger_sends);
  EXPECT_EQ(parsed->engine.memory_budget_mb, compiled.engine.memory_budget_mb);
  EXPECT_EQ(parsed->forms.reject_at, compiled.forms.reject_at);
  EXPECT_EQ(parsed->forms.min_fill, compiled.forms.min_fill);
  EXPECT_EQ(parsed->forms.altcha_max_number, compiled.forms.altcha_max_number);
  EXPECT_EQ(parsed->forms.campaign_recipients, compiled.forms.campaign_recipients);
  EXPECT_EQ(parsed->forms.domain_maturity, compiled.forms.domain_maturity);
  EXPECT_EQ(parsed->forms.text_similarity, compiled.forms.text_similarity);
  EXPECT_EQ(parsed->forms.max_keys, compiled.forms.max_keys);
}

TEST(Config, TheStrangersSendRuleCanBeTurnedOff) {
  const auto c = ParseConfig("[familiarity]\nrefuse_stranger_sends = false\n", "f.toml");
  ASSERT_TRUE(c.ok()) << core::Message(c.status());
  EXPECT_FALSE(c->engine.familiarity.refuse_stranger_sends);
  EXPECT_TRUE(Config{}.engine.familiarity.refuse_stranger_sends);
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

TEST(Config, SharedStateNamesOneOfServerSentinelAndCluster) {
  const auto sentinel = ParseConfig(
      "[shared]\nsentinel = [\"127.0.0.1:26379\"]\nmaster_name = \"mymaster\"\ndb = 2\n", "t");
  ASSERT_TRUE(sentinel.ok()) << sentinel.status();
  EXPECT_TRUE(sentinel->shared.enabled());
  EXPECT_EQ(sentinel->shared.sentinel.size(), 1u);
  EXPECT_EQ(sentinel->shared.db, 2);
  const auto both =
      ParseConfig("[shared]\nredis = \"redis://127.0.0.1\"\ncluster = [\"127.0.0.1:7000\"]\n", "t");
  ASSERT_FALSE(both.ok());
  EXPECT_NE(core::Message(both.status()).find("one of redis, sentinel and cluster"),
            std::string::npos);
  const auto nameless = ParseConfig("[shared]\nsentinel = [\"127.0.0.1:26379\"]\n", "t");
  ASSERT_FALSE(nameless.ok());
  EXPECT_NE(core::Message(nameless.status()).find("master_name"), std::string::npos);
  EXPECT_FALSE(ParseConfig("[shared]\ncluster = [\"127.0.0.1:7000\"]\ndb = 1\n", "t").ok());
}

}  // namespace
}  // namespace coastguard::config

namespace coastguard::config {
namespace {

// A settings visitor (core/settings.h) that lists every key the modules describe, by table.
struct KeyLister {
  std::string table;
  std::vector<std::pair<std::string, std::string>> keys;
  void Table(std::string_view name) { table = name; }
  template <typename T>
  void Integer(std::string_view key, T&, int64_t, int64_t) {
    keys.emplace_back(table, key);
  }
  void Number(std::string_view key, double&, double, double) { keys.emplace_back(table, key); }
  void Boolean(std::string_view key, bool&) { keys.emplace_back(table, key); }
  void Text(std::string_view key, std::string&) { keys.emplace_back(table, key); }
  void Duration(std::string_view key, core::Duration&, core::Duration) {
    keys.emplace_back(table, key);
  }
  template <typename Add>
  void List(std::string_view key, Add&&) {
    keys.emplace_back(table, key);
  }
  template <typename Read>
  void Entries(std::string_view key, Read&&) {
    keys.emplace_back(table, key);
  }
  void Require(bool, std::string_view) {}
};

TEST(Config, TheEmbeddedDefaultsNameEveryKeyInItsTable) {
  Config config;
  KeyLister lister;
  DescribeSettings(lister, config);
  ASSERT_GE(lister.keys.size(), 90u);  // every table of docs/configuration.md
  const std::string defaults = DefaultConfigToml();
  for (const auto& [table, key] : lister.keys) {
    if (table.empty()) {
      EXPECT_NE(defaults.find("# [[" + key + "]]"), std::string::npos) << key;
      continue;
    }
    // The table's section: from its header to the next one.
    const size_t start = defaults.find("\n[" + table + "]");
    ASSERT_NE(start, std::string::npos) << table;
    const size_t end = defaults.find("\n[", start + 1);
    const std::string section = defaults.substr(start, end - start);
    if (key == "bulk" || key == "logs") {
      // Arrays of tables are shown commented out, as examples.
      const std::string header =
          table.empty() ? "# [[" + key + "]]" : "# [[" + table + "." + key + "]]";
      EXPECT_NE(defaults.find(header), std::string::npos) << header;
      continue;
    }
    const std::string line = "\n" + key + " = ";
    { EXPECT_NE(section.find(line), std::string::npos) << table << "." << key; }
  }
}

TEST(Config, ReadsTheCompromiseTable) {
  const auto c = ParseConfig("[compromise]\nproven_logins = 3\ndistributed_networks = 4\n", "t");
  ASSERT_TRUE(c.ok()) << core::Message(c.status());
  EXPECT_EQ(c->engine.compromise.proven_logins, 3);
  EXPECT_EQ(c->engine.compromise.distributed_networks, 4);
  EXPECT_FALSE(ParseConfig("[compromise]\nproven_logins = 0\n", "t").ok());
}

TEST(Config, ReportsTheEarliestErrorInTheFile) {
  const auto c = ParseConfig("[windows]\nshort = \"x\"\n[forms]\nreject_at = \"y\"\n", "c.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(core::Message(c.status()).find("c.toml:2: windows.short:"), std::string::npos)
      << core::Message(c.status());
}

TEST(Config, BulkEntriesKeepTheCompiledDefaultsForLimitsTheyDoNotSet) {
  const auto c = ParseConfig(R"([outbound]
recipients_per_hour = 10
[[outbound.bulk]]
login = "news@example.com"
messages_per_hour = 5000
)",
                             "t.toml");
  ASSERT_TRUE(c.ok()) << core::Message(c.status());
  const auto& bulk = c->outbound.bulk_accounts.at("news@example.com");
  EXPECT_EQ(bulk.messages_per_hour, 5000);
  EXPECT_EQ(bulk.recipients_per_hour, detect::SendingLimits{}.recipients_per_hour);
  EXPECT_EQ(c->outbound.limits.recipients_per_hour, 10);
  // The auth guard learns that the account only sends by design.
  EXPECT_EQ(c->engine.sending_applications, std::vector<std::string>{"news@example.com"});
  const auto unknown =
      ParseConfig("[[outbound.bulk]]\nlogin = \"a\"\nrecipents_per_hour = 1\n", "t");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(core::Message(unknown.status()),
            "t:3: unknown key 'recipents_per_hour' in [[outbound.bulk]]");
  EXPECT_FALSE(ParseConfig("[[outbound.bulk]]\nmessages_per_hour = 1\n", "t").ok());
}

TEST(Config, AWebhookNeedsASecret) {
  const auto c = ParseConfig("[outbound]\nwebhook_url = \"http://127.0.0.1:9/h\"\n", "t");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(core::Message(c.status()).find("webhook_secret"), std::string::npos);
  EXPECT_TRUE(ParseConfig("[outbound]\nwebhook_url = \"http://127.0.0.1:9/h\"\n"
                          "webhook_secret = \"s\"\n",
                          "t")
                  .ok());
}

TEST(Config, PostfixActionsMustBeOneLine) {
  EXPECT_FALSE(ParseConfig("[outbound]\nspike_action = \"HOLD a\\nb\"\n", "t").ok());
  EXPECT_FALSE(ParseConfig("[outbound]\nspike_action = \"\"\n", "t").ok());
}

}  // namespace
}  // namespace coastguard::config
