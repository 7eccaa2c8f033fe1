#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/enum_set.h"

namespace coastguard::forms {

// What the web application should do with a submission before it sends any mail:
// accept (send), challenge (ask for a proof of work or a captcha first), hold (keep the mail for
// review: part of a campaign), reject (refuse; nothing is sent).
enum class FormAction : uint8_t { kAccept, kChallenge, kHold, kReject };

// Why. The order is the order they are listed in a decision line (replay contract): append new
// reasons at the end, never reorder.
enum class FormReason : uint8_t {
  kBadInput,           // the request could not be read
  kHeaderInjection,    // CR, LF or NUL in a field that can reach a mail header
  kMultipleAddresses,  // more than one address in an email field
  kDisplayNameTrick,   // a display name, comment or quoting in an email field
  kBadAddress,         // the email field or recipient is not one plain address
  kUrlInName,          // lures where only a name belongs...
  kDomainInName,
  kEmailInName,
  kPhoneInName,
  kMarkupInName,
  kConfusableName,  // mixed scripts or look-alike characters in a name (UTS #39)
  kTooManyUrls,     // more links in a text field than people write
  kMarkupInText,    // HTML or BBCode links in a text field
  kNewUrlDomain,    // a text links a registrable domain never seen before
  kHoneypot,        // the field people cannot see was filled
  kTokenMissing,    // no render token where the form requires one
  kTokenInvalid,    // forged, or signed for another form
  kTokenExpired,
  kTokenReused,
  kTooFast,        // submitted sooner after rendering than a person can fill a form
  kAltchaMissing,  // no proof of work where the form requires one
  kAltchaInvalid,  // a proof of work that does not verify
  kAltchaExpired,
  kAltchaReused,
  kIpRate,               // too many submissions from one address...
  kPrefixRate,           // ...or its /24 or /64
  kRecipientRate,        // the same address typed in again and again (subscription bombing)
  kRecipientDomainRate,  // far more recipients at one domain than it usually gets
  kFormRate,             // the form over its operator-set cap
  kFormSurge,            // the form far above its own learned baseline
  kCampaignUrl,          // the same link going to many different recipients
  kCampaignDomain,       // links to one young registrable domain going to many recipients
  kCampaignText,         // near-identical text going to many recipients (SimHash)
  kDisposableRecipient,  // a throwaway-mail domain (a signal, never a verdict alone)
  kBotUserAgent,         // no user agent, or an HTTP library's
  kNewRecipientDomain,   // many recipients at a domain this site has never mailed before
  kObfuscatedLink,       // a domain spelled out or spaced so that filters miss it
  kCount
};

inline constexpr std::string_view kFormReasonNames[] = {
    "bad_input",      "header_injection",     "multiple_addresses", "display_name_trick",
    "bad_address",    "url_in_name",          "domain_in_name",     "email_in_name",
    "phone_in_name",  "markup_in_name",       "confusable_name",    "too_many_urls",
    "markup_in_text", "new_url_domain",       "honeypot",           "token_missing",
    "token_invalid",  "token_expired",        "token_reused",       "too_fast",
    "altcha_missing", "altcha_invalid",       "altcha_expired",     "altcha_reused",
    "ip_rate",        "prefix_rate",          "recipient_rate",     "recipient_domain_rate",
    "form_rate",      "form_surge",           "campaign_url",       "campaign_domain",
    "campaign_text",  "disposable_recipient", "bot_user_agent",     "new_recipient_domain",
    "obfuscated_link"};
static_assert(std::size(kFormReasonNames) == static_cast<size_t>(FormReason::kCount));

// How much each reason adds to the score. A score at or above the reject threshold (5 by default)
// rejects, at or above the challenge threshold (2.5) challenges. 10 means "reject on its own".
inline constexpr double kFormReasonWeights[] = {
    10,   // bad_input
    10,   // header_injection
    10,   // multiple_addresses
    10,   // display_name_trick
    5,    // bad_address
    6,    // url_in_name
    6,    // domain_in_name
    6,    // email_in_name
    5,    // phone_in_name
    6,    // markup_in_name
    3,    // confusable_name
    2,    // too_many_urls
    2.5,  // markup_in_text
    0.5,  // new_url_domain
    10,   // honeypot
    2,    // token_missing
    10,   // token_invalid
    1,    // token_expired
    3,    // token_reused
    3,    // too_fast
    0,    // altcha_missing: forces a challenge instead of scoring
    10,   // altcha_invalid
    2,    // altcha_expired
    3,    // altcha_reused
    3,    // ip_rate
    2,    // prefix_rate
    3,    // recipient_rate
    2,    // recipient_domain_rate
    3,    // form_rate
    1.5,  // form_surge
    0,    // campaign_url: holds instead of scoring
    0,    // campaign_domain
    0,    // campaign_text
    1,    // disposable_recipient
    3,    // bot_user_agent: a browser form sent by an HTTP library or a headless browser
    3,    // new_recipient_domain
    3,    // obfuscated_link
};
static_assert(std::size(kFormReasonWeights) == static_cast<size_t>(FormReason::kCount));

inline std::string_view FormReasonName(FormReason r) {
  return kFormReasonNames[static_cast<size_t>(r)];
}
inline double FormReasonWeight(FormReason r) { return kFormReasonWeights[static_cast<size_t>(r)]; }
std::string_view FormActionName(FormAction a);

using FormReasonSet = core::EnumSet<FormReason, uint64_t>;

struct FormVerdict {
  FormAction action = FormAction::kAccept;
  FormReasonSet reasons;
  double score = 0;
};

}  // namespace coastguard::forms
