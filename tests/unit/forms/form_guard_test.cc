#include "forms/form_guard.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string_view>
#include <vector>

#include "absl/strings/escaping.h"
#include "core/text.h"
#include "wire/form_check.h"

namespace coastguard::forms {
namespace {

constexpr core::Timestamp kStart = 1'700'000'000 * core::kSecond;

// Builds requests whose views stay valid: the strings live in the fixture.
struct Submission {
  std::string form = "contact";
  std::string ip = "198.51.100.7";
  std::string name = "Anna Müller";
  std::string email = "anna@example.org";
  std::string subject;
  std::string comment = "Hello, could you tell me when the shop opens on Sunday?";
  std::string homepage;  // a comment form's url field
  std::string token;
  std::string altcha;
  std::string honeypot;
  std::string id;
  std::string user_agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0";
};

// What a secret field holds here would score if it were ever read: a NUL (header injection),
// a link and markup.
const std::string kSecretValue("hun\0ter2 https://prize-claim.example/x <a href=\"y\">", 51);

std::string Describe(const FormVerdict& v) {
  std::string line;
  wire::AppendFormDecisionLine(v, line);
  return line;
}

class FormGuardTest : public ::testing::Test {
 protected:
  FormVerdict Check(const Submission& s, core::Timestamp now) {
    return guard_.Check(Request(s), now);
  }
  // The other node (same key and seed) checks it; returns what it decided, for Relay.
  DecidedForm CheckElsewhere(const Submission& s, core::Timestamp now) {
    struct Capture : FormObserver {
      DecidedForm decided;
      void FormChecked(const FormRequest&, core::Timestamp, const DecidedForm& d) override {
        decided = d;
      }
    } capture;
    other_.set_observer(&capture);
    other_.Check(Request(s), now);
    other_.set_observer(nullptr);
    return capture.decided;
  }
  // This node is told of it, as the shared state relays it (redis/shared_state.h).
  void Relay(const Submission& s, core::Timestamp now, const DecidedForm& decided) {
    guard_.Observe(Request(s), now, decided);
  }
  FormRequest Request(const Submission& s) {
    FormRequest r;
    r.form = s.form;
    r.ip = *core::IpAddress::Parse(s.ip);
    r.user_agent = s.user_agent;
    r.has_user_agent = true;
    r.token = s.token;
    r.altcha = s.altcha;
    r.id = s.id;
    r.recipient = s.email;
    r.fields = {{"name", s.name, Role::kName},
                {"email", s.email, Role::kEmail},
                {"subject", s.subject, Role::kSubject},
                {"comment", s.comment, Role::kText},
                {"url", s.homepage, Role::kUrl},
                {"website", s.honeypot, Role::kHoneypot},
                {"password", kSecretValue, Role::kSecret}};
    return r;
  }
  bool Has(const FormVerdict& v, FormReason r) { return v.reasons.Has(r); }
  static Submission Written(std::string ip, std::string name, std::string email,
                            std::string comment) {
    Submission s;
    s.ip = std::move(ip);
    s.name = std::move(name);
    s.email = std::move(email);
    s.comment = std::move(comment);
    return s;
  }
  // Submission i (0-4) of one spun template to strangers from 203.0.<subnet + i>.7: synonyms
  // drawn for a few slots, and `destination` (what to do, and where) of its own.
  static Submission SpunLure(int i, int subnet, const std::string& destination) {
    static const char* greeting[] = {"customer", "user", "friend", "member", "client"};
    static const char* verb[] = {"inform", "tell", "inform", "let", "tell"};
    static const char* prize[] = {"reward", "reward", "prize", "bonus", "reward"};
    static const char* close[] = {"Best wishes", "Best wishes", "Kind regards", "Best wishes",
                                  "Regards"};
    Submission s;
    s.ip = core::Cat("203.0.", subnet + i, ".7");
    s.email = core::Cat("someone", i, "@example", i, ".org");
    s.comment = core::Cat("Hello dear ", greeting[i], ", we are pleased to ", verb[i],
                          " you that you were chosen for a cash ", prize[i], ". To claim it ",
                          destination, " today. ", close[i]);
    return s;
  }
  // Each text from its own address to its own recipient (<local><i>@example<i>.org), 20 minutes
  // apart: every one accepted.
  void ExpectEachAccepted(const std::vector<const char*>& texts, int subnet,
                          std::string_view local) {
    for (size_t i = 0; i < texts.size(); ++i) {
      Submission s;
      s.ip = core::Cat("203.0.", subnet + static_cast<int>(i), ".7");
      s.email = core::Cat(local, i, "@example", i, ".org");
      s.comment = texts[i];
      const FormVerdict v = Check(s, kStart + static_cast<int64_t>(i) * 20 * core::kMinute);
      EXPECT_EQ(v.action, FormAction::kAccept) << i << Describe(v);
    }
  }
  // Submission i of a campaign: one fresh domain's links to many people from many addresses.
  static Submission PromoCampaign(int i) {
    Submission s;
    s.ip = core::Cat("198.51.", i, ".20");
    s.email = core::Cat("target", i, "@example.", i % 2 ? "net" : "org");
    s.comment = core::Cat("Thanks for signing up, see https://promo-deals.example/u/", i * 7919);
    s.id = core::Cat("sub-", i);
    return s;
  }

  FormsConfig config_;
  FormGuard guard_{config_, "secret", 42};
  FormGuard other_{config_, "secret", 42};  // another node of the same deployment
};

TEST_F(FormGuardTest, AnHonestSubmissionIsAccepted) {
  const FormVerdict v = Check(Submission{}, kStart);
  EXPECT_EQ(v.action, FormAction::kAccept);
  EXPECT_TRUE(v.reasons.empty());
  EXPECT_EQ(v.score, 0);
}

TEST_F(FormGuardTest, HonestNamesInManyScriptsAreAccepted) {
  int i = 0;
  for (const char* name : {"Zoë", "José-María", "O'Brien", "Nguyễn Văn An", "李雷", "Ørjan",
                           "Αλέξανδρος", "Олександр"}) {
    Submission s;
    s.name = name;
    s.email = core::Cat("person", i, "@example.org");
    s.ip = core::Cat("203.0.", i, ".9");
    s.comment = "";  // the same comment to eight people would be a campaign
    ++i;
    const FormVerdict v = Check(s, kStart + i * core::kMinute);
    EXPECT_EQ(v.action, FormAction::kAccept) << name;
    EXPECT_TRUE(v.reasons.empty()) << name;
  }
}

TEST_F(FormGuardTest, LuresInTheNameAreRejected) {
  const std::pair<const char*, FormReason> cases[] = {
      {"WIN $500 at https://prize.example.com", FormReason::kUrlInName},
      {"Claim now cheap-pills.shop", FormReason::kDomainInName},
      {"write win@prize.example.net", FormReason::kEmailInName},
      {"Call +1 555 010 9999", FormReason::kPhoneInName},
      {"<a href=x>Anna</a>", FormReason::kMarkupInName}};
  int i = 0;
  for (const auto& [name, reason] : cases) {
    Submission s;
    s.name = name;
    s.email = core::Cat("victim", i++, "@example.org");
    const FormVerdict v = Check(s, kStart + i * core::kMinute);
    EXPECT_EQ(v.action, FormAction::kReject) << name;
    EXPECT_TRUE(Has(v, reason)) << name;
  }
}

TEST_F(FormGuardTest, HeaderInjectionAndAddressTricksAreRejected) {
  Submission s;
  s.name = "Bob\r\nBcc: list@example.net";
  FormVerdict v = Check(s, kStart);
  EXPECT_EQ(v.action, FormAction::kReject);
  EXPECT_TRUE(Has(v, FormReason::kHeaderInjection));

  s = Submission{};
  s.email = "a@example.org, b@example.org";
  v = Check(s, kStart);
  EXPECT_EQ(v.action, FormAction::kReject);
  EXPECT_TRUE(Has(v, FormReason::kMultipleAddresses));

  s = Submission{};
  s.email = "\"Free money\" <c@example.org>";
  v = Check(s, kStart);
  EXPECT_TRUE(Has(v, FormReason::kDisplayNameTrick));
}

TEST_F(FormGuardTest, LinesInASubjectAreNoInjectionUnlessOneIsAHeader) {
  // A site that copies the message's first lines into the subject.
  Submission s;
  s.subject = "Where is my order 8134616?\n\nThanks";
  FormVerdict v = Check(s, kStart);
  EXPECT_FALSE(Has(v, FormReason::kHeaderInjection)) << Describe(v);
  EXPECT_EQ(v.action, FormAction::kAccept) << Describe(v);
  s.subject = "Where is my order?\r\nBcc : list@example.net";
  v = Check(s, kStart + core::kMinute);
  EXPECT_TRUE(Has(v, FormReason::kHeaderInjection));
  EXPECT_EQ(v.action, FormAction::kReject);
  // In a name or an address any break is one: nothing honest puts one there, and a line that
  // is no header ends the headers in a `sendmail -t` pipe (what follows becomes the body).
  s = Submission{};
  s.name = "Anna Müller\nthanks";
  v = Check(s, kStart + 2 * core::kMinute);
  EXPECT_TRUE(Has(v, FormReason::kHeaderInjection));
  s = Submission{};
  s.email = "anna@example.org\nthanks";
  v = Check(s, kStart + 3 * core::kMinute);
  EXPECT_TRUE(Has(v, FormReason::kHeaderInjection));
}

TEST_F(FormGuardTest, LinesInATextFieldAreNoInjectionButSecretsAreNeverRead) {
  Submission s;
  s.comment = "Line one\r\nLine two";
  const FormVerdict v = Check(s, kStart);
  // The password field's NUL, link and markup were not looked at.
  EXPECT_TRUE(v.reasons.empty()) << Describe(v);
  EXPECT_EQ(v.action, FormAction::kAccept);
}

TEST_F(FormGuardTest, HoneypotRejects) {
  Submission s;
  s.honeypot = "http://spam.example";
  EXPECT_TRUE(Has(Check(s, kStart), FormReason::kHoneypot));
}

TEST_F(FormGuardTest, AHoneypotAutofilledWithTheSubmittersOwnNameIsNoBot) {
  Submission s;
  s.name = "Vivian Li";
  s.honeypot = "Vivian";  // the browser took the hidden field for a first-name field
  EXPECT_FALSE(Has(Check(s, kStart), FormReason::kHoneypot));
  s.name = "高橋\u3000蓮 ❤️";
  s.honeypot = "高橋\u3000蓮";  // the ideographic space folds to a space
  EXPECT_FALSE(Has(Check(s, kStart + core::kMinute), FormReason::kHoneypot));
  // Anything else in it is a bot's: its own junk, a word the name lacks, a longer value.
  for (const char* junk : {"p77qoe", "Prof.", "Vivian Li http://spam.example"}) {
    s.name = "Vivian Li";
    s.honeypot = junk;
    EXPECT_TRUE(Has(Check(s, kStart + 2 * core::kMinute), FormReason::kHoneypot)) << junk;
  }
  // A bot that writes one value everywhere writes it into the name as well.
  s.name = s.honeypot = s.comment = "test";
  EXPECT_TRUE(Has(Check(s, kStart + 3 * core::kMinute), FormReason::kHoneypot));
  // A lure in the name and the honeypot alike is a bot's (the contact-form demo's bot).
  s.comment = "Hello";
  s.name = "WIN $500 now at https://prize.example.com";
  s.honeypot = "https://prize.example.com";
  EXPECT_TRUE(Has(Check(s, kStart + 4 * core::kMinute), FormReason::kHoneypot));
  s.name = "Call Mr Smith";
  s.honeypot = "Mr Smith";  // a name with no lure would pass...
  EXPECT_FALSE(Has(Check(s, kStart + 5 * core::kMinute), FormReason::kHoneypot));
  s.name = "Mr Smith +1 555 0100 200";
  s.honeypot = "Mr Smith";  // ...but not beside a number to call
  EXPECT_TRUE(Has(Check(s, kStart + 6 * core::kMinute), FormReason::kHoneypot));
  s.name = "prize example com";  // no lure in the name, but one in the honeypot
  s.honeypot = "prize.example.com";
  EXPECT_TRUE(Has(Check(s, kStart + 7 * core::kMinute), FormReason::kHoneypot));
}

TEST_F(FormGuardTest, HonestLinksInCommentsPassButManyAreChallenged) {
  Submission s;
  s.comment = "The manual at https://github.com/example/project says otherwise.";
  EXPECT_EQ(Check(s, kStart).action, FormAction::kAccept);
  s.email = "other@example.org";
  s.comment = "a.example.com b.example.net https://c.example.org www.d.example.info";
  const FormVerdict v = Check(s, kStart + core::kMinute);
  EXPECT_TRUE(Has(v, FormReason::kTooManyUrls));
}

TEST_F(FormGuardTest, RenderTokenTimesTheFillAndIsSingleUse) {
  Submission s;
  s.token = guard_.IssueToken("contact", kStart);
  FormVerdict v = Check(s, kStart + core::kSecond);
  EXPECT_TRUE(Has(v, FormReason::kTooFast));
  s.token = guard_.IssueToken("contact", kStart);
  s.email = "b@example.org";
  v = Check(s, kStart + 40 * core::kSecond);
  EXPECT_EQ(v.action, FormAction::kAccept);
  s.email = "c@example.org";
  v = Check(s, kStart + 50 * core::kSecond);
  EXPECT_TRUE(Has(v, FormReason::kTokenReused));
  s.token = guard_.IssueToken("signup", kStart);  // another form's token
  v = Check(s, kStart + 60 * core::kSecond);
  EXPECT_TRUE(Has(v, FormReason::kTokenInvalid));
  EXPECT_EQ(v.action, FormAction::kReject);
  s.token = guard_.IssueToken("contact", kStart);
  v = Check(s, kStart + 3 * core::kHour);
  EXPECT_TRUE(Has(v, FormReason::kTokenExpired));
}

TEST_F(FormGuardTest, TheFillIsTimedToTheMillisecond) {
  Submission s;
  s.token = guard_.IssueToken("contact", kStart + 900 * core::kMillisecond);
  // 2.95 s after rendering: too fast for min_fill 3 s, though the whole seconds differ by 3.
  EXPECT_TRUE(Has(Check(s, kStart + 3850 * core::kMillisecond), FormReason::kTooFast));
}

TEST_F(FormGuardTest, AltchaSolutionsVerifyOnceAndAnsweraChallenge) {
  const AltchaChallenge c = guard_.altcha().CreateWith(
      core::Cat("feed?expires=", core::ToSeconds(kStart) + 600, "&"), 321);
  Submission s;
  s.altcha = absl::Base64Escape(core::Cat("{\"algorithm\":\"SHA-256\",\"challenge\":\"",
                                          c.challenge, "\",\"number\":321,\"salt\":\"", c.salt,
                                          "\",\"signature\":\"", c.signature, "\"}"));
  s.comment = "a.example.com b.example.net https://c.example.org www.d.example.info";  // 2.5
  FormVerdict v = Check(s, kStart);
  EXPECT_GE(v.score, 2.5) << Describe(v);
  EXPECT_EQ(v.action, FormAction::kAccept) << Describe(v);  // the proof of work answers it
  s.email = "z@example.org";
  v = Check(s, kStart + core::kSecond);
  EXPECT_TRUE(Has(v, FormReason::kAltchaReused));
  EXPECT_EQ(v.action, FormAction::kReject) << Describe(v);  // 3 + 2, and no proof left
}

TEST_F(FormGuardTest, RequiredAltchaMissingChallenges) {
  config_.altcha_required = true;
  FormGuard guard(config_, "secret", 42);
  FormRequest r;
  r.form = "contact";
  r.ip = *core::IpAddress::Parse("192.0.2.1");
  const FormVerdict v = guard.Check(r, kStart);
  EXPECT_EQ(v.action, FormAction::kChallenge);
  EXPECT_TRUE(v.reasons.Has(FormReason::kAltchaMissing));
}

TEST_F(FormGuardTest, SubscriptionBombingOfOneAddressIsRateLimited) {
  Submission s;
  s.email = "victim@example.org";
  FormVerdict v;
  for (int i = 0; i < 4; ++i) {
    s.ip = core::Cat("192.0.2.", i + 1);
    s.email = i % 2 ? "Victim+x@example.org" : "victim@example.org";
    v = Check(s, kStart + i * core::kMinute);
  }
  EXPECT_TRUE(Has(v, FormReason::kRecipientRate));
  EXPECT_EQ(v.action, FormAction::kChallenge);
}

TEST_F(FormGuardTest, OneAddressMailingOneRecipientAgainAndAgainIsRateLimited) {
  config_.recipient_per_day = 0;  // so that the per-address count is what answers
  FormGuard guard(config_, "secret", 42);
  FormRequest r;
  r.form = "newsletter";
  r.ip = *core::IpAddress::Parse("192.0.2.1");
  r.recipient = "victim@example.org";
  FormVerdict v;
  for (int i = 0; i < 11; ++i) v = guard.Check(r, kStart + i * core::kMinute);
  EXPECT_TRUE(v.reasons.Has(FormReason::kIpRate)) << Describe(v);
}

TEST_F(FormGuardTest, AClassSigningUpFromOneSchoolAddressIsNotRateLimited) {
  Submission s;
  s.ip = "198.51.100.20";
  int hurt = 0;
  for (int i = 0; i < 30; ++i) {
    s.name = core::Cat("Student ", i);
    s.email = core::Cat("student", i, "@school.example");
    hurt += Check(s, kStart + i * 20 * core::kSecond).action != FormAction::kAccept;
  }
  EXPECT_EQ(hurt, 0);
}

TEST_F(FormGuardTest, ACampaignIsHeldAndNamesTheSubmissionsAcceptedBefore) {
  std::vector<CampaignEvent> events;
  guard_.set_on_campaign([&](const CampaignEvent& e) { events.push_back(e); });
  FormVerdict v;
  for (int i = 0; i < 4; ++i) {
    const Submission s = PromoCampaign(i);
    v = Check(s, kStart + i * core::kHour);
    if (i < 2) {
      EXPECT_EQ(v.action, FormAction::kAccept) << i;
    }
  }
  EXPECT_EQ(v.action, FormAction::kHold);
  EXPECT_TRUE(Has(v, FormReason::kCampaignDomain));
  // One event per campaign key: the link domain, and the text template (10 words) too.
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].key, "promo-deals.example");
  EXPECT_EQ(events[0].reason, FormReason::kCampaignDomain);
  EXPECT_EQ(events[0].earlier_ids, (std::vector<std::string>{"sub-0", "sub-1"}));
  EXPECT_EQ(events[1].reason, FormReason::kCampaignText);
  EXPECT_EQ(guard_.events().size(), 2u);
}

TEST_F(FormGuardTest, NearIdenticalTextToManyRecipientsIsACampaign) {
  FormVerdict v;
  const char* names[] = {"Maria", "Olga", "Peter", "Ann"};
  for (int i = 0; i < 4; ++i) {
    Submission s;
    s.ip = core::Cat("198.51.", i, ".20");
    s.email = core::Cat("t", i, "@example.org");
    s.comment = core::Cat("Dear ", names[i],
                          " you have been selected to receive an exclusive cash reward from our "
                          "partners, call +44 20 7946 0000 to claim your reward today");
    v = Check(s, kStart + i * core::kHour);
  }
  EXPECT_EQ(v.action, FormAction::kHold);
  EXPECT_TRUE(Has(v, FormReason::kCampaignText));
}

TEST_F(FormGuardTest, TheSameLureWithItsOwnSearchTermForEachRecipientIsACampaign) {
  // No link, no handle, no number to call: the destination is a term to look up, a new one in
  // each message. Read as a placeholder, the texts are one template.
  FormVerdict v;
  const char* terms[] = {"promogift", "quickgift", "safe secure", "trackgift"};
  for (int i = 0; i < 4; ++i) {
    Submission s;
    s.ip = core::Cat("198.51.", i, ".40");
    s.email = core::Cat("winner", i, "@example.org");
    s.comment = core::Cat(
        "Thank you for your registration! To unlock your complimentary bonus please use search "
        "\"",
        terms[i], "\" on Google and enter code ", 1700 + i * 37, ".");
    v = Check(s, kStart + i * core::kHour);
  }
  EXPECT_EQ(v.action, FormAction::kHold) << Describe(v);
  EXPECT_TRUE(Has(v, FormReason::kCampaignText));
}

TEST_F(FormGuardTest, ASpunLureWithItsOwnHandleForEachRecipientIsACampaign) {
  // Every message draws synonyms for a few slots and a messenger handle of its own: they share
  // few trigrams but most words, and are one template sent to strangers.
  const char* write[] = {"write to", "message", "write to", "text", "message"};
  FormVerdict v;
  int held = 0;
  for (int i = 0; i < 5; ++i) {
    v = Check(SpunLure(i, 10, core::Cat(write[i], " Telegram @payout_desk", 17 * i + 3)),
              kStart + i * 20 * core::kMinute);
    held += Has(v, FormReason::kCampaignText) ? 1 : 0;
  }
  EXPECT_EQ(v.action, FormAction::kHold) << Describe(v);
  EXPECT_TRUE(Has(v, FormReason::kCampaignText));
  EXPECT_GE(held, 2);
}

TEST_F(FormGuardTest, BookingsInTheirOwnWordsWithTheirOwnNumbersAreNoCampaign) {
  // A restaurant's booking form mails each guest a copy: people ask alike and leave a number
  // to be called back on. Their words overlap far more than their trigrams: a number is no
  // hidden destination, so they are compared by trigrams and stay different texts.
  ExpectEachAccepted(
      {"Hello, I would like to book a table for two on Saturday at 8pm. Please call me on "
       "0612 345 678 if that is not possible",
       "Hello, I would like to book a table for 6 on Sunday for lunch. Please call me on "
       "07700 900123 if there is a problem",
       "Hi, could I book a table for four on Friday evening? If it is full please call me on "
       "+44 20 7946 0958",
       "Good evening, we would like a table for 9 next Thursday at 7. Call me on 0171 2381459 "
       "please"},
      40, "guest");
}

TEST_F(FormGuardTest, ASpunLureWithItsOwnShortLinkForEachRecipientIsACampaign) {
  // A shortened link leads wherever its sender likes, like a number to call: the spun text
  // around a short link of its own per victim is one template.
  const char* open[] = {"visit", "open", "visit", "go to", "open"};
  auto campaign_texts = [&](FormGuard& guard) {
    int held = 0;
    for (int i = 0; i < 5; ++i) {
      const Submission s =
          SpunLure(i, 30, core::Cat(open[i], " https://sho.rt/", 7 * i + 3, "Xq", i));
      held +=
          Has(guard.Check(Request(s), kStart + i * 20 * core::kMinute), FormReason::kCampaignText);
    }
    return held;
  };
  FormGuard listed(config_, "secret", 42);
  listed.shorteners().Add("sho.rt");
  EXPECT_GE(campaign_texts(listed), 2);
  // Unlisted, the same links are links of a young domain with spun texts around them.
  FormGuard unlisted(config_, "secret", 42);
  EXPECT_EQ(campaign_texts(unlisted), 0);
}

TEST_F(FormGuardTest, ANamedShortenerListMustLoadTheDefaultOneMayBeMissing) {
  config_.url_shorteners_file = "/nonexistent/shorteners.inc";
  FormGuard named(config_, "secret", 42);
  std::string note;
  const absl::Status s = named.LoadLists(&note);
  EXPECT_EQ(s.message(), "/nonexistent/shorteners.inc: cannot open");
  config_.url_shorteners_file = "none";
  FormGuard none(config_, "secret", 42);
  note.clear();
  EXPECT_TRUE(none.LoadLists(&note).ok());
  EXPECT_EQ(note, "");
  EXPECT_EQ(none.shorteners().size(), 0u);
  // The default: SpamAssassin's list when the package is installed, else a note.
  config_.url_shorteners_file = "";
  FormGuard by_default(config_, "secret", 42);
  EXPECT_TRUE(by_default.LoadLists(&note).ok());
  EXPECT_NE(note.find(kDefaultUrlShorteners), std::string::npos) << note;
  if (by_default.shorteners().size() > 0) {
    EXPECT_EQ(note, core::Cat("forms: ", by_default.shorteners().size(), " link shorteners from ",
                              kDefaultUrlShorteners));
  } else {
    EXPECT_NE(note.find("cannot open"), std::string::npos) << note;
  }
  // A named list that loads says so too.
  const std::string path = ::testing::TempDir() + "shorteners.inc";
  { std::ofstream(path) << "# rspamd style\nbit.ly\nis.gd\n"; }
  config_.url_shorteners_file = path;
  FormGuard listed(config_, "secret", 42);
  ASSERT_TRUE(listed.LoadLists(&note).ok());
  EXPECT_EQ(note, core::Cat("forms: 2 link shorteners from ", path));
  std::remove(path.c_str());
}

TEST_F(FormGuardTest, PeopleAskingAlikeWithTheirOwnNumbersAreNoCampaign) {
  // Each asks the shop something of their own and leaves a number: the words differ too.
  ExpectEachAccepted(
      {"Hello, I ordered the blue kettle last week and it arrived with a cracked lid, could "
       "you call me back on +44 7700 900712 please",
       "Is there parking near the venue for the Saturday workshop? My daughter uses a "
       "wheelchair. You can reach me at 0171 2381459",
       "Could you send me a quote for 40 units of the trail shoes for our running club? "
       "Best number to call: +49 170 1234567",
       "Do you ship to the Canary Islands, and how long does it take? Text me on +34 612 345 678 "
       "if that is easier"},
      20, "customer");
}

TEST_F(FormGuardTest, TheSamePlainSentenceFromManyPeopleIsNoCampaign) {
  FormVerdict v;
  for (int i = 0; i < 6; ++i) {
    Submission s;
    s.ip = core::Cat("198.51.", i, ".30");
    s.email = core::Cat("reader", i, "@example.org");
    s.comment = "Please take me off your mailing list, I no longer want the newsletter";
    v = Check(s, kStart + i * core::kHour);
  }
  EXPECT_EQ(v.action, FormAction::kAccept) << Describe(v);
}

TEST_F(FormGuardTest, AnEstablishedDomainNeedsFarMoreRecipients) {
  FormVerdict v;
  for (int i = 0; i < 10; ++i) {  // day 1: a few people link the project's code
    Submission s;
    s.ip = core::Cat("198.51.", i, ".20");
    s.email = core::Cat("dev", i, "@example", i % 4, ".org");
    s.comment = core::Cat("Bug report, see https://github.com/acme/tool/issues/", i);
    v = Check(s, kStart + i * core::kHour);
  }
  EXPECT_EQ(v.action, FormAction::kHold);  // a young domain to 10 recipients: held on day 1
  for (int i = 0; i < 10; ++i) {           // a week later it is an established domain
    Submission s;
    s.ip = core::Cat("198.51.", i, ".21");
    s.email = core::Cat("later", i, "@example", i % 4, ".org");
    s.comment = core::Cat("Bug report, see https://github.com/acme/tool/issues/", 100 + i);
    v = Check(s, kStart + 8 * core::kDay + i * core::kHour);
    EXPECT_FALSE(Has(v, FormReason::kCampaignDomain)) << i;
  }
}

TEST_F(FormGuardTest, TheSameArticleOfAnEstablishedSiteSharedByAFewIsNoCampaign) {
  for (int i = 0; i < 6; ++i) {  // day one: the encyclopedia becomes known
    Submission s;
    s.ip = core::Cat("198.51.", i, ".40");
    s.email = core::Cat("early", i, "@example", i % 3, ".org");
    s.comment = core::Cat("See https://en.wikipedia.org/wiki/Topic_", i);
    Check(s, kStart + i * core::kHour);
  }
  FormVerdict v;
  for (int i = 0; i < 5; ++i) {  // two days later, five people share one article
    Submission s;
    s.ip = core::Cat("198.51.", i, ".41");
    s.email = core::Cat("reader", i, "@example", i % 3, ".org");
    s.comment = "Is this the same kettle? https://en.wikipedia.org/wiki/Kettle";
    v = Check(s, kStart + 2 * core::kDay + i * core::kHour);
    EXPECT_FALSE(Has(v, FormReason::kCampaignUrl)) << i << Describe(v);
  }
}

TEST_F(FormGuardTest, LinksThatOnlyEverGoToOneOrganisationNeverBecomeEstablished) {
  FormVerdict v;
  for (int i = 0; i < 40; ++i) {  // a slow drip to one company, for two days
    Submission s;
    s.ip = core::Cat("203.0.", i, ".7");
    s.email = core::Cat("employee", i, "@victimcorp.example");
    s.comment = core::Cat("Your invoice: https://invoice-share.example/d/", i * 104729);
    v = Check(s, kStart + i * 72 * core::kMinute);
    if (i >= 2) {
      EXPECT_TRUE(Has(v, FormReason::kCampaignDomain)) << i << Describe(v);
    }
  }
}

TEST_F(FormGuardTest, ManyRecipientsAtANewDomainCountOnceTheGuardHasHistory) {
  Submission s;
  s.comment = "";
  for (int i = 0; i < 7; ++i) {  // the first day: nothing is new yet
    s.ip = core::Cat("203.0.", i, ".8");
    s.email = core::Cat("staff", i, "@firstday.example");
    EXPECT_FALSE(Has(Check(s, kStart + i * core::kMinute), FormReason::kNewRecipientDomain));
  }
  FormVerdict v;
  for (int i = 0; i < 7; ++i) {  // two days later, a domain never mailed before
    s.ip = core::Cat("203.1.", i, ".8");
    s.email = core::Cat("staff", i, "@newcorp.example");
    v = Check(s, kStart + 2 * core::kDay + i * core::kMinute);
  }
  EXPECT_TRUE(Has(v, FormReason::kNewRecipientDomain));
  EXPECT_EQ(v.action, FormAction::kChallenge) << Describe(v);
}

TEST_F(FormGuardTest, OneNetworkFloodingIsRateLimited) {
  FormVerdict v;
  for (int i = 0; i < 41; ++i) {
    Submission s;
    s.ip = core::Cat("198.51.100.", i + 1);
    s.email = core::Cat("n", i, "@example.org");
    s.comment = "";
    v = Check(s, kStart + i * core::kMinute);
  }
  EXPECT_TRUE(Has(v, FormReason::kPrefixRate));
  EXPECT_FALSE(Has(v, FormReason::kIpRate));
}

TEST_F(FormGuardTest, ARecipientDomainFarAboveItsUsualIsScored) {
  FormVerdict v;
  for (int day = 0; day < 3; ++day) {  // a small company: a couple of sign-ups a day
    Submission s;
    s.email = core::Cat("early", day, "@small.example");
    s.comment = "";
    v = Check(s, kStart + day * core::kDay);
  }
  EXPECT_FALSE(Has(v, FormReason::kRecipientDomainRate));
  for (int i = 0; i < 31; ++i) {
    Submission s;
    s.ip = core::Cat("203.", i, ".0.9");
    s.email = core::Cat("x", i, "@small.example");
    s.comment = "";
    v = Check(s, kStart + 3 * core::kDay + i * core::kMinute);
  }
  EXPECT_TRUE(Has(v, FormReason::kRecipientDomainRate));
}

TEST_F(FormGuardTest, TheFormCapAndTheSurgeOverItsBaseline) {
  config_.form_per_10m = 20;
  FormGuard guard(config_, "secret", 42);
  auto submit = [&](int i, core::Timestamp now) {
    const std::string email = core::Cat("s", i, "@example.org");
    const std::string ip = core::Cat("10.", i / 256 % 256, ".", i % 256, ".1");
    FormRequest r;
    r.form = "newsletter";
    r.ip = *core::IpAddress::Parse(ip);
    r.recipient = email;
    return guard.Check(r, now);
  };
  int n = 0;
  for (int minute = 0; minute < 12 * 60; minute += 5) submit(n++, kStart + minute * core::kMinute);
  FormVerdict v;
  const core::Timestamp burst = kStart + 12 * core::kHour;
  for (int i = 0; i < 40; ++i) v = submit(n++, burst + i * 10 * core::kSecond);
  EXPECT_TRUE(v.reasons.Has(FormReason::kFormSurge)) << Describe(v);
  EXPECT_TRUE(v.reasons.Has(FormReason::kFormRate)) << Describe(v);
}

TEST_F(FormGuardTest, ScriptsAndMarkupAreScored) {
  Submission s;
  s.user_agent = "python-requests/2.31";
  s.comment = "Great <a href=\"https://x.example\">deals</a>";
  const FormVerdict v = Check(s, kStart);
  EXPECT_TRUE(Has(v, FormReason::kBotUserAgent));
  EXPECT_TRUE(Has(v, FormReason::kMarkupInText));
  // A browser's form posted by an HTTP library, with a markup link: 3 + 2.5 + 0.5.
  EXPECT_EQ(v.action, FormAction::kReject) << Describe(v);
}

TEST_F(FormGuardTest, ACampaignPartlySeenOnAnotherNodeIsHeldHereAsOnOneNode) {
  std::vector<CampaignEvent> events;
  guard_.set_on_campaign([&](const CampaignEvent& e) { events.push_back(e); });
  struct Recorder : FormObserver {
    int calls = 0;
    void FormChecked(const FormRequest&, core::Timestamp, const DecidedForm&) override { ++calls; }
  } recorder;
  guard_.set_observer(&recorder);
  FormVerdict v;
  for (int i = 0; i < 4; ++i) {
    const Submission s = PromoCampaign(i);
    const core::Timestamp at = kStart + i * core::kHour;
    // The first two went through the other node, which accepted them.
    if (i < 2) {
      const DecidedForm decided = CheckElsewhere(s, at);
      EXPECT_EQ(decided.action, FormAction::kAccept);
      Relay(s, at, decided);
    } else {
      v = Check(s, at);
    }
  }
  EXPECT_EQ(v.action, FormAction::kHold);
  EXPECT_TRUE(Has(v, FormReason::kCampaignDomain));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].key, "promo-deals.example");
  EXPECT_EQ(events[0].earlier_ids, (std::vector<std::string>{"sub-0", "sub-1"}));
  // Only this node's own checks are its verdicts, and only they are told on.
  uint64_t verdicts = 0;
  for (const uint64_t n : guard_.stats().verdicts) verdicts += n;
  EXPECT_EQ(verdicts, 2u);
  EXPECT_EQ(recorder.calls, 2);
}

TEST_F(FormGuardTest, ACampaignReportedByAnotherNodeIsNotReportedAgainHere) {
  std::vector<CampaignEvent> here, there;
  guard_.set_on_campaign([&](const CampaignEvent& e) { here.push_back(e); });
  other_.set_on_campaign([&](const CampaignEvent& e) { there.push_back(e); });
  for (int i = 0; i < 4; ++i) {
    const Submission s = PromoCampaign(i);
    const core::Timestamp at = kStart + i * core::kHour;
    Relay(s, at, CheckElsewhere(s, at));
  }
  EXPECT_EQ(there.size(), 2u);  // the link domain and the text
  EXPECT_TRUE(here.empty());
  // Within the campaign window, this node holds the campaign's next message without
  // reporting it a second time.
  Submission s = PromoCampaign(9);
  const FormVerdict v = Check(s, kStart + 5 * core::kHour);
  EXPECT_EQ(v.action, FormAction::kHold);
  EXPECT_TRUE(here.empty());
}

TEST_F(FormGuardTest, ACampaignNeitherNodeSawWholeIsReportedByTheNextCheckHere) {
  // Both nodes decide before hearing of each other: neither sees enough to call it a campaign.
  std::vector<CampaignEvent> here, there;
  guard_.set_on_campaign([&](const CampaignEvent& e) { here.push_back(e); });
  other_.set_on_campaign([&](const CampaignEvent& e) { there.push_back(e); });
  const Submission s0 = PromoCampaign(0), s1 = PromoCampaign(1), s2 = PromoCampaign(2);
  const DecidedForm d0 = CheckElsewhere(s0, kStart);
  const DecidedForm d1 = CheckElsewhere(s1, kStart + core::kMinute);
  EXPECT_EQ(guard_.Check(Request(s2), kStart + 2 * core::kMinute).action, FormAction::kAccept);
  Relay(s0, kStart, d0);
  Relay(s1, kStart + core::kMinute, d1);
  EXPECT_TRUE(here.empty() && there.empty());
  // The next one decided here holds, and this node reports the campaign with every id.
  const FormVerdict v = Check(PromoCampaign(3), kStart + 3 * core::kMinute);
  EXPECT_EQ(v.action, FormAction::kHold) << Describe(v);
  ASSERT_FALSE(here.empty());
  std::vector<std::string> ids = here[0].earlier_ids;
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"sub-0", "sub-1", "sub-2"}));
}

TEST_F(FormGuardTest, ATokenUsedOnAnotherNodeIsAReplayHere) {
  Submission s;
  s.token = guard_.IssueToken("contact", kStart);
  const core::Timestamp at = kStart + 40 * core::kSecond;
  Relay(s, at, CheckElsewhere(s, at));
  s.email = "c@example.org";
  const FormVerdict v = Check(s, kStart + 50 * core::kSecond);
  EXPECT_TRUE(Has(v, FormReason::kTokenReused)) << Describe(v);
}

TEST_F(FormGuardTest, AnObservedSubmissionCountsAsItsDeciderSawItNotAsThisNodeScoresIt) {
  // The deciding node accepted a submission this node would reject on its own (a token signed
  // with another key here): it still adds the campaign entries the decider added.
  FormGuard keyless{config_, "another-key", 42};
  std::vector<CampaignEvent> events;
  keyless.set_on_campaign([&](const CampaignEvent& e) { events.push_back(e); });
  for (int i = 0; i < 3; ++i) {
    Submission s = PromoCampaign(i);
    s.token = other_.IssueToken("contact", kStart);
    const core::Timestamp at = kStart + i * core::kHour + 40 * core::kSecond;
    const DecidedForm decided = CheckElsewhere(s, at);
    keyless.Observe(Request(s), at, decided);
  }
  Submission s = PromoCampaign(3);
  s.token = keyless.IssueToken("contact", kStart + 3 * core::kHour);
  const FormVerdict v = keyless.Check(Request(s), kStart + 3 * core::kHour + 40 * core::kSecond);
  EXPECT_EQ(v.action, FormAction::kHold) << Describe(v);
  EXPECT_TRUE(Has(v, FormReason::kCampaignDomain)) << Describe(v);
}

TEST_F(FormGuardTest, TheSameLinkOnAFreshDomainToThreePeopleIsACampaign) {
  FormVerdict v;
  for (int i = 0; i < 3; ++i) {
    Submission s;
    s.ip = core::Cat("198.51.", i, ".50");
    s.email = core::Cat("p", i, "@example", i, ".org");
    s.comment = core::Cat("ok ", i, " https://fresh-offer.example/same");
    v = Check(s, kStart + i * core::kHour);
  }
  EXPECT_TRUE(Has(v, FormReason::kCampaignUrl)) << Describe(v);
  EXPECT_EQ(v.action, FormAction::kHold);
}

TEST_F(FormGuardTest, WhatWasLearnedSurvivesARestart) {
  for (int i = 0; i < 6; ++i) {  // day one: the code host becomes known, widely
    Submission s;
    s.ip = core::Cat("198.51.", i, ".60");
    s.email = core::Cat("dev", i, "@example", i % 3, ".org");
    s.comment = core::Cat("Bug: https://code.example.net/acme/issues/", i);
    Check(s, kStart + i * core::kHour);
  }
  const std::string learned = guard_.ExportLearned();
  auto later = [&](FormGuard& guard) {
    FormVerdict v;
    for (int i = 0; i < 4; ++i) {  // two days later, after a restart
      const std::string email = core::Cat("u", i, "@example", i % 3, ".org");
      const std::string comment = core::Cat("Bug: https://code.example.net/acme/issues/", 100 + i);
      FormRequest r;
      r.form = "contact";
      r.ip = *core::IpAddress::Parse(core::Cat("203.0.113.", i + 1));
      r.recipient = email;
      r.fields = {{"comment", comment, Role::kText}};
      v = guard.Check(r, kStart + 2 * core::kDay + i * core::kHour);
    }
    return v;
  };
  FormGuard restarted(config_, "secret", 42);
  ASSERT_TRUE(restarted.ImportLearned(learned, kStart + 2 * core::kDay).ok());
  EXPECT_EQ(later(restarted).action, FormAction::kAccept);
  FormGuard forgetful(config_, "secret", 42);  // without it, the domain is young again
  EXPECT_EQ(later(forgetful).action, FormAction::kHold);
}

TEST_F(FormGuardTest, ABrokenLearnedFileChangesNothing) {
  Submission s;
  s.comment = "see https://x.example.org/a";
  Check(s, kStart);
  std::string learned = guard_.ExportLearned();
  FormGuard other(config_, "secret", 42);
  EXPECT_FALSE(other.ImportLearned(learned.substr(0, learned.size() - 1), kStart).ok());
  learned[learned.size() - 9] ^= 1;  // a record byte: the checksum catches it
  EXPECT_FALSE(other.ImportLearned(learned, kStart).ok());
  EXPECT_FALSE(other.ImportLearned("CGFORM99", kStart).ok());
  EXPECT_EQ(other.ExportLearned().size(), 8u + 12u + 8u);  // still empty
}

TEST_F(FormGuardTest, DisposableRecipientIsASignalOnly) {
  guard_.disposable().Add("mailinator.com");
  Submission s;
  s.email = "x@sub.mailinator.com";
  const FormVerdict v = Check(s, kStart);
  EXPECT_TRUE(Has(v, FormReason::kDisposableRecipient));
  EXPECT_EQ(v.action, FormAction::kAccept);
}

TEST_F(FormGuardTest, HomepagesThatNameTheirSubmittersAreNoCampaignOfThePlatform) {
  // A comment form on a fresh install: people leave their page on a platform many people have
  // one on, each named after them.
  const char* names[] = {"Rachel Harris", "Niamh Campbell", "Tom Becker", "Ana Souza"};
  const char* pages[] = {"https://github.com/rharris", "https://niamhcampbell.wordpress.com",
                         "https://github.com/tombecker/", "https://anasouza.wordpress.com/about"};
  const char* platforms[] = {"github.com", "wordpress.com", "github.com", "wordpress.com"};
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 4; ++i) {
      Submission s;
      s.ip = core::Cat("198.51.", 60 + i, ".9");
      s.name = names[i];
      s.email = core::Cat("reader", round, i, "@example.org");
      s.homepage = pages[i];
      s.comment = "Great post, thanks!";
      const FormVerdict v = Check(s, kStart + (4 * round + i) * 10 * core::kMinute);
      EXPECT_EQ(v.action, FormAction::kAccept) << platforms[i] << Describe(v);
    }
  }
  // Pages that name nobody who sends them, on one young domain, to three people: a campaign.
  FormVerdict v;
  for (int i = 0; i < 3; ++i) {
    Submission s;
    s.ip = core::Cat("198.51.", 70 + i, ".9");
    s.name = names[i];
    s.email = core::Cat("victim", i, "@example.org");
    s.homepage = core::Cat("https://pages.example/u", 4711 + i);
    s.comment = "Great post, thanks!";
    v = Check(s, kStart + core::kHour + i * core::kMinute);
  }
  EXPECT_TRUE(Has(v, FormReason::kCampaignDomain)) << Describe(v);
  // Nor is a page that names its submitter exempt when the message links the domain too.
  for (int i = 0; i < 3; ++i) {
    Submission s;
    s.ip = core::Cat("198.51.", 80 + i, ".9");
    s.name = names[i];
    s.email = core::Cat("other", i, "@example.org");
    s.homepage = core::Cat("https://", i == 1 ? "niamhcampbell" : "rharris", ".sites.example");
    s.comment = core::Cat("Win a prize at https://sites.example/p", i, " today");
    v = Check(s, kStart + 2 * core::kHour + i * core::kMinute);
  }
  EXPECT_TRUE(Has(v, FormReason::kCampaignDomain)) << Describe(v);
}

TEST_F(FormGuardTest, OwnDomainsAreNoCampaign) {
  config_.own_domains = {"shop.example"};
  FormGuard guard(config_, "secret", 42);
  FormVerdict v;
  for (int i = 0; i < 6; ++i) {
    std::string email = core::Cat("c", i, "@example.org");
    FormRequest r;
    r.form = "contact";
    r.ip = *core::IpAddress::Parse(core::Cat("203.0.113.", i));
    r.recipient = email;
    r.fields = {{"comment", "Order https://shop.example/orders/1", Role::kText}};
    v = guard.Check(r, kStart + i * core::kMinute);
  }
  EXPECT_EQ(v.action, FormAction::kAccept);
}

TEST_F(FormGuardTest, TablesStayBoundedUnderAFlood) {
  config_.max_keys = 1000;
  FormGuard guard(config_, "secret", 42);
  for (int i = 0; i < 20000; ++i) {
    std::string email = core::Cat("u", i, "@d", i, ".example");
    std::string comment = core::Cat("see https://x", i, ".example/", i);
    const std::string form = core::Cat("form", i);  // outlives the request's view of it
    FormRequest r;
    r.form = form;
    r.ip = *core::IpAddress::Parse(core::Cat("10.", i / 65536, ".", (i / 256) % 256, ".", i % 256));
    r.recipient = email;
    r.fields = {{"comment", comment, Role::kText}};
    guard.Check(r, kStart + i * core::kSecond);
  }
  EXPECT_LT(guard.MemoryBytes(), 8u * 1024 * 1024);
  EXPECT_GT(guard.Evictions(), 0u);
}

TEST_F(FormGuardTest, TheRecipientsOwnSiteInTheNameIsNoLure) {
  // People write their company into the name: the mail goes to that company's own address.
  Submission s;
  int i = 0;
  for (const char* name : {"Stone-Logistics.nl", "Aoife Martin | www.stone-logistics.nl",
                           "Aoife (https://stone-logistics.nl/)", "stone-logistics dot nl"}) {
    s.name = name;
    s.email = core::Cat("person", ++i, "@stone-logistics.nl");
    const FormVerdict v = Check(s, kStart + i * core::kHour);
    EXPECT_FALSE(Has(v, FormReason::kDomainInName)) << name << ": " << Describe(v);
    EXPECT_FALSE(Has(v, FormReason::kUrlInName)) << name << ": " << Describe(v);
    EXPECT_FALSE(Has(v, FormReason::kObfuscatedLink)) << name << ": " << Describe(v);
    EXPECT_EQ(v.action, FormAction::kAccept) << name << ": " << Describe(v);
  }
  // Anyone else's site, another host or a path under the recipient's domain (a mail provider's
  // file share holds anyone's upload), or the site with a lure beside it, still is one.
  s.email = "ivan@mail.ru";
  for (const char* name : {"Stone-Logistics.nl", "cloud.mail.ru/public/x7", "prize.mail.ru",
                           "mail.ru prize-claim.shop", "mail.ru/public/x7", "mail.ru?r=prize.shop",
                           "mail.ru:8080", "https://mail.ru/x"}) {
    s.name = name;
    const FormVerdict v = Check(s, kStart);
    EXPECT_TRUE(Has(v, FormReason::kDomainInName) || Has(v, FormReason::kUrlInName))
        << name << ": " << Describe(v);
  }
  // A look-alike of the recipient's site is a lure, the oldest one.
  s.email = "hr@stone-logistics.nl";
  s.name = "\xd1\x95tone-logistics.nl";  // a Cyrillic dze for the s
  const FormVerdict v = Check(s, kStart + core::kDay);
  EXPECT_TRUE(Has(v, FormReason::kDomainInName)) << Describe(v);
}

TEST_F(FormGuardTest, SpelledOutDomainsAreFoundAndNamed) {
  Submission s;
  s.name = "Win at prize-claim dot com";
  FormVerdict v = Check(s, kStart);
  EXPECT_TRUE(Has(v, FormReason::kDomainInName)) << Describe(v);
  EXPECT_TRUE(Has(v, FormReason::kObfuscatedLink)) << Describe(v);
  EXPECT_EQ(v.action, FormAction::kReject);
  s = Submission{};
  s.email = "b@example.org";
  s.comment = "Claim your voucher at p r i z e . c o m today";
  v = Check(s, kStart + core::kMinute);
  EXPECT_TRUE(Has(v, FormReason::kObfuscatedLink)) << Describe(v);
  EXPECT_NE(v.action, FormAction::kAccept);
  // A plain sentence with a dot in it is no link.
  s.email = "c@example.org";
  s.comment = "See you at 10 . Bring the forms, please.";
  EXPECT_FALSE(Has(Check(s, kStart + 2 * core::kMinute), FormReason::kObfuscatedLink));
}

TEST_F(FormGuardTest, AHostDrawnWithLookAlikeLettersIsAnObfuscatedLink) {
  // "gold-claim.bond" with a Cyrillic "о", "с" and "а": read as the Latin host it imitates, and
  // named for hiding it.
  Submission s;
  s.email = "d@example.org";
  s.comment = "Confirm your identity at https://g\u043eld-\u0441l\u0430im.bond/x1 today";
  FormVerdict v = Check(s, kStart);
  EXPECT_TRUE(Has(v, FormReason::kObfuscatedLink)) << Describe(v);
  EXPECT_NE(v.action, FormAction::kAccept);
  // So is a top-level domain drawn alike ("bonus-gl.cc" with a Cyrillic "о", "ѕ" and "сс").
  s.email = "f@example.org";
  s.comment = "Your bonus: https://b\u043enu\u0455-gl.\u0441\u0441/na2v7";
  v = Check(s, kStart);
  EXPECT_TRUE(Has(v, FormReason::kObfuscatedLink)) << Describe(v);
  // A host in one script per label is a name as its owner wrote it, under any top-level
  // domain; so is a Russian word beside a Latin link; and a sentence's full stop joined to a
  // domain is no disguise.
  for (const char* text :
       {"Our shop in Kyiv: https://\u043c\u0430\u0433\u0430\u0437\u0438\u043d.\u0443\u043a\u0440/",
        "Or at www.\u043c\u0430\u0433\u0430\u0437\u0438\u043d.com, same prices",
        "\u0421\u043f\u0430\u0441\u0438\u0431\u043e, see https://example.com/faq",
        "I bought it at amazon.com . It broke after a week"}) {
    s.email = "e@example.org";
    s.comment = text;
    v = Check(s, kStart + core::kMinute);
    EXPECT_FALSE(Has(v, FormReason::kObfuscatedLink)) << text << ": " << Describe(v);
  }
}

TEST_F(FormGuardTest, ADoubleClickIsNotATokenReplay) {
  Submission s;
  s.token = guard_.IssueToken("contact", kStart);
  EXPECT_EQ(Check(s, kStart + 30 * core::kSecond).action, FormAction::kAccept);
  // The same page sent again a second later, for the same person.
  FormVerdict v = Check(s, kStart + 31 * core::kSecond);
  EXPECT_FALSE(Has(v, FormReason::kTokenReused)) << Describe(v);
  // The same token for someone else is a replay.
  s.email = "other@example.org";
  v = Check(s, kStart + 32 * core::kSecond);
  EXPECT_TRUE(Has(v, FormReason::kTokenReused)) << Describe(v);
}

TEST_F(FormGuardTest, AFreshLinkPeopleWriteAboutIsSharedAPastedOneIsACampaign) {
  // Five people write their own messages about one event page, each to their own address.
  const char* kMessages[] = {
      "Hi, are you sponsoring https://events.fresh-meetup.example/e/42 again this year? "
      "We met there last time and I would love to come back.",
      "Quick question about the workshop https://events.fresh-meetup.example/e/42 : is there "
      "parking near the venue, or should I take the tram from the station?",
      "Thank you for the talk last week. The slides were supposed to be linked from "
      "https://events.fresh-meetup.example/e/42 but I cannot find them anywhere.",
      "My colleague and I registered through https://events.fresh-meetup.example/e/42 and "
      "never got a confirmation mail, could you check our booking please?",
      "Is https://events.fresh-meetup.example/e/42 still accepting speakers? I have a short "
      "lightning talk about accessibility testing in mind.",
  };
  int held = 0;
  for (int i = 0; i < 5; ++i) {
    Submission s;
    s.ip = core::Cat("81.17.", i, ".9");
    s.email = core::Cat("person", i, "@example.org");
    s.comment = kMessages[i];
    held += Check(s, kStart + i * core::kMinute).action == FormAction::kHold;
  }
  EXPECT_EQ(held, 0);
  // One message, mail-merged with the victims' names, to five strangers.
  held = 0;
  for (int i = 0; i < 5; ++i) {
    Submission s;
    s.ip = core::Cat("45.9.", i, ".9");
    s.name = i % 2 ? "Maria Rossi" : "Ken Tanaka";
    s.email = core::Cat("victim", i, "@example.org");
    s.comment = core::Cat("Hello ", s.name, ", your parcel ", 1000 + i,
                          " is waiting: confirm the delivery at https://parcel-fresh.example/t/",
                          7000 + i, " within 24 hours");
    held += Check(s, kStart + core::kHour + i * core::kMinute).action == FormAction::kHold;
  }
  EXPECT_GE(held, 2);
}

TEST_F(FormGuardTest, ALinkSentOnceBeforeIsStillFreshForItsText) {
  // Each per-victim link is first sent to the sender's own catch-all, to look already shared:
  // the words around them are still one text brought with a fresh link, held at three.
  int held = 0;
  for (int i = 0; i < 3; ++i) {
    const std::string text =
        core::Cat("Attention, your account needs verification before Friday: https://go-",
                  std::string(1, static_cast<char>('a' + i)), "parcel.example/x");
    Check(Written(core::Cat("45.9.", i, ".1"), "Ken", core::Cat("catchall", i, "@spam.example"),
                  text),
          kStart + 2 * i * core::kMinute);
    held += Check(Written(core::Cat("45.9.", i, ".2"), "Ken",
                          core::Cat("victim", i, "@example.org"), text),
                  kStart + (2 * i + 1) * core::kMinute)
                .action == FormAction::kHold;
  }
  EXPECT_GE(held, 1);
}

TEST_F(FormGuardTest, ANameWithLookAlikesNeverMakesTheAddressTheSubmittersOwn) {
  // A Cyrillic "а" in "Smith": its Latin letters are in the address, but a look-alike name is no
  // evidence, so the network's limit is the strangers' one.
  FormVerdict v;
  for (int i = 0; i < 41; ++i) {
    v = Check(Written(core::Cat("198.51.100.", i + 1), "Sm\xD0\xB0ith Smith",
                      core::Cat("smith", i, "@example.org"), ""),
              kStart + i * core::kSecond);
  }
  EXPECT_TRUE(Has(v, FormReason::kPrefixRate)) << Describe(v);
}

TEST_F(FormGuardTest, ACarrierPrefixOfPeopleMailingThemselvesIsNoNetworkFlood) {
  // `count` submissions from one /24, each from an address of its own, signed "Nadia Haddad".
  auto from_one_prefix = [&](const char* net, const char* local, int count) {
    FormVerdict last;
    for (int i = 0; i < count; ++i) {
      Submission s;
      s.ip = core::Cat(net, i + 1);
      s.name = "Nadia Haddad";
      s.email = core::Cat(local, i, "@example.org");
      s.comment = "";
      last = Check(s, kStart + i * core::kSecond);
    }
    return last;
  };
  const FormVerdict own = from_one_prefix("198.51.100.", "nadia.haddad", 160);
  EXPECT_FALSE(Has(own, FormReason::kPrefixRate)) << Describe(own);
  // Four times the limit: the name is the submitter's word, so it loosens the limit only.
  const FormVerdict more = from_one_prefix("198.51.100.", "nadia.haddad", 1);
  EXPECT_TRUE(Has(more, FormReason::kPrefixRate)) << Describe(more);
  const FormVerdict stranger = from_one_prefix("203.0.113.", "someone", 41);
  EXPECT_TRUE(Has(stranger, FormReason::kPrefixRate)) << Describe(stranger);
}

TEST_F(FormGuardTest, TheSameWordsAroundANewLinkForEachRecipientAreACampaign) {
  // Each victim gets a link on a domain of its own; the words around it are the campaign.
  const char* kLinks[] = {"https://go-parcel.example/abc", "https://my-tracking.example.net/qx",
                          "https://get-box.example/deliver", "https://ok-ship.example/now"};
  FormVerdict v;
  int held = 0;
  for (int i = 0; i < 4; ++i) {
    v = Check(
        Written(core::Cat("45.9.", i, ".9"), "Ken", core::Cat("victim", i, "@example.org"),
                core::Cat("Attention, your account needs verification before Friday: ", kLinks[i])),
        kStart + i * core::kMinute);
    held += v.action == FormAction::kHold;
  }
  EXPECT_TRUE(Has(v, FormReason::kCampaignText)) << Describe(v);
  EXPECT_EQ(held, 2);  // the third and the fourth
}

TEST_F(FormGuardTest, PeopleWritingAlikeAboutALinkOthersAlreadySentAreJudgedByTheLink) {
  // Seven strangers write about one young link: four in words of their own, three in the same
  // words. The link is shared (most messages unlike the first); the three alike are no text
  // campaign, because none of them brought a new link.
  const std::string kLink = "https://tickets.fresh-fest.example/e/5521";
  const std::string kAlike = "Dear team, are you sponsoring " + kLink +
                             " again this year? We met there last time and loved the stand.";
  const std::string kOwn[] = {
      "Quick question about " + kLink + " : is there parking near the venue, or the tram?",
      "The slides were supposed to be linked from " + kLink + " but I cannot find them at all.",
      "My colleague and I registered through " + kLink + " and never got a confirmation mail.",
      "Is " + kLink + " still accepting speakers? I have a lightning talk about accessibility.",
  };
  const std::string texts[] = {kAlike, kOwn[0], kOwn[1], kOwn[2], kOwn[3], kAlike, kAlike};
  int held = 0;
  for (int i = 0; i < 7; ++i) {
    const FormVerdict v = Check(Written(core::Cat("81.17.", i, ".9"), "Kim",
                                        core::Cat("reader", i, "@example.org"), texts[i]),
                                kStart + i * core::kMinute);
    held += v.action == FormAction::kHold;
    EXPECT_FALSE(Has(v, FormReason::kCampaignText)) << i << " " << Describe(v);
  }
  EXPECT_EQ(held, 0);
}

TEST_F(FormGuardTest, AClassSigningUpAtADomainNewToTheSiteWithItsOwnAddressesIsNoList) {
  // Day one teaches the guard its history; on day three a school's domain appears.
  for (int i = 0; i < 3; ++i) {
    Submission s;
    s.ip = core::Cat("81.17.", i, ".9");
    s.email = core::Cat("anna", i, "@example.org");
    s.comment = "";
    Check(s, kStart + i * core::kMinute);
  }
  const char* kNames[] = {"Lena Vogel", "Jonas Weber", "Mia Braun", "Paul Koch",
                          "Emma Wolf",  "Felix Roth",  "Ida Lang",  "Noah Frank"};
  FormVerdict own;
  for (int i = 0; i < 8; ++i) {
    Submission s;
    s.ip = "198.51.100.77";
    s.name = kNames[i];
    const std::string name = kNames[i];
    s.email = core::Cat(AsciiLower(name.substr(0, name.find(' '))), "@gym-nord.example");
    s.comment = "";
    own = Check(s, kStart + 3 * core::kDay + i * core::kMinute);
  }
  EXPECT_FALSE(Has(own, FormReason::kNewRecipientDomain)) << Describe(own);
  FormVerdict strangers;
  for (int i = 0; i < 8; ++i) {
    Submission s;
    s.ip = core::Cat("203.0.113.", i + 1);
    s.name = "Lena Vogel";
    s.email = core::Cat("staff", i, "@hs-sued.example");
    s.comment = "";
    strangers = Check(s, kStart + 3 * core::kDay + i * core::kMinute);
  }
  EXPECT_TRUE(Has(strangers, FormReason::kNewRecipientDomain)) << Describe(strangers);
}

}  // namespace
}  // namespace coastguard::forms

namespace coastguard::forms {
namespace {

TEST(RecipientKey, OneMailboxHoweverItIsWritten) {
  EXPECT_EQ(RecipientKey("Anna+shop@Example.org"), "anna@example.org");
  EXPECT_EQ(RecipientKey("p.e.t.r.o.v.a@gmail.com"), "petrova@gmail.com");
  EXPECT_EQ(RecipientKey("Petrova+x@GoogleMail.com"), "petrova@gmail.com");
  // Dots matter elsewhere.
  EXPECT_EQ(RecipientKey("a.b@example.org"), "a.b@example.org");
}

TEST_F(FormGuardTest, AnExpiredTokenReplayedIsStillAReplay) {
  Submission s;
  s.token = guard_.IssueToken("contact", kStart);
  // A tab left open for three hours: a small signal only.
  FormVerdict v = Check(s, kStart + 3 * core::kHour);
  EXPECT_TRUE(Has(v, FormReason::kTokenExpired));
  EXPECT_EQ(v.action, FormAction::kAccept) << Describe(v);
  s.email = "someone.else@example.org";
  v = Check(s, kStart + 3 * core::kHour + core::kMinute);
  EXPECT_TRUE(Has(v, FormReason::kTokenReused)) << Describe(v);
  EXPECT_NE(v.action, FormAction::kAccept);
}

}  // namespace
}  // namespace coastguard::forms

namespace coastguard::forms {
namespace {

TEST(FormGuardFlood, RejectedJunkCannotSweepOutWhatTheGuardLearned) {
  FormsConfig config;
  config.max_keys = 1000;
  FormGuard guard(config, "secret", 1);
  FormRequest honest;
  honest.form = "contact";
  honest.ip = *core::IpAddress::Parse("81.17.5.20");
  honest.recipient = "anna@example.org";
  const std::string note = "Thanks, the manual at https://docs.partner-shop.example/a helped";
  honest.fields = {{"message", note, Role::kText}};
  ASSERT_TRUE(guard.Check(honest, kStart).reasons.Has(FormReason::kNewUrlDomain));
  // Thousands of rejected submissions, each with a hundred fields of new links.
  std::vector<std::string> values;
  for (int f = 0; f < 100; ++f) values.push_back("");
  for (int i = 0; i < 3000; ++i) {
    FormRequest junk;
    junk.form = "contact";
    junk.ip = *core::IpAddress::Parse(core::Cat("45.9.", i % 250, ".", i / 250));
    const std::string victim = core::Cat("victim", i, "@example.net");
    junk.recipient = victim;
    junk.fields.push_back({"name", "Win at https://prize.example.com", Role::kName});
    for (int f = 0; f < 100; ++f) {
      values[f] = core::Cat("https://j", i, "-", f, ".example.net/x https://k", i, "-", f, ".net");
      junk.fields.push_back({"t", values[f], Role::kText});
    }
    ASSERT_EQ(guard.Check(junk, kStart + core::kMinute + i * core::kSecond).action,
              FormAction::kReject);
  }
  // The domain it met before is still known.
  honest.recipient = "ben@example.org";
  EXPECT_FALSE(guard.Check(honest, kStart + core::kHour).reasons.Has(FormReason::kNewUrlDomain));
}

}  // namespace
}  // namespace coastguard::forms
