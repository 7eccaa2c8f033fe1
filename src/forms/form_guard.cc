#include "forms/form_guard.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/digest.h"
#include "core/metrics_text.h"
#include "core/text.h"

namespace coastguard::forms {
namespace {

using core::Duration;
using core::Timestamp;

constexpr Duration kBaselineBucket = 10 * core::kMinute;
constexpr Duration kWeek = 7 * core::kDay;
constexpr size_t kMaxForms = 1024;
constexpr size_t kMaxEvents = 1000;
constexpr size_t kMaxPendingIds = 64;
constexpr size_t kEstablishedRecipientDomains = 3;
// A link or domain already went out when this many recipients got it before: one of them could
// be the sender's own catch-all, sent first to make a per-victim link look already shared.
constexpr size_t kSharedAfterRecipients = 2;
constexpr uint32_t kTokenClockSkew_s = 60;
constexpr uint32_t kDoubleSubmit_s = 600;
// How much more a rate allows submissions to the submitter's own mailbox: the evidence is the
// submitter's word, so it loosens a limit and never lifts it.
constexpr uint32_t kOwnMailboxFactor = 4;
constexpr uint64_t kOwnMailboxKind = 0x6f776e;  // mixed into a prefix's key for those
// Links and link domains one submission may add to the campaign tables, however many fields and
// links it has: more than a person writes (too_many_urls says so), and few enough that a flood
// of submissions cannot sweep out what the guard has learned.
constexpr size_t kMaxCampaignKeys = 8;

// Adds a field's domains and links to the submission's, each once, at most kMaxCampaignKeys.
void Merge(Lures& field, Lures& all) {
  auto add = [](std::vector<std::string>& from, std::vector<std::string>& to) {
    for (std::string& item : from) {
      if (to.size() >= kMaxCampaignKeys) return;
      if (std::find(to.begin(), to.end(), item) == to.end()) to.push_back(std::move(item));
    }
  };
  add(field.domains, all.domains);
  add(field.links, all.links);
}
// Whether a name field's links and domains are all the recipient's own site, bare ("Anna Berg |
// acme.com", "Acme.com" mailing anna@acme.com): that names the company, and lures nobody, since
// whoever reads the mail owns the site. Only the site itself or its www: a path or another
// host under a mail provider's domain can be anyone's upload (cloud.mail.ru/public/...).
bool OnlyTheRecipientsSite(const Lures& lures, std::string_view site) {
  if (site.empty() || lures.urls + lures.bare_domains == 0) return false;
  if (lures.emails > 0 || lures.handles > 0 || lures.phone_digits >= 7 || lures.markup) {
    return false;
  }
  auto is_site = [&](std::string_view host) {
    if (host.substr(0, 4) == "www.") host.remove_prefix(4);
    return host == site;
  };
  auto bare = [&](std::string_view link) {
    if (!link.empty() && link.back() == '/') link.remove_suffix(1);
    return is_site(link);
  };
  return std::all_of(lures.hosts.begin(), lures.hosts.end(), is_site) &&
         std::all_of(lures.links.begin(), lures.links.end(), bare);
}

// Digest "kinds" mixed into campaign keys so a link, a domain and a text never share an entry.
constexpr uint64_t kLinkKind = 1, kDomainKind = 2, kTextKind = 3;

// Days of history behind a week counter, 1 to 7: a key seen for two days has two days of
// volume in its counter, not seven.
double DaysKnown(uint32_t first_seen_s, Timestamp now) {
  const double days = static_cast<double>(now - core::FromSeconds(first_seen_s)) / core::kDay;
  return std::clamp(days, 1.0, 7.0);
}

uint32_t Tag(uint64_t digest) { return static_cast<uint32_t>(digest ^ (digest >> 32)); }

bool BotUserAgent(std::string_view agent) {
  if (agent.empty()) return true;
  static constexpr std::string_view kTools[] = {
      "curl/",   "wget/",       "python-requests", "python-urllib", "python-httpx", "aiohttp",
      "go-http", "libwww-perl", "java/",           "okhttp",        "axios/",       "node-fetch",
      "guzzle",  "httpclient",  "scrapy",          "headlesschrome"};
  const std::string lower = AsciiLower(agent.substr(0, 256));
  for (const std::string_view tool : kTools) {
    if (lower.find(tool) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::string RecipientKey(std::string_view address) {
  std::string key = AsciiLower(address);
  size_t at = key.rfind('@');
  if (at == std::string::npos) return key;
  const size_t plus = key.find('+');
  if (plus != std::string::npos && plus < at) {
    key.erase(plus, at - plus);
    at = plus;
  }
  // Gmail delivers p.e.t.r.o.v.a@gmail.com to petrova@gmail.com (and googlemail.com is the
  // same): one mailbox, however a bomber dots it.
  const std::string_view domain = std::string_view(key).substr(at + 1);
  if (domain == "gmail.com" || domain == "googlemail.com") {
    std::string local = key.substr(0, at);
    local.erase(std::remove(local.begin(), local.end(), '.'), local.end());
    key = local + "@gmail.com";
  }
  return key;
}

namespace {

// Entries of a table that [forms] max_keys and the table's share of the budget allow.
template <typename Value>
size_t Sized(const FormsConfig& c, size_t budget_bytes, size_t share) {
  return std::min(c.max_keys,
                  core::TableCapacity(budget_bytes, share, core::EntryBytes<uint64_t, Value>()));
}

// The ids of submissions accepted before a campaign was one (named in its event) get a quarter
// of the campaigns' share, counted as they are kept; the campaigns themselves the rest.
constexpr size_t kPendingIdsQuarter = 4;

// A link, an address, a handle, a number to call or markup: what a name field must not carry.
bool CarriesLure(const Lures& l) {
  return l.urls + l.bare_domains + l.emails + l.handles > 0 || l.phone_digits >= 7 || l.markup;
}

size_t PendingIdBytes(const std::string& id) {
  return sizeof(std::string) + (id.capacity() > 15 ? id.capacity() + 1 : 0);
}

}  // namespace

FormGuard::FormGuard(const FormsConfig& config, std::string key, uint64_t seed,
                     size_t memory_budget_bytes)
    : config_(config),
      seed_(seed),
      budget_bytes_(memory_budget_bytes),
      tokens_(key),
      altcha_(key, config.altcha_max_number, config.altcha_ttl),
      suffixes_(PublicSuffixes::Get()),
      used_nonces_(Sized<Expiry>(config, memory_budget_bytes, core::BudgetShares::kFormNonces)),
      used_altcha_(Sized<Expiry>(config, memory_budget_bytes, core::BudgetShares::kFormAltcha)),
      ips_(Sized<Rate>(config, memory_budget_bytes, core::BudgetShares::kFormIps)),
      prefixes_(Sized<Rate>(config, memory_budget_bytes, core::BudgetShares::kFormPrefixes)),
      recipients_(Sized<Rate>(config, memory_budget_bytes, core::BudgetShares::kFormRecipients)),
      recipient_domains_(Sized<DomainRate>(config, memory_budget_bytes,
                                           core::BudgetShares::kFormRecipientDomains)),
      campaigns_(Sized<Campaign>(config, memory_budget_bytes / kPendingIdsQuarter * 3,
                                 core::BudgetShares::kFormCampaigns)),
      text_bands_(Sized<Band>(config, memory_budget_bytes, core::BudgetShares::kFormTextBands)) {
  pending_id_budget_ = core::ShareBytes(memory_budget_bytes, core::BudgetShares::kFormCampaigns) /
                       kPendingIdsQuarter;
  campaigns_.set_on_evict([this](uint64_t, const Campaign& c) { ForgetPendingIds(c); });
}

void FormGuard::ForgetPendingIds(const Campaign& c) {
  for (const std::string& id : c.pending_ids) pending_id_bytes_ -= PendingIdBytes(id);
}

absl::Status FormGuard::LoadLists(std::string* note) {
  if (!config_.disposable_domains_file.empty()) {
    if (absl::Status s = disposable_.Load(config_.disposable_domains_file); !s.ok()) return s;
  }
  if (config_.url_shorteners_file == "none") return absl::OkStatus();
  const bool named = !config_.url_shorteners_file.empty();
  const std::string path = named ? config_.url_shorteners_file : kDefaultUrlShorteners;
  const absl::Status s = shorteners_.Load(path);
  if (!s.ok() && named) return s;
  if (note == nullptr) return absl::OkStatus();
  // Form decisions depend on the list: the log says which one, or that there is none.
  *note = s.ok() ? core::Cat("forms: ", shorteners_.size(), " link shorteners from ", path)
                 : core::Cat("forms: ", core::Message(s),
                             "; links through shorteners are judged as any other link (Debian's "
                             "spamassassin package has the list; or set url_shorteners_file)");
  return absl::OkStatus();
}

std::vector<std::string> FormGuard::OwnHomepageDomains(const Fields& fields) const {
  std::vector<std::pair<std::string, bool>> seen;  // each homepage domain, and all named so far
  if (fields.name_lure || fields.name_latin.empty() ||
      fields.homepage_links.size() > kMaxCampaignKeys ||
      fields.other_domains.size() > kMaxCampaignKeys) {
    return {};
  }
  for (const std::string& link : fields.homepage_links) {
    const size_t host_end = std::min(link.find_first_of("/?#:"), link.size());
    const std::string_view host = std::string_view(link).substr(0, host_end);
    const std::string registrable = suffixes_.Registrable(host);
    // The words a page of one's own is named by: the labels before the platform's domain
    // (niamhcampbell.wordpress.com), then the path's first two segments (github.com/rharris,
    // linkedin.com/in/jessica-stjohn), each read as an address's local part is.
    std::vector<std::string_view> names;
    if (!registrable.empty() && host.size() > registrable.size()) {
      std::string_view labels = host.substr(0, host.size() - registrable.size() - 1);
      if (labels.starts_with("www.")) labels.remove_prefix(4);
      if (labels != "www") names.push_back(labels);
    }
    std::string_view path = std::string_view(link).substr(host_end);
    path = path.substr(0, path.find_first_of("?#"));
    for (int segment = 0; segment < 2; ++segment) {
      path.remove_prefix(std::min(path.find_first_not_of("/@"), path.size()));
      const std::string_view name = path.substr(0, path.find('/'));
      if (name.empty()) break;
      names.push_back(name);
      path.remove_prefix(name.size());
    }
    const bool named = std::any_of(names.begin(), names.end(), [&](std::string_view name) {
      return NameInAddress(fields.name_latin, core::Cat(name, "@homepage.invalid"));
    });
    std::string domain = registrable.empty() ? std::string(host) : registrable;
    const auto it = std::find_if(seen.begin(), seen.end(),
                                 [&](const auto& entry) { return entry.first == domain; });
    if (it == seen.end()) {
      seen.emplace_back(std::move(domain), named);
    } else {
      it->second = it->second && named;
    }
  }
  std::vector<std::string> out;
  for (auto& [domain, all_named] : seen) {
    if (all_named && std::find(fields.other_domains.begin(), fields.other_domains.end(), domain) ==
                         fields.other_domains.end()) {
      out.push_back(std::move(domain));
    }
  }
  return out;
}

bool FormGuard::OwnHost(std::string_view host) const {
  return std::any_of(config_.own_domains.begin(), config_.own_domains.end(),
                     [&](const std::string& own) {
                       return host == own || (host.size() > own.size() && host.ends_with(own) &&
                                              host[host.size() - own.size() - 1] == '.');
                     });
}

bool FormGuard::Own(std::string_view domain) const {
  return std::find(config_.own_domains.begin(), config_.own_domains.end(), domain) !=
         config_.own_domains.end();
}

void FormGuard::CheckFields(const FormRequest& request, FormReasonSet& reasons, Fields& out) {
  std::string& longest_text = out.longest_text;
  Lures& links = out.links;
  // Looked up once, and only for a name with a link or domain in it (most have none).
  std::optional<std::string> recipient_site;
  auto recipient_site_of = [&]() -> const std::string& {
    if (!recipient_site) {
      recipient_site = CheckAddress(request.recipient) == AddressCheck::kOk
                           ? suffixes_.Registrable(AddressDomain(request.recipient))
                           : std::string();
    }
    return *recipient_site;
  };
  std::vector<std::string_view> honeypots;  // filled ones, judged once the name is known
  for (const FormField& field : request.fields) {
    const std::string_view value = field.value;
    if (field.role == Role::kSecret) continue;  // never read
    if (field.role == Role::kHoneypot) {
      if (!value.empty()) honeypots.push_back(value);
      continue;
    }
    if (value.empty()) continue;
    if (field.role == Role::kSubject ? InjectsHeader(value)
        : ReachesHeader(field.role)  ? HasHeaderBreak(value)
                                     : value.find('\0') != std::string_view::npos) {
      reasons.Add(FormReason::kHeaderInjection);
    }
    switch (field.role) {
      case Role::kEmail:
        switch (CheckAddress(value)) {
          case AddressCheck::kOk: break;
          case AddressCheck::kMultiple: reasons.Add(FormReason::kMultipleAddresses); break;
          case AddressCheck::kDisplayName: reasons.Add(FormReason::kDisplayNameTrick); break;
          case AddressCheck::kBad: reasons.Add(FormReason::kBadAddress); break;
        }
        break;
      case Role::kName: {
        AppendWords(value.substr(0, 256), 8, &out.name_words);
        const std::string folded = names_.Fold(value.substr(0, 1024));
        Lures lures;
        FormReasonSet obfuscated;
        ScanDeobfuscated(folded, &lures, obfuscated);
        // Look-alike letters undone would make "ѕtone-logistics.nl" the recipient's own site.
        if (lures.urls + lures.bare_domains > 0 &&
            OnlyTheRecipientsSite(lures, recipient_site_of()) && UndoLookAlikes(folded) == folded) {
          lures = Lures{};
        } else {
          obfuscated.ForEach([&](FormReason r) { reasons.Add(r); });
        }
        if (lures.urls > 0) reasons.Add(FormReason::kUrlInName);
        if (lures.bare_domains > 0) reasons.Add(FormReason::kDomainInName);
        if (lures.emails > 0) reasons.Add(FormReason::kEmailInName);
        if (lures.phone_digits >= 7) reasons.Add(FormReason::kPhoneInName);
        if (lures.markup) reasons.Add(FormReason::kMarkupInName);
        const bool confusable = names_.Suspicious(value);
        if (confusable) reasons.Add(FormReason::kConfusableName);
        if (confusable || CarriesLure(lures)) {
          out.name_lure = true;
        } else {
          names_.LatinWords(value.substr(0, 256), 8, &out.name_latin);
        }
        Merge(lures, links);
        break;
      }
      case Role::kText:
      case Role::kSubject:
      case Role::kUrl: {
        Lures lures;
        ScanDeobfuscated(names_.Fold(value.substr(0, 16384)), &lures, reasons);
        if (field.role != Role::kUrl) {
          if (config_.max_urls > 0 && lures.urls + lures.bare_domains > config_.max_urls) {
            reasons.Add(FormReason::kTooManyUrls);
          }
          if (lures.markup) reasons.Add(FormReason::kMarkupInText);
          // Only texts that carry a lure are compared for campaigns: a spam relay's payload is
          // a link, an address or a number to call, while honest people often write the same
          // plain sentence ("please unsubscribe me").
          // Links to the site's own pages are no lure.
          const bool lure = lures.emails > 0 || lures.handles > 0 || lures.phone_digits >= 7 ||
                            std::any_of(lures.domains.begin(), lures.domains.end(),
                                        [&](const std::string& d) { return !Own(d); });
          if (field.role == Role::kText && lure && value.size() > longest_text.size()) {
            longest_text.assign(value.substr(0, 16384));
            // A link through a shortener leads where the sender likes, as a number does.
            bool shortened = false, other_link = false;
            for (const std::string& host : lures.hosts) {
              const bool short_link = shorteners_.Contains(host);
              shortened |= short_link;
              other_link |= !short_link && !OwnHost(host);
            }
            out.text_contact_lure =
                lures.emails > 0 || lures.handles > 0 || lures.phone_digits >= 7 || shortened;
            // A number or an address is what honest people leave to be called back on, in
            // formulaic texts (a booking, a quote) that share most words; a handle, a term to
            // search for or a short link is where a lure sends its reader.
            out.text_hidden_destination = (lures.handles > 0 || shortened) && !other_link;
          }
        }
        // Kept up to one more than a submission's campaign keys: past that, no page is a
        // homepage, and a flood of links costs no more than that.
        std::vector<std::string>& kept =
            field.role == Role::kUrl ? out.homepage_links : out.other_domains;
        for (const std::string& item : field.role == Role::kUrl ? lures.links : lures.domains) {
          if (kept.size() > kMaxCampaignKeys) break;
          kept.push_back(item);
        }
        Merge(lures, links);
        break;
      }
      default: break;
    }
  }
  for (const std::string_view value : honeypots) {
    if (out.name_lure || !AutofilledName(request, value)) reasons.Add(FormReason::kHoneypot);
  }
}

bool FormGuard::AutofilledName(const FormRequest& request, std::string_view honeypot) const {
  // Browsers fill hidden fields they take for name fields with the person's saved name; bots
  // fill them with values of their own. A name is short: a longer value is no autofill.
  constexpr size_t kMaxWords = 6;
  if (honeypot.size() > 128) return false;
  const std::string folded = names_.Fold(honeypot);
  std::vector<std::string> filled;
  AppendWords(folded, kMaxWords + 1, &filled);
  if (filled.empty() || filled.size() > kMaxWords) return false;
  // A lure in it is a bot's, whatever the name says (it may carry the same one).
  Lures lures;
  FormReasonSet ignored;
  ScanDeobfuscated(folded, &lures, ignored);
  if (CarriesLure(lures)) return false;
  bool in_name = false;
  for (const FormField& field : request.fields) {
    if (field.role != Role::kName && field.role != Role::kText && field.role != Role::kSubject) {
      continue;
    }
    std::vector<std::string> words;
    AppendWords(names_.Fold(field.value.substr(0, 256)), 16, &words);
    // A bot that writes one value into every field writes it into the message too.
    if (field.role != Role::kName && words == filled) return false;
    if (field.role == Role::kName &&
        std::search(words.begin(), words.end(), filled.begin(), filled.end()) != words.end()) {
      in_name = true;
    }
  }
  return in_name;
}

void FormGuard::ScanDeobfuscated(const std::string& folded, Lures* lures,
                                 FormReasonSet& reasons) const {
  const std::string latin = UndoLookAlikes(folded);
  const std::string plain = Deobfuscate(latin);
  ScanLures(plain, suffixes_, lures);
  if (plain == folded) return;
  // Spelling a domain out is hiding it: worth a reason of its own when it is what found one.
  Lures seen;
  ScanLures(folded, suffixes_, &seen);
  bool hidden = lures->urls + lures->bare_domains > seen.urls + seen.bare_domains;
  // So is drawing a host with letters of another script that look Latin ("раypal.com" with a
  // Cyrillic "р" and "а"): no one types a host like that, and browsers show it as punycode.
  if (!hidden && latin != folded) {
    Lures drawn;
    ScanLures(latin, suffixes_, &drawn);
    hidden = std::any_of(drawn.hosts.begin(), drawn.hosts.end(), [&](const std::string& host) {
      return std::find(seen.hosts.begin(), seen.hosts.end(), host) == seen.hosts.end();
    });
  }
  if (hidden) reasons.Add(FormReason::kObfuscatedLink);
}

void FormGuard::CheckToken(const FormRequest& request, std::string_view recipient, Timestamp now,
                           FormReasonSet& reasons) {
  if (request.token.empty()) {
    if (config_.token_required) reasons.Add(FormReason::kTokenMissing);
    return;
  }
  const RenderTokens::Parsed token = tokens_.Verify(request.form, request.token);
  const uint32_t now_s = core::ToSeconds(now);
  // Compared in milliseconds first, so that a forged far-future time never overflows below.
  const auto now_ms = static_cast<uint64_t>(std::max<Timestamp>(now, 0) / core::kMillisecond);
  if (!token.valid || token.issued_ms > now_ms + kTokenClockSkew_s * 1000) {
    reasons.Add(FormReason::kTokenInvalid);
    return;
  }
  const Timestamp issued = static_cast<Timestamp>(token.issued_ms) * core::kMillisecond;
  if (now - issued < config_.min_fill) reasons.Add(FormReason::kTooFast);
  // An expired token is a small signal (a tab left open), and its nonce is remembered from its
  // first use on, so that replaying it stays a replay.
  const bool expired = now - issued > config_.token_ttl;
  if (expired) reasons.Add(FormReason::kTokenExpired);
  const uint32_t recipient_tag = Tag(core::Digest64(recipient, seed_));
  Expiry& used = used_nonces_.FindOrInsert(core::Digest64(token.nonce, seed_), now);
  if (used.expires_s >= now_s) {
    // The same page sent twice for the same person within minutes is a double click (the
    // application sends one mail); the token sent for someone else is a replay.
    const bool double_click =
        used.recipient_tag == recipient_tag && now_s - used.first_use_s <= kDoubleSubmit_s;
    if (!double_click) reasons.Add(FormReason::kTokenReused);
    return;
  }
  used.expires_s = core::ToSeconds((expired ? now : issued) + config_.token_ttl);
  used.recipient_tag = recipient_tag;
  used.first_use_s = now_s;
}

bool FormGuard::CheckAltcha(const FormRequest& request, Timestamp now, FormReasonSet& reasons) {
  if (request.altcha.empty()) {
    if (config_.altcha_required) reasons.Add(FormReason::kAltchaMissing);
    return false;
  }
  const AltchaVerified verified = altcha_.Verify(request.altcha, now);
  if (verified.result == AltchaResult::kInvalid) {
    reasons.Add(FormReason::kAltchaInvalid);
    return false;
  }
  if (verified.result == AltchaResult::kExpired) {
    reasons.Add(FormReason::kAltchaExpired);
    return false;
  }
  Expiry& used = used_altcha_.FindOrInsert(core::Digest64(verified.challenge, seed_), now);
  if (used.expires_s >= core::ToSeconds(now)) {
    reasons.Add(FormReason::kAltchaReused);
    return false;
  }
  used.expires_s = verified.expires_s;
  return true;
}

bool FormGuard::Count(counters::BoundedMap<uint64_t, Rate>& table, uint64_t key, Timestamp now,
                      Duration window, uint32_t limit) {
  Rate& rate = table.FindOrInsert(key, now);
  rate.count.Add(now, window);
  rate.last_s = core::ToSeconds(now);
  return limit > 0 && rate.count.Estimate(now, window) > limit;
}

void FormGuard::CountRates(const FormRequest& request, std::string_view recipient,
                           std::string_view recipient_domain, bool own_address, Timestamp now,
                           FormReasonSet& reasons) {
  const core::IpAddress& ip = request.ip;
  // Per address and recipient: a class or an office signs up from one address, each person
  // with their own; one address mailing one recipient again and again is not a person.
  uint64_t ip_key = core::Digest64(ip.bytes().data(), ip.bytes().size(), seed_);
  if (!recipient.empty()) ip_key = core::Mix64(ip_key, core::Digest64(recipient, seed_));
  if (Count(ips_, ip_key, now, core::kHour, config_.ip_per_hour)) {
    reasons.Add(FormReason::kIpRate);
  }
  const core::IpAddress prefix = ip.Masked(ip.is_v4() ? 24 : 64);
  const uint64_t prefix_key = core::Digest64(prefix.bytes().data(), prefix.bytes().size(), seed_);
  // A carrier's CGNAT /24 carries many people writing to their own mailboxes, a bot network's
  // submissions go to strangers: the former are counted apart, against four times the limit.
  if (own_address ? Count(prefixes_, core::Mix64(prefix_key, kOwnMailboxKind), now, core::kHour,
                          kOwnMailboxFactor * config_.prefix_per_hour)
                  : Count(prefixes_, prefix_key, now, core::kHour, config_.prefix_per_hour)) {
    reasons.Add(FormReason::kPrefixRate);
  }
  if (!recipient.empty() && Count(recipients_, core::Digest64(recipient, seed_), now, core::kDay,
                                  config_.recipient_per_day)) {
    reasons.Add(FormReason::kRecipientRate);
  }
  if (!recipient_domain.empty() && config_.recipient_domain_per_day > 0) {
    DomainRate& d = recipient_domains_.FindOrInsert(core::Digest64(recipient_domain, seed_), now);
    d.day.Add(now, core::kDay);
    d.week.Add(now, kWeek);
    d.last_s = core::ToSeconds(now);
    if (d.first_s == 0) d.first_s = d.last_s;
    // Its usual day, from the days before today: on its first day only the floor applies.
    const double today = d.day.Estimate(now, core::kDay);
    const double history_days =
        std::min(6.0, static_cast<double>(now - core::FromSeconds(d.first_s)) / core::kDay - 1.0);
    // Without a day of history nobody knows a domain's usual volume (a fresh install sees the big
    // providers for the first time too): new domains are new_recipient_domain's business.
    if (history_days >= 1.0) {
      const double usual = std::max(0.0, d.week.Estimate(now, kWeek) - today) / history_days;
      const double limit = std::max<double>(config_.recipient_domain_per_day,
                                            config_.recipient_domain_factor * usual);
      if (today > limit) reasons.Add(FormReason::kRecipientDomainRate);
    }
    // A domain is only new once the guard has history to know it: not on its first day.
    const bool new_domain =
        core::FromSeconds(d.first_s) >= core::FromSeconds(started_s_) + config_.domain_maturity &&
        now - core::FromSeconds(d.first_s) < config_.domain_maturity;
    // A class or an office signing up together, each with their own mailbox, is no list: four
    // times as many before it counts.
    if (new_domain && config_.new_recipient_domain_per_day > 0 &&
        today > (own_address ? kOwnMailboxFactor : 1) * config_.new_recipient_domain_per_day) {
      reasons.Add(FormReason::kNewRecipientDomain);
    }
  }
  // Per form: the operator's cap and the form's own baseline. Form names come from outside:
  // past kMaxForms distinct names, new ones share one entry.
  auto it = forms_.find(std::string(request.form));
  if (it == forms_.end()) {
    it = forms_.size() < kMaxForms ? forms_.emplace(std::string(request.form), FormBaseline{}).first
                                   : forms_.try_emplace("(other)").first;
  }
  FormBaseline& f = it->second;
  const auto bucket = static_cast<uint32_t>(now / kBaselineBucket);
  if (bucket != f.bucket) {
    if (f.bucket != 0 && bucket > f.bucket) {
      // Fold the finished bucket, then the empty ones since, into the moving average.
      constexpr double kAlpha = 0.05;
      f.baseline = (1 - kAlpha) * f.baseline + kAlpha * f.in_bucket;
      const uint32_t empty = std::min<uint32_t>(bucket - f.bucket - 1, 1000);
      f.baseline *= std::pow(1 - kAlpha, empty);
      f.buckets += 1 + empty;
    }
    f.bucket = bucket;
    f.in_bucket = 0;
  }
  ++f.in_bucket;
  f.recent.Add(now, kBaselineBucket);
  const double recent = f.recent.Estimate(now, kBaselineBucket);
  if (config_.form_per_10m > 0 && recent > config_.form_per_10m) reasons.Add(FormReason::kFormRate);
  if (config_.surge_factor > 0 && f.buckets >= 36 &&
      recent > std::max<double>(config_.surge_min, config_.surge_factor * f.baseline)) {
    reasons.Add(FormReason::kFormSurge);
  }
}

bool FormGuard::Established(const Campaign& c, Timestamp now) const {
  // Old enough, and seen going to several recipient domains: a link domain that only ever goes
  // to one organisation (a slow drip to one company) never becomes established by age alone.
  return now - core::FromSeconds(c.first_seen_s) >= config_.domain_maturity &&
         c.recipient_domains.Count(now, kWeek) >= kEstablishedRecipientDomains;
}

bool FormGuard::Fresh(uint64_t key, Timestamp now) const {
  const Campaign* c = campaigns_.Find(key);
  return c == nullptr || c->recent.Count(now, config_.campaign_window) < kSharedAfterRecipients;
}

bool FormGuard::TouchCampaign(uint64_t key, uint32_t recipient_tag, uint32_t domain_tag,
                              const TextFingerprint* text, Threshold threshold_kind, bool insert,
                              Timestamp now) {
  Campaign* found = insert ? &campaigns_.FindOrInsert(key, now) : campaigns_.Find(key);
  if (found == nullptr) return false;
  Campaign& c = *found;
  const uint32_t now_s = core::ToSeconds(now);
  if (c.first_seen_s == 0) c.first_seen_s = now_s;
  c.last_seen_s = now_s;
  if (c.recent.Insert(recipient_tag, now, config_.campaign_window)) {
    c.distinct.Add(now, config_.campaign_window);
    c.week.Add(now, kWeek);
    if (text != nullptr) {
      if (c.texts == 0) c.first_text = *text;
      if (c.texts < UINT16_MAX) {
        ++c.texts;
        c.alike += Similarity(c.first_text, *text) >= config_.text_similarity;
      }
    }
  }
  c.recipient_domains.Insert(domain_tag, now, kWeek);
  // Exact while the recent set holds them all; the sliding counter beyond.
  const size_t exact = c.recent.Count(now, config_.campaign_window);
  const double distinct = exact < decltype(c.recent)::kCapacity
                              ? static_cast<double>(exact)
                              : std::max<double>(static_cast<double>(exact),
                                                 c.distinct.Estimate(now, config_.campaign_window));
  double threshold = config_.campaign_recipients;
  // Most of its recipients got a message unlike the first one: people sharing a link (an event
  // page, an issue, a documentation page), judged as a link to an established site is.
  const bool shared = c.texts >= config_.campaign_recipients && 2 * c.alike < c.texts;
  if (threshold_kind == Threshold::kEstablished || shared ||
      (threshold_kind == Threshold::kByAge && Established(c, now))) {
    // An established domain: a campaign is far more recipients than it usually gets.
    const double usual = c.week.Estimate(now, kWeek) / DaysKnown(c.first_seen_s, now) *
                         static_cast<double>(config_.campaign_window) / core::kDay;
    threshold = std::max<double>(config_.established_recipients, 4.0 * usual);
  }
  return config_.campaign_recipients > 0 && distinct >= threshold;
}

uint64_t FormGuard::TextCluster(const TextFingerprint& fingerprint, bool insert, Timestamp now) {
  for (int band = 0; band < kMinHashBands; ++band) {
    const Band* found = text_bands_.Find(BandKey(fingerprint, band));
    if (found != nullptr &&
        Similarity(found->fingerprint, fingerprint) >= config_.text_similarity) {
      return found->cluster;
    }
  }
  const uint64_t cluster =
      core::Digest64(fingerprint.slots.data(), sizeof(fingerprint.slots), seed_);
  if (!insert) return cluster;
  for (int band = 0; band < kMinHashBands; ++band) {
    Band& b = text_bands_.FindOrInsert(BandKey(fingerprint, band), now);
    b.cluster = cluster;
    b.fingerprint = fingerprint;
    b.last_s = core::ToSeconds(now);
  }
  return cluster;
}

bool FormGuard::Report(const FormRequest& request, uint64_t key, FormReason reason,
                       std::string label, Timestamp now) {
  // Observing, what the deciding node reported is marked afterwards (Observe).
  if (observing_) return false;
  Campaign* c = campaigns_.Find(key);
  if (c == nullptr) return false;
  const uint32_t now_s = core::ToSeconds(now);
  if (c->reported_s != 0 && core::FromSeconds(c->reported_s) + config_.campaign_window > now)
    return false;
  c->reported_s = now_s;
  CampaignEvent event;
  event.ts = now;
  event.form = std::string(request.form);
  event.reason = reason;
  event.key = std::move(label);
  event.recipients =
      static_cast<uint32_t>(std::lround(c->distinct.Estimate(now, config_.campaign_window)));
  ForgetPendingIds(*c);
  event.earlier_ids = std::move(c->pending_ids);
  c->pending_ids.clear();
  ++stats_.campaigns;
  if (on_campaign_) on_campaign_(event);
  events_.push_back(std::move(event));
  if (events_.size() > kMaxEvents) events_.pop_front();
  return true;
}

void FormGuard::Observe(const FormRequest& request, Timestamp now, const DecidedForm& decided) {
  {
    // Reset even if a table's allocation throws: a local check must never skip its stats.
    struct Observing {
      FormGuard& guard;
      Observing(FormGuard& g, const DecidedForm& d) : guard(g) {
        guard.observing_ = true;
        guard.observed_ = &d;
      }
      ~Observing() {
        guard.observing_ = false;
        guard.observed_ = nullptr;
      }
    } observing(*this, decided);
    Check(request, now);
  }
  // The deciding node sent these campaigns' events, with the ids held back until then (every
  // node holds the same ones).
  for (const uint64_t key : decided.reported) {
    Campaign* c = campaigns_.Find(key);
    if (c == nullptr) continue;
    c->reported_s = core::ToSeconds(now);
    ForgetPendingIds(*c);
    c->pending_ids.clear();
  }
}

FormVerdict FormGuard::Check(const FormRequest& request, Timestamp now) {
  if (started_s_ == 0) started_s_ = core::ToSeconds(now);
  FormVerdict verdict;
  FormReasonSet& reasons = verdict.reasons;
  Fields fields;
  CheckFields(request, reasons, fields);
  const std::string& text = fields.longest_text;
  const Lures& links = fields.links;

  std::string recipient, recipient_domain;
  if (!request.recipient.empty()) {
    const AddressCheck address = CheckAddress(request.recipient);
    if (address == AddressCheck::kOk) {
      recipient = RecipientKey(request.recipient);
      recipient_domain = AddressDomain(recipient);
      if (disposable_.Contains(recipient_domain)) reasons.Add(FormReason::kDisposableRecipient);
    } else if (!reasons.Has(FormReason::kMultipleAddresses) &&
               !reasons.Has(FormReason::kDisplayNameTrick)) {
      reasons.Add(address == AddressCheck::kMultiple      ? FormReason::kMultipleAddresses
                  : address == AddressCheck::kDisplayName ? FormReason::kDisplayNameTrick
                                                          : FormReason::kBadAddress);
    }
    if (HasHeaderBreak(request.recipient)) reasons.Add(FormReason::kHeaderInjection);
  }
  if (request.has_user_agent && BotUserAgent(request.user_agent)) {
    reasons.Add(FormReason::kBotUserAgent);
  }
  CheckToken(request, recipient, now, reasons);
  const bool solved = CheckAltcha(request, now, reasons);
  // Writing to the mailbox one's own name is in is what people do; a bot network's payload goes
  // to strangers. The name is the submitter's word (a bot can derive one from each victim's
  // address), so it only loosens the per-network and new-domain limits, fourfold; campaigns
  // count every recipient alike.
  const bool own_address = !recipient.empty() && !fields.name_lure &&
                           NameInAddress(fields.name_latin, request.recipient);
  CountRates(request, recipient, recipient_domain, own_address, now, reasons);

  // Campaigns: the same link, link domain or text going to many different recipients. A
  // submission rejected on its own counts towards campaigns already known, but adds no new
  // entry: a flood of junk must not sweep out what the guard has learned.
  double score_so_far = 0;
  reasons.ForEach([&](FormReason r) { score_so_far += FormReasonWeight(r); });
  const bool rejected = observing_ ? observed_->rejected : score_so_far >= config_.reject_at;
  std::vector<Touched> touched;
  if (!recipient.empty()) {
    const uint32_t tag = Tag(core::Digest64(recipient, seed_));
    const uint32_t domain_tag = Tag(core::Digest64(recipient_domain, seed_));
    // The message that carries the links: its cluster of near-identical texts, or (too short
    // to compare) the text itself.
    // A text whose destination is hidden is compared by its words: spun templates stay one
    // text (see Shingles).
    const TextFingerprint fp =
        Fingerprint(text, seed_, fields.name_words,
                    fields.text_hidden_destination ? Shingles::kWords : Shingles::kTrigrams);
    const bool comparable = fp.words >= config_.text_min_words;
    const uint64_t cluster = comparable ? TextCluster(fp, !rejected, now) : 0;
    const TextFingerprint* carrier = comparable ? &fp : nullptr;
    bool young_domain = false;
    bool fresh_lure = false;  // a link or link domain fewer than two recipients got (Fresh)
    // A homepage that names its submitter is the submitter's own page on a platform many
    // people have one on: no campaign of the platform's domain. The same link to many people
    // still is one (below).
    const std::vector<std::string> own_homepages = OwnHomepageDomains(fields);
    for (const std::string& domain : links.domains) {
      if (Own(domain) ||
          std::find(own_homepages.begin(), own_homepages.end(), domain) != own_homepages.end()) {
        continue;
      }
      const uint64_t key = core::Mix64(kDomainKind, core::Digest64(domain, seed_));
      const bool first_time = campaigns_.Find(key) == nullptr;
      fresh_lure |= Fresh(key, now);
      const bool campaign =
          TouchCampaign(key, tag, domain_tag, carrier, Threshold::kByAge, !rejected, now);
      Campaign* site = campaigns_.Find(key);
      if (site == nullptr) continue;  // a rejected submission's new domain: not recorded
      site->link_domain = true;
      young_domain |= !Established(*site, now);
      if (campaign) {
        touched.push_back({key, FormReason::kCampaignDomain, domain});
      } else {
        touched.push_back({key, FormReason::kCount, ""});
      }
      if (first_time) reasons.Add(FormReason::kNewUrlDomain);
    }
    for (const std::string& link : links.links) {
      const std::string host = link.substr(0, link.find_first_of("/?#:"));
      const std::string registrable = suffixes_.Registrable(host);
      const std::string& domain = registrable.empty() ? host : registrable;
      if (Own(domain)) continue;
      // A link is judged by its domain: the same article of an established site shared by a
      // few people is no campaign; the same link on a fresh domain is.
      const Campaign* site =
          campaigns_.Find(core::Mix64(kDomainKind, core::Digest64(domain, seed_)));
      const bool established = site != nullptr && Established(*site, now);
      const uint64_t key = core::Mix64(kLinkKind, core::Digest64(link, seed_));
      fresh_lure |= Fresh(key, now);
      const bool campaign =
          TouchCampaign(key, tag, domain_tag, carrier,
                        established ? Threshold::kEstablished : Threshold::kFixed, !rejected, now);
      touched.push_back(
          {key, campaign ? FormReason::kCampaignUrl : FormReason::kCount, campaign ? link : ""});
    }
    if (comparable) {
      const uint64_t key = core::Mix64(kTextKind, cluster);
      // A template whose only lures are links to established domains needs as many recipients
      // as those domains do; one with an address or a phone number, only a few. So does one
      // that brings a fresh link on a young domain (Fresh: the same words around a new link for
      // each recipient). A young link that went out before is judged by its own entry above
      // (people who write about one event page write alike, around the same link).
      const bool campaign = TouchCampaign(key, tag, domain_tag, nullptr,
                                          (young_domain && fresh_lure) || fields.text_contact_lure
                                              ? Threshold::kFixed
                                              : Threshold::kEstablished,
                                          !rejected, now);
      char label[32];
      std::snprintf(label, sizeof(label), "text:%016llx", static_cast<unsigned long long>(cluster));
      touched.push_back(
          {key, campaign ? FormReason::kCampaignText : FormReason::kCount, campaign ? label : ""});
    }
  }
  bool campaign = false;
  for (const Touched& t : touched) {
    if (t.reason != FormReason::kCount) {
      reasons.Add(t.reason);
      campaign = true;
    }
  }

  double score = 0;
  reasons.ForEach([&](FormReason r) { score += FormReasonWeight(r); });
  verdict.score = score;
  if (score >= config_.reject_at) {
    verdict.action = FormAction::kReject;
  } else if (campaign) {
    verdict.action = FormAction::kHold;
  } else if (reasons.Has(FormReason::kAltchaMissing) ||
             (score >= config_.challenge_at && !solved)) {
    verdict.action = FormAction::kChallenge;
  }

  // Ids of submissions accepted before a campaign showed: named in its event. Observing, the
  // deciding node's verdict counts.
  const FormAction action = observing_ ? observed_->action : verdict.action;
  std::vector<uint64_t> reported;
  for (const Touched& t : touched) {
    if (t.reason != FormReason::kCount && Report(request, t.key, t.reason, t.label, now)) {
      reported.push_back(t.key);
    }
    // Checked here, a campaign touched means a hold; observed, the decider may have accepted
    // what completes the campaign in this node's fuller view: its id was sent all the same.
    if (action == FormAction::kAccept && !request.id.empty()) {
      Campaign* c = campaigns_.Find(t.key);
      if (c != nullptr && c->pending_ids.size() < kMaxPendingIds &&
          pending_id_bytes_ < pending_id_budget_) {
        pending_id_bytes_ += PendingIdBytes(c->pending_ids.emplace_back(request.id));
      }
    }
  }
  if (observing_) return verdict;
  ++stats_.verdicts[static_cast<size_t>(verdict.action)];
  reasons.ForEach([&](FormReason r) { ++stats_.reasons[static_cast<size_t>(r)]; });
  if (timeline_ != nullptr) {
    static constexpr history::Series kSeries[] = {
        history::Series::kFormAccept, history::Series::kFormChallenge, history::Series::kFormHold,
        history::Series::kFormReject};
    timeline_->Count(now, kSeries[static_cast<size_t>(verdict.action)]);
  }
  if (observer_ != nullptr) {
    observer_->FormChecked(request, now,
                           DecidedForm{verdict.action, rejected, std::move(reported)});
  }
  return verdict;
}

size_t FormGuard::MemoryBytes() const {
  return used_nonces_.MemoryBytes() + used_altcha_.MemoryBytes() + ips_.MemoryBytes() +
         prefixes_.MemoryBytes() + recipients_.MemoryBytes() + recipient_domains_.MemoryBytes() +
         campaigns_.MemoryBytes() + pending_id_bytes_ + text_bands_.MemoryBytes();
}

uint64_t FormGuard::Evictions() const {
  return used_nonces_.evictions() + used_altcha_.evictions() + ips_.evictions() +
         prefixes_.evictions() + recipients_.evictions() + recipient_domains_.evictions() +
         campaigns_.evictions() + text_bands_.evictions();
}

void FormGuard::AppendTables(std::vector<core::TableUsage>& out) const {
  auto table = [&](std::string_view t, const auto& map, size_t share) {
    out.push_back(core::MapUsage(t, map, budget_bytes_, share));
  };
  table("form_nonces", used_nonces_, core::BudgetShares::kFormNonces);
  table("form_altcha", used_altcha_, core::BudgetShares::kFormAltcha);
  table("form_ips", ips_, core::BudgetShares::kFormIps);
  table("form_prefixes", prefixes_, core::BudgetShares::kFormPrefixes);
  table("form_recipients", recipients_, core::BudgetShares::kFormRecipients);
  table("form_recipient_domains", recipient_domains_, core::BudgetShares::kFormRecipientDomains);
  out.push_back({"form_campaigns",
                 campaigns_.size(),
                 campaigns_.capacity(),
                 core::ShareBytes(budget_bytes_, core::BudgetShares::kFormCampaigns),
                 campaigns_.MemoryBytes() + pending_id_bytes_,
                 campaigns_.evictions(),
                 {}});
  table("form_text_bands", text_bands_, core::BudgetShares::kFormTextBands);
}

void FormGuard::AppendMetrics(std::string& out) const {
  const FormStats& f = stats_;
  core::MetricHeader(out, "coastguard_form_checks_total", "counter", "Form checks by verdict.");
  for (size_t a = 0; a < f.verdicts.size(); ++a) {
    const std::string label =
        core::Cat("verdict=\"", FormActionName(static_cast<FormAction>(a)), "\"");
    core::MetricSample(out, "coastguard_form_checks_total", label,
                       static_cast<double>(f.verdicts[a]));
  }
  core::MetricHeader(out, "coastguard_form_reasons_total", "counter",
                     "Form checks by reason (one check may have several).");
  for (size_t r = 0; r < f.reasons.size(); ++r) {
    if (f.reasons[r] == 0) continue;
    const std::string label =
        core::Cat("reason=\"", FormReasonName(static_cast<FormReason>(r)), "\"");
    core::MetricSample(out, "coastguard_form_reasons_total", label,
                       static_cast<double>(f.reasons[r]));
  }
  core::MetricFamily(out, "coastguard_form_campaigns_total", "counter", "Form campaigns found.",
                     static_cast<double>(f.campaigns));
  core::MetricFamily(out, "coastguard_form_memory_bytes", "gauge",
                     "Bytes held by the form guard's tables.", static_cast<double>(MemoryBytes()));
  core::MetricFamily(out, "coastguard_form_evictions_total", "counter",
                     "Entries evicted from the form guard's full tables.",
                     static_cast<double>(Evictions()));
}

}  // namespace coastguard::forms
