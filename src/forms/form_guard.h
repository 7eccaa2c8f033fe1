#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "core/memory_budget.h"
#include "counters/bounded_map.h"
#include "counters/recent_set.h"
#include "counters/window_counter.h"
#include "forms/altcha.h"
#include "forms/campaign_event.h"
#include "forms/domains.h"
#include "forms/form_config.h"
#include "forms/form_observer.h"
#include "forms/form_request.h"
#include "forms/form_verdict.h"
#include "forms/lures.h"
#include "forms/minhash.h"
#include "forms/names.h"
#include "forms/render_token.h"
#include "history/timeline.h"

namespace coastguard::forms {

struct FormStats {
  std::array<uint64_t, 4> verdicts{};  // by FormAction
  std::array<uint64_t, static_cast<size_t>(FormReason::kCount)> reasons{};
  uint64_t campaigns = 0;
};

// Decides form submissions: a pure function of its state, the request and `now`, like the auth
// engine. One owner thread.
class FormGuard {
 public:
  // `key` signs render tokens and ALTCHA challenges; `seed` keys the digests of tables. Each
  // table holds at most [forms] max_keys entries and its share of `memory_budget_bytes`.
  FormGuard(const FormsConfig& config, std::string key, uint64_t seed,
            size_t memory_budget_bytes = size_t{1} << 30);
  FormGuard(const FormGuard&) = delete;  // its tables call back into it
  FormGuard& operator=(const FormGuard&) = delete;

  FormVerdict Check(const FormRequest& request, core::Timestamp now);
  // A submission another node checked (redis/shared_state.h): counted as Check counts it
  // (rates, campaigns, used tokens and challenges) with the deciding node's `decided` in place
  // of this node's own scores, without this node's stats, history, campaign events or
  // observer. The campaigns that node reported are reported here too; one it did not report
  // (it saw less than this node does now) is reported by the next submission decided here.
  void Observe(const FormRequest& request, core::Timestamp now, const DecidedForm& decided);
  // Told of every submission checked here (not of observed ones); null: nobody.
  void set_observer(FormObserver* observer) { observer_ = observer; }

  std::string IssueToken(std::string_view form, core::Timestamp now) const {
    return tokens_.Issue(form, now);
  }
  const RenderTokens& tokens() const { return tokens_; }
  AltchaChallenge CreateChallenge(core::Timestamp now) const { return altcha_.Create(now); }
  const Altcha& altcha() const { return altcha_; }

  // Called on the owner thread for each new campaign (also kept in events()).
  // The console's history: form verdicts per minute (none by default).
  void set_timeline(history::Timeline* timeline) { timeline_ = timeline; }
  void set_on_campaign(std::function<void(const CampaignEvent&)> fn) {
    on_campaign_ = std::move(fn);
  }
  const std::deque<CampaignEvent>& events() const { return events_; }

  DomainList& disposable() { return disposable_; }
  DomainList& shorteners() { return shorteners_; }
  // Loads the files the config names (disposable_domains_file, url_shorteners_file). A file
  // the config names must load; the default shortener list comes from a package that may be
  // missing, and the guard then goes on without it. `note` says which shortener list loaded,
  // or why none did (empty with url_shorteners_file = "none").
  absl::Status LoadLists(std::string* note = nullptr);

  // What takes days to learn again: when each link domain and recipient domain was first seen
  // (and how widely a link domain went), and when the guard started. The server saves it to
  // <data_dir>/forms.learned every few minutes and at shutdown, so a restart does not make every
  // link young again. Counters and campaigns restart empty.
  std::string ExportLearned() const;
  // Replaces nothing on error: "truncated", "not a forms state file", "checksum mismatch".
  absl::Status ImportLearned(std::string_view data, core::Timestamp now);
  const FormStats& stats() const { return stats_; }
  // The form guard's /metrics families: checks by verdict and reason, campaigns, memory.
  void AppendMetrics(std::string& out) const;
  const FormsConfig& config() const { return config_; }
  size_t MemoryBytes() const;
  uint64_t Evictions() const;
  // Each table's keys, capacity, share of the memory budget, bytes and evictions.
  void AppendTables(std::vector<core::TableUsage>& out) const;

 private:
  history::Timeline* timeline_ = nullptr;
  FormObserver* observer_ = nullptr;
  bool observing_ = false;  // within Observe: nothing of it is counted, reported or told
  const DecidedForm* observed_ = nullptr;  // within Observe: what the deciding node made of it
  struct Expiry {
    uint32_t expires_s = 0;
    uint32_t recipient_tag = 0;  // render tokens: who the first use was for, and when
    uint32_t first_use_s = 0;
    int64_t Retention(core::Timestamp) const { return expires_s; }
  };
  struct Rate {
    counters::WindowCounter count;
    uint32_t last_s = 0;
    int64_t Retention(core::Timestamp) const { return last_s; }
  };
  struct DomainRate {
    counters::WindowCounter day;
    counters::WindowCounter week;
    uint32_t first_s = 0;
    uint32_t last_s = 0;
    int64_t Retention(core::Timestamp) const { return last_s; }
  };
  // One link, link domain or text cluster and the recipients it went to.
  struct Campaign {
    counters::RecentSet<16> recent;
    counters::WindowCounter distinct;          // recipients new to `recent`, in the campaign window
    counters::WindowCounter week;              // the same over a week: the key's usual volume
    counters::RecentSet<4> recipient_domains;  // over a week: has it reached several?
    // The first message that carried a link, and of the recipients since, how many got a
    // message like it: people sharing a link write their own, a campaign pastes one.
    TextFingerprint first_text;
    uint16_t texts = 0;
    uint16_t alike = 0;
    uint32_t first_seen_s = 0;
    uint32_t last_seen_s = 0;
    uint32_t reported_s = 0;               // when its campaign event went out
    bool link_domain = false;              // a link domain (what ExportLearned keeps)
    std::vector<std::string> pending_ids;  // accepted before it was a campaign
    // Link domains are what the guard learns over days (and saves): they outlast the keys a
    // burst of new links leaves behind by a week.
    int64_t Retention(core::Timestamp) const {
      return static_cast<int64_t>(last_seen_s) + (link_domain ? 7 * 86400 : 0);
    }
  };
  struct Band {
    uint64_t cluster = 0;
    TextFingerprint fingerprint;  // the cluster's first text
    uint32_t last_s = 0;
    int64_t Retention(core::Timestamp) const { return last_s; }
  };
  struct FormBaseline {
    counters::WindowCounter recent;  // 10-minute window
    uint32_t bucket = 0;
    uint32_t in_bucket = 0;
    uint32_t buckets = 0;  // 10-minute buckets learned
    double baseline = 0;   // EWMA of submissions per bucket
  };
  struct Touched {
    uint64_t key;
    FormReason reason;
    std::string label;
  };

  // What the fields carry besides their reasons.
  struct Fields {
    std::string longest_text;  // the longest text field with a lure...
    // ...an address, phone number, handle, term to search for or shortened link among them
    bool text_contact_lure = false;
    // ...a destination only the sender knows: a messenger handle, a term to search for, a link
    // through a shortener, and no other link to someone else's site. Compared by its words.
    bool text_hidden_destination = false;
    Lures links;  // every link and domain
    // Links of the url fields (a homepage), and the domains of every other field.
    std::vector<std::string> homepage_links;
    std::vector<std::string> other_domains;
    std::vector<std::string> name_words;  // the name fields' words, which a mail-merge varies
    std::vector<std::string> name_latin;  // the same as an address spells them (LatinWords)
    bool name_lure = false;               // a name field carried a lure or look-alikes
  };
  // Collects the signals of the fields.
  void CheckFields(const FormRequest& request, FormReasonSet& reasons, Fields& out);
  // Whether a filled honeypot holds the submitter's own name, or a run of its words, and no
  // lure: a browser's autofill that took the hidden field for a name field.
  bool AutofilledName(const FormRequest& request, std::string_view honeypot) const;
  // Lures in a folded field, with obfuscated domains undone (kObfuscatedLink when that found
  // more).
  void ScanDeobfuscated(const std::string& folded, Lures* lures, FormReasonSet& reasons) const;
  void CheckToken(const FormRequest& request, std::string_view recipient, core::Timestamp now,
                  FormReasonSet& reasons);
  bool CheckAltcha(const FormRequest& request, core::Timestamp now, FormReasonSet& reasons);
  void CountRates(const FormRequest& request, std::string_view recipient,
                  std::string_view recipient_domain, bool own_address, core::Timestamp now,
                  FormReasonSet& reasons);
  bool Count(counters::BoundedMap<uint64_t, Rate>& table, uint64_t key, core::Timestamp now,
             core::Duration window, uint32_t limit);
  // How many recipients make a campaign: campaign_recipients (kFixed), established_recipients
  // or four times the usual (kEstablished), or either by the key's own age (kByAge).
  enum class Threshold : uint8_t { kFixed, kEstablished, kByAge };
  // Adds the recipient to the campaign under `key`; true when it is now a campaign.
  // `text` is the message that carried a link (null: none, or too short to compare): a link
  // that people write into messages of their own is shared, one pasted into one message to
  // many recipients is a campaign.
  // `insert`: false for a submission rejected on its own, which counts towards known
  // campaigns but adds no entry.
  bool TouchCampaign(uint64_t key, uint32_t recipient_tag, uint32_t domain_tag,
                     const TextFingerprint* text, Threshold threshold, bool insert,
                     core::Timestamp now);
  // The cluster of texts similar to this one (its first member's fingerprint digest).
  // No link or domain entry yet under `key`, or fewer than kSharedAfterRecipients recipients.
  bool Fresh(uint64_t key, core::Timestamp now) const;
  // Past domain_maturity and seen going to several recipient domains.
  bool Established(const Campaign& c, core::Timestamp now) const;
  uint64_t TextCluster(const TextFingerprint& fingerprint, bool insert, core::Timestamp now);
  // Sends the campaign's event unless it was reported within the window; true if it did.
  bool Report(const FormRequest& request, uint64_t key, FormReason reason, std::string label,
              core::Timestamp now);
  bool Own(std::string_view domain) const;
  // The domains the submission links only as homepages that name the submitter
  // (github.com/rharris, niamhcampbell.wordpress.com from "Rachel Harris", "Niamh Campbell").
  std::vector<std::string> OwnHomepageDomains(const Fields& fields) const;
  // A host of the site's own domains, or below one.
  bool OwnHost(std::string_view host) const;
  void ForgetPendingIds(const Campaign& c);

  FormsConfig config_;
  uint64_t seed_;
  size_t budget_bytes_;
  size_t pending_id_budget_ = 0;  // bytes the campaigns' pending ids may hold together
  size_t pending_id_bytes_ = 0;
  RenderTokens tokens_;
  Altcha altcha_;
  NameChecker names_;
  const PublicSuffixes& suffixes_;
  DomainList disposable_;
  // Link shorteners (bit.ly): a link through one leads wherever its sender likes, so the text
  // around it is judged as one around a number to call.
  DomainList shorteners_;

  counters::BoundedMap<uint64_t, Expiry> used_nonces_;
  counters::BoundedMap<uint64_t, Expiry> used_altcha_;
  counters::BoundedMap<uint64_t, Rate> ips_;
  counters::BoundedMap<uint64_t, Rate> prefixes_;
  counters::BoundedMap<uint64_t, Rate> recipients_;
  counters::BoundedMap<uint64_t, DomainRate> recipient_domains_;
  counters::BoundedMap<uint64_t, Campaign> campaigns_;
  counters::BoundedMap<uint64_t, Band> text_bands_;       // LSH band key -> a cluster
  absl::flat_hash_map<std::string, FormBaseline> forms_;  // at most kMaxForms
  std::function<void(const CampaignEvent&)> on_campaign_;
  std::deque<CampaignEvent> events_;
  FormStats stats_;
  uint32_t started_s_ = 0;  // the first check's time: how much history the guard has
};

// Normalises an address for counting: lower case, "+tag" dropped from the local part.
std::string RecipientKey(std::string_view address);

}  // namespace coastguard::forms
