#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/time.h"

namespace coastguard::forms {

// SpamAssassin's list of link shorteners (Debian's spamassassin package).
inline constexpr char kDefaultUrlShorteners[] = "/usr/share/spamassassin/25_url_shortener.cf";

// [forms] in the configuration file (docs/configuration.md, docs/forms.md). 0 turns a limit off.
struct FormsConfig {
  double challenge_at = 2.5;  // score at which a submission is challenged
  double reject_at = 5.0;     // ...and rejected
  // Key of render tokens and ALTCHA signatures. Empty: derived from the installation seed (the
  // live server) or a fixed value (replay).
  std::string secret;
  bool token_required = false;  // a missing render token is a signal
  core::Duration min_fill = 3 * core::kSecond;
  core::Duration token_ttl = 2 * core::kHour;
  bool altcha_required = false;  // a missing proof of work forces a challenge
  uint64_t altcha_max_number = 50'000;
  core::Duration altcha_ttl = 20 * core::kMinute;

  uint32_t ip_per_hour = 10;      // from one address to one recipient
  uint32_t prefix_per_hour = 40;  // /24 for IPv4, /64 for IPv6
  uint32_t recipient_per_day = 3;
  uint32_t recipient_domain_per_day = 30;  // floor; a domain's own usual volume raises it...
  double recipient_domain_factor = 4.0;    // ...to this many times its daily average
  // More submissions than this in a day to a recipient domain first seen within
  // domain_maturity (once the guard has that much history): a drip into one organisation.
  uint32_t new_recipient_domain_per_day = 5;
  uint32_t form_per_10m = 0;  // operator's cap per form
  double surge_factor = 5.0;  // per form, against its learned baseline
  uint32_t surge_min = 30;    // submissions per 10 minutes before a surge counts
  uint32_t max_urls = 3;      // links per text field

  core::Duration campaign_window = core::kDay;
  uint32_t campaign_recipients = 3;             // distinct recipients of one young link/domain/text
  core::Duration domain_maturity = core::kDay;  // a link domain seen this long is established...
  uint32_t established_recipients = 25;         // ...and needs this many (or 4x its usual)
  uint32_t text_min_words =
      8;  // shorter texts, and texts without a link, address or phone number, are not compared
  double text_similarity = 0.5;  // MinHash similarity that counts as the same text

  std::string disposable_domains_file;  // JSON array or one domain per line; "" = none
  // Link shorteners: SpamAssassin's rules file, a JSON array or one per line; "" = SpamAssassin's
  // if installed (kDefaultUrlShorteners), "none" = no list.
  std::string url_shorteners_file;
  std::vector<std::string> own_domains;  // the site's own domains: links to them are no lure
  size_t max_keys = 500'000;             // entries per table (IPs, recipients, links...)
};

template <typename V>
void DescribeSettings(V& v, FormsConfig& c) {
  constexpr int64_t kMaxLimit = 1'000'000'000;  // 0 turns a limit off
  v.Table("forms");
  v.Number("challenge_at", c.challenge_at, 0, 100);
  v.Number("reject_at", c.reject_at, 0, 100);
  v.Text("secret", c.secret);
  v.Boolean("token_required", c.token_required);
  v.Duration("min_fill", c.min_fill, 0);
  v.Duration("token_ttl", c.token_ttl, core::kMinute);
  v.Boolean("altcha_required", c.altcha_required);
  v.Integer("altcha_max_number", c.altcha_max_number, 100, 100'000'000);
  v.Duration("altcha_ttl", c.altcha_ttl, core::kMinute);
  v.Integer("ip_per_hour", c.ip_per_hour, 0, kMaxLimit);
  v.Integer("prefix_per_hour", c.prefix_per_hour, 0, kMaxLimit);
  v.Integer("recipient_per_day", c.recipient_per_day, 0, kMaxLimit);
  v.Integer("recipient_domain_per_day", c.recipient_domain_per_day, 0, kMaxLimit);
  v.Number("recipient_domain_factor", c.recipient_domain_factor, 1, 1000);
  v.Integer("new_recipient_domain_per_day", c.new_recipient_domain_per_day, 0, kMaxLimit);
  v.Integer("form_per_10m", c.form_per_10m, 0, kMaxLimit);
  v.Number("surge_factor", c.surge_factor, 0, 1000);
  v.Integer("surge_min", c.surge_min, 0, kMaxLimit);
  v.Integer("max_urls", c.max_urls, 0, kMaxLimit);
  v.Duration("campaign_window", c.campaign_window, core::kMinute);
  v.Integer("campaign_recipients", c.campaign_recipients, 0, kMaxLimit);
  v.Duration("domain_maturity", c.domain_maturity, 0);
  v.Integer("established_recipients", c.established_recipients, 0, kMaxLimit);
  v.Integer("text_min_words", c.text_min_words, 0, kMaxLimit);
  v.Number("text_similarity", c.text_similarity, 0.1, 1);
  v.Text("disposable_domains_file", c.disposable_domains_file);
  v.Text("url_shorteners_file", c.url_shorteners_file);
  v.List("own_domains", [&c](const std::string& domain) -> absl::Status {
    c.own_domains.push_back(domain);
    return absl::OkStatus();
  });
  v.Integer("max_keys", c.max_keys, 1000, 100'000'000);
  v.Require(c.challenge_at <= c.reject_at, "forms.challenge_at must not exceed forms.reject_at");
}

// The key that signs render tokens and ALTCHA challenges: the configured secret, else one
// derived from the installation's own secret (stable across restarts, different per install).
std::string FormSigningKey(const FormsConfig& config, std::string_view installation_secret);

}  // namespace coastguard::forms
