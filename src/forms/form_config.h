#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/time.h"

namespace coastguard::forms {

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

  uint32_t ip_per_hour = 10;
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

  std::string disposable_domains_file;   // JSON array or one domain per line; "" = none
  std::vector<std::string> own_domains;  // the site's own domains: links to them are no lure
  size_t max_keys = 500'000;             // entries per table (IPs, recipients, links...)
};

}  // namespace coastguard::forms
