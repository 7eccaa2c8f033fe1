#include "forms/lures.h"

#include <gtest/gtest.h>

#include "core/text.h"
#include "forms/domains.h"
#include "forms/names.h"

namespace coastguard::forms {
namespace {

Lures Scan(std::string_view text) {
  Lures lures;
  ScanLures(text, PublicSuffixes::Get(), &lures);
  return lures;
}

TEST(PublicSuffixesTest, RegistrableDomainFollowsTheList) {
  const PublicSuffixes& psl = PublicSuffixes::Get();
  EXPECT_EQ(psl.Registrable("news.example.co.uk"), "example.co.uk");
  EXPECT_EQ(psl.Registrable("a.b.example.com"), "example.com");
  EXPECT_EQ(psl.Registrable("co.uk"), "");
  EXPECT_EQ(psl.Registrable("node.js"), "");  // "js" is no top-level domain
  EXPECT_EQ(psl.Registrable("j.r.r"), "");
}

TEST(DomainListTest, ReadsSpamAssassinsShortenerRulesAndSkipsTheRest) {
  DomainList list;
  const absl::Status s = list.Parse(
      "# SpamAssassin - URL shortener rules\n"
      "if can(Mail::SpamAssassin::Plugin::DecodeShortURLs::has_short_url_redir)\n"
      "body __URL_SHORTENER eval:short_url()\n"
      "url_shortener bit.ly\n"
      "  url_shortener  cutt.ly is.gd\t s.id  # several on one line\n"
      "url_shortener .page.link\n"
      "url_shortener_get TinyURL.com\n"
      "uri __URL_SHORTENER m,^https?://(?:bit\\.ly|t\\.co)/,i\n"
      "endif\n",
      "25_url_shortener.cf");
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(list.size(), 6u);
  for (const char* host : {"bit.ly", "cutt.ly", "is.gd", "s.id", "tinyurl.com", "go.page.link"}) {
    EXPECT_TRUE(list.Contains(host)) << host;
  }
  // Rule lines are no entries: "t.co" is only in a regular expression.
  EXPECT_FALSE(list.Contains("t.co"));
  EXPECT_FALSE(list.Contains("example.com"));
}

TEST(DomainListTest, ABadEntryNamesItsFileAndLineAndReplacesNothing) {
  DomainList list;
  ASSERT_TRUE(
      list.Parse("bit.ly\n# rspamd's redirectors.inc: one per line\nis.gd\n", "r.inc").ok());
  EXPECT_EQ(list.size(), 2u);
  absl::Status s = list.Parse("url_shortener bit.ly\nurl_shortener http://x.example/\n", "sa.cf");
  EXPECT_EQ(s.message(), "sa.cf:2: not a domain: 'http://x.example/'");
  s = list.Parse("x\nurl_shortener\n", "sa.cf");
  EXPECT_EQ(s.message(), "sa.cf:2: url_shortener names no domain");
  s = list.Parse("bit.ly\nnot a domain\n", "r.inc");
  EXPECT_EQ(s.message(), "r.inc:2: not a domain: 'not a domain'");
  for (const char* entry : {"com", "bit.ly,", "a..b", "x.example.", "tab\x01.example"}) {
    EXPECT_FALSE(list.Parse(core::Cat("[\"", entry, "\"]"), "list.json").ok()) << entry;
  }
  ASSERT_TRUE(list.Parse("[\".page.link\", {\"rootDomain\": \"Mailinator.com\"}]", "l.json").ok());
  EXPECT_TRUE(list.Contains("go.page.link"));
  EXPECT_TRUE(list.Contains("mailinator.com"));
  EXPECT_EQ(list.size(), 2u);
  EXPECT_TRUE(list.Contains("mailinator.com"));
}

TEST(LuresTest, FindsLinksWithAndWithoutScheme) {
  const Lures lures = Scan("Hi! Visit https://Win.Example.com/claim?id=7 or www.prize.net today.");
  EXPECT_EQ(lures.urls, 2u);
  EXPECT_EQ(lures.domains, (std::vector<std::string>{"example.com", "prize.net"}));
  EXPECT_EQ(lures.links[0], "win.example.com/claim?id=7");
}

TEST(LuresTest, FindsBareDomainsOnlyWithRealSuffixes) {
  EXPECT_EQ(Scan("cheap-pills.shop").bare_domains, 1u);
  EXPECT_EQ(Scan("see bit.ly/abc").bare_domains, 1u);
  EXPECT_EQ(Scan("I use node.js and e.g. J.R.R. Tolkien").bare_domains, 0u);
}

TEST(LuresTest, FindsAddressesPhonesAndMarkup) {
  EXPECT_EQ(Scan("write to win@prize.example.org").emails, 1u);
  EXPECT_GE(Scan("Call +1 (555) 010-9999 now").phone_digits, 10u);
  EXPECT_LT(Scan("Anna 2nd").phone_digits, 7u);
  EXPECT_TRUE(Scan("<a href=x>click</a>").markup);
  EXPECT_TRUE(Scan("[url=http://x.example]x[/url]").markup);
  EXPECT_FALSE(Scan("I <3 your shop & 2 < 3").markup);
}

// The digits of the number to call each text carries (0: none).
void ExpectPhoneDigits(std::initializer_list<std::pair<const char*, uint32_t>> cases) {
  for (const auto& [text, digits] : cases) EXPECT_EQ(Scan(text).phone_digits, digits) << text;
}

TEST(LuresTest, TheDigitsOfALinkOrAnAddressAreNoPhoneNumber) {
  ExpectPhoneDigits({{"see https://tickets.example/e/green-fest-86558655 please", 0},
                     {"see www.example.com/issues/12345678", 0},
                     {"mail jane.2024115577@example.org", 0},
                     {"https://x.example/a call 0800 555 0199", 11},
                     {"(0800) 555-0199 https://x.example/1", 11},
                     // A chat link is a number to call.
                     {"text me https://wa.me/15551234567", 11},
                     {"https://www.T.me/+447700900123", 12}});
}

TEST(LuresTest, AnOrderNumberOrADateIsNoNumberToCall) {
  ExpectPhoneDigits({{"Can I change the name on my booking 1620144 to my husband's?", 0},
                     {"Order #8292146, and #555-123-4567", 0},
                     {"delivered 2024-11-05, paid 05.11.2024", 0},
                     {"Amazon order 112-3456789-1234567", 0},  // 17 digits
                     {"order 1620144 2 items", 0},             // two numbers, a space apart
                     {"pour la commande 3011051.", 0},         // a full stop joins nothing
                     {"Ma commande 3011051. 3 articles", 0},
                     {"booking (1620144)", 0},
                     {"worked there 2015 - 2019", 0},  // a dash between spaces joins nothing
                     {"order 3011051 - 2 items", 0},
                     {"room 1620144 / 2 beds", 0},
                     {"ref 1234567 (2 copies)", 0},
                     {"call (555) 0199.", 7},
                     {"call 555.0199", 7},
                     {"call 555-0199", 7},
                     {"text 410-308-5934 now", 10},
                     {"WhatsApp +44 7437 270069", 12},
                     {"0800 555 0199", 11}});
}

TEST(LuresTest, MessengerHandlesAreAddressesToWriteTo) {
  EXPECT_EQ(Scan("To claim it open Telegram @olga_mzqu within 24 hours.").handles, 1u);
  EXPECT_EQ(Scan("Confirm the transfer at tg: bonus_desk1 to avoid losing funds").handles, 1u);
  EXPECT_EQ(Scan("WhatsApp: anna.k93").handles, 1u);
  EXPECT_EQ(Scan("write to win@prize.example.org, see you @ 5").handles, 0u);
  EXPECT_EQ(Scan("tg: 12345 and note: this is fine").handles, 0u);
}

TEST(LuresTest, ATermToSearchForIsADestinationLikeAHandle) {
  EXPECT_EQ(Scan("Complete it at search \"promogift\" on Google and enter code 2412.").handles, 1u);
  EXPECT_EQ(Scan("To claim it, search for \u201cgold pay desk\u201d on Bing today").handles, 1u);
  // Someone telling what they looked for, a quote without an engine, an engine without a quote.
  EXPECT_EQ(Scan("I searched \"error 0x80\" on Google and found nothing").handles, 0u);
  EXPECT_EQ(Scan("search \"promogift\" and enter code 2412").handles, 0u);
  EXPECT_EQ(Scan("I could not find you when I search on Google for shoes").handles, 0u);
  EXPECT_EQ(Scan("search \"a b c d e f\" on Google").handles, 0u);  // no term runs that long
  // Not an order: after a subject or a modal, or Google as a noun before a colon.
  EXPECT_EQ(Scan("When I search \"Acme Dental\" on Google, your old number shows").handles, 0u);
  EXPECT_EQ(Scan("Is there a way to search \"refund\" in Yahoo Mail?").handles, 0u);
  EXPECT_EQ(Scan("I found you on Google: \"plumber leeds\" in Google Maps").handles, 0u);
  // A second order after a first that led nowhere is still read.
  EXPECT_EQ(Scan("search \"the\" search \"promo\" on Google").handles, 1u);
  const std::string text = "Hello, search \"goldpay\" on Google. Or tg: desk_99";
  const auto spans = HandleSpans(text, 8);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(text.substr(spans[0].first, spans[0].second - spans[0].first), "goldpay");
  EXPECT_EQ(text.substr(spans[1].first, spans[1].second - spans[1].first), "desk_99");
}

TEST(LuresTest, FoldedFullwidthDomainsAreFound) {
  NameChecker names;
  const std::string folded =
      names.Fold("\xEF\xBD\x97\xEF\xBD\x89\xEF\xBD\x8E.example.com");  // ｗｉｎ.
  EXPECT_EQ(Scan(folded).bare_domains, 1u);
  EXPECT_EQ(Scan(names.Fold("ＷＷＷ．ＰＲＩＺＥ．ＣＯＭ")).urls, 1u);
}

TEST(HeaderBreakTest, CrLfAndNulBreakHeaders) {
  EXPECT_TRUE(HasHeaderBreak("Bob\r\nBcc: x@example.com"));
  EXPECT_TRUE(HasHeaderBreak("Bob\nBcc: x@example.com"));
  EXPECT_TRUE(HasHeaderBreak(std::string_view("Bob\0x", 5)));
  EXPECT_FALSE(HasHeaderBreak("Bob Smith"));
}

TEST(HeaderBreakTest, OnlyAHeaderShapedLineOrANulInjects) {
  EXPECT_TRUE(InjectsHeader("Bob\r\nBcc: x@example.com"));
  EXPECT_TRUE(InjectsHeader("Hello\n\nContent-Type: text/html"));
  EXPECT_TRUE(InjectsHeader("Hi\r\n\r\nthanks\nCC:x@example.com"));
  EXPECT_TRUE(InjectsHeader(std::string_view("Bob\0x", 5)));
  // Blanks before the colon (RFC 5322's obsolete syntax, which Postfix reads), a bare CR.
  EXPECT_TRUE(InjectsHeader("x\r\nBcc : a@victim.example\r\nX-Pad :"));
  EXPECT_TRUE(InjectsHeader("x\nBcc\t: a@victim.example"));
  EXPECT_TRUE(InjectsHeader("Bob\rBcc: x@example.com"));
  EXPECT_TRUE(InjectsHeader("x\nbcc :"));  // the colon ends the text
  EXPECT_TRUE(InjectsHeader("x\nResent-To: y@example.com"));
  EXPECT_FALSE(InjectsHeader("x\n : y"));  // no field name
  EXPECT_FALSE(InjectsHeader("x\n: y"));
  // A header's shape that adds no recipient, sender or body: French puts a blank before colons.
  EXPECT_FALSE(InjectsHeader("Bonjour\nObjet : commande 4411"));
  EXPECT_FALSE(InjectsHeader("Hi\nOrder: 4411"));
  // A line that starts with a blank continues the header: it starts none.
  EXPECT_FALSE(InjectsHeader("Order 123\r\n Bcc: x@example.com"));
  // A subject copied from a message's first lines: prose after the break, no field name.
  EXPECT_FALSE(InjectsHeader("注文番号8134616の配送状況を教えてください。\n\nTha"));
  EXPECT_FALSE(InjectsHeader("Order 123\r\nplease call me: 0171 555"));
  EXPECT_FALSE(InjectsHeader("Re: my order\n"));  // the colon is on the first line
  EXPECT_FALSE(InjectsHeader("Bob Smith"));
}

TEST(AddressTest, OnePlainAddressOnly) {
  EXPECT_EQ(CheckAddress("anna@example.org"), AddressCheck::kOk);
  EXPECT_EQ(CheckAddress(" anna.b+news@mail.example.org "), AddressCheck::kOk);
  EXPECT_EQ(CheckAddress("a@example.org, b@example.org"), AddressCheck::kMultiple);
  EXPECT_EQ(CheckAddress("a@example.org;b@example.org"), AddressCheck::kMultiple);
  EXPECT_EQ(CheckAddress("\"Win $$$\" <a@example.org>"), AddressCheck::kDisplayName);
  EXPECT_EQ(CheckAddress("a@example.org (free money)"), AddressCheck::kDisplayName);
  EXPECT_EQ(CheckAddress("not an address"), AddressCheck::kBad);
  EXPECT_EQ(CheckAddress("a@localhost"), AddressCheck::kBad);
  EXPECT_EQ(AddressDomain("Anna@Example.ORG"), "example.org");
}

TEST(Deobfuscate, UndoesSpelledAndBracketedDotsAndSpacedLetters) {
  EXPECT_EQ(Deobfuscate("visit example dot com now"), "visit example.com now");
  EXPECT_EQ(Deobfuscate("example[.]com and example(dot)net"), "example.com and example.net");
  EXPECT_EQ(Deobfuscate("go to example . com"), "go to example.com");
  EXPECT_EQ(Deobfuscate("e x a m p l e . c o m is it"), "example.com is it");
  EXPECT_EQ(Deobfuscate("at p a r c e l - r e w a r d . i n f o/ireq7 now"),
            "at parcel-reward.info/ireq7 now");
  EXPECT_EQ(Deobfuscate("use p r o m o 7 o d . c c."), "use promo7od.cc.");
  EXPECT_EQ(Deobfuscate("use telegra [dot] ph/Offer-07"), "use telegra.ph/Offer-07");
  EXPECT_EQ(Deobfuscate("sites [dot] google [dot] com/view/x"), "sites.google.com/view/x");
  // Nothing to undo: the same text.
  for (const char* plain :
       {"Dot Cotton", "A . B", "I am at home .", "a b c d", "", "a b c d e fg"}) {
    EXPECT_EQ(Deobfuscate(plain), plain) << plain;
  }
}

TEST(UndoLookAlikes, MakesLatinTheLookAlikesOfARunThatMixesThem) {
  // "trаckorbit858.rеѕt/35f" with Cyrillic а, е, ѕ; "wаllеt" with Cyrillic а, е.
  EXPECT_EQ(UndoLookAlikes("see trаckorbit858.rеѕt/35f now"), "see trackorbit858.rest/35f now");
  EXPECT_EQ(UndoLookAlikes("https://wаllеt.example"), "https://wallet.example");
  EXPECT_EQ(UndoLookAlikes("https://bоnuѕ-gl.сс/na2v7"), "https://bonus-gl.cc/na2v7");
  // Greek ο and ρ among Latin letters.
  EXPECT_EQ(UndoLookAlikes("ρaydοsk.top"), "paydosk.top");
  // Words in one script, and invalid bytes, stay as they are.
  // A scheme or a path is no part of the host's script: an all-Cyrillic host stays.
  for (const char* same : {"москва is Moscow", "αθήνα", "ab\xFF\xD0", "", "https://магазин.укр/",
                           "http://пример.рф:8080/docs", "mailto:иван@почта.рф", "магазин.com",
                           "www.магазин.рф/каталог", "пример.eu"}) {
    EXPECT_EQ(UndoLookAlikes(same), same);
  }
}

}  // namespace
}  // namespace coastguard::forms
