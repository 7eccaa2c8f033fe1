#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "core/crypto.h"
#include "core/text.h"
#include "forms/altcha.h"
#include "forms/minhash.h"
#include "forms/render_token.h"

namespace coastguard::forms {
namespace {

constexpr core::Timestamp kNow = 1'700'000'000 * core::kSecond;

TEST(CryptoTest, KnownVectors) {
  // RFC 4231 test case 2.
  EXPECT_EQ(core::HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(core::Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(core::RandomHex(16).size(), 32u);
}

TEST(RenderTokenTest, VerifiesOnlyForItsForm) {
  RenderTokens tokens("key");
  const std::string token = tokens.Issue("contact", kNow);
  const auto parsed = tokens.Verify("contact", token);
  ASSERT_TRUE(parsed.valid);
  EXPECT_EQ(parsed.issued_ms, static_cast<uint64_t>(kNow / core::kMillisecond));
  EXPECT_FALSE(tokens.Verify("signup", token).valid);
  EXPECT_FALSE(RenderTokens("other").Verify("contact", token).valid);
}

TEST(RenderTokenTest, RejectsTamperingAndGarbage) {
  RenderTokens tokens("key");
  std::string token = tokens.IssueWith("contact", 1'000'000, "00112233445566778899aabbccddeeff");
  std::string backdated = token;
  backdated[0] = '2';
  EXPECT_FALSE(tokens.Verify("contact", backdated).valid);
  for (const char* bad : {"", ".", "..", "1..", "x.y.z", "1.00112233445566778899aabbccddeeff.",
                          "99999999999.00112233445566778899aabbccddeeff.00"}) {
    EXPECT_FALSE(tokens.Verify("contact", bad).valid) << bad;
  }
}

std::string Payload(const AltchaChallenge& c, uint64_t number) {
  std::string json = core::Cat("{\"algorithm\":\"SHA-256\",\"challenge\":\"", c.challenge,
                               "\",\"number\":", number, ",\"salt\":\"", c.salt,
                               "\",\"signature\":\"", c.signature, "\",\"took\":12}");
  return absl::Base64Escape(json);
}

TEST(AltchaTest, ChallengeHasAltchaV1Shape) {
  Altcha altcha("key", 1000, 10 * core::kMinute);
  const AltchaChallenge c = altcha.Create(kNow);
  EXPECT_EQ(c.challenge.size(), 64u);
  EXPECT_NE(c.salt.find("?expires=" + std::to_string(core::ToSeconds(kNow) + 600) + "&"),
            std::string::npos);
  EXPECT_EQ(c.signature, core::HmacSha256Hex("key", c.challenge));
  EXPECT_NE(c.Json().find("\"maxnumber\":1000"), std::string::npos);
}

TEST(AltchaTest, VerifiesASolvedChallenge) {
  Altcha altcha("key", 1000, 10 * core::kMinute);
  const AltchaChallenge c = altcha.CreateWith("abc?expires=1700000600&", 417);
  EXPECT_EQ(altcha.Verify(Payload(c, 417), kNow).result, AltchaResult::kValid);
  EXPECT_EQ(altcha.Verify(Payload(c, 418), kNow).result, AltchaResult::kInvalid);
  EXPECT_EQ(altcha.Verify(Payload(c, 417), kNow + 601 * core::kSecond).result,
            AltchaResult::kExpired);
  Altcha other("other key", 1000, 10 * core::kMinute);
  EXPECT_EQ(other.Verify(Payload(c, 417), kNow).result, AltchaResult::kInvalid);
}

TEST(AltchaTest, RefusesChallengesWithoutExpiryAndGarbage) {
  Altcha altcha("key", 1000, 10 * core::kMinute);
  const AltchaChallenge forever = altcha.CreateWith("abc", 5);
  EXPECT_EQ(altcha.Verify(Payload(forever, 5), kNow).result, AltchaResult::kInvalid);
  for (const char* bad : {"", "!!!", "e30=", "W10=", "bnVsbA=="}) {
    EXPECT_EQ(altcha.Verify(bad, kNow).result, AltchaResult::kInvalid) << bad;
  }
}

TEST(MinHashTest, NearIdenticalTextsAreSimilar) {
  const char* a =
      "Congratulations dear friend you have been selected to receive a cash prize "
      "please claim it today at our secure page";
  const char* b =
      "Congratulations dear Maria you have been selected to receive a cash prize "
      "please claim it today at our secure page";
  const char* c =
      "Hello, I ordered the blue kettle last week and it arrived with a cracked "
      "lid, could you send a replacement please";
  const auto fa = Fingerprint(a, 1), fb = Fingerprint(b, 1), fc = Fingerprint(c, 1);
  EXPECT_EQ(fa.words, 20u);
  EXPECT_GE(Similarity(fa, fb), 0.5);
  EXPECT_LE(Similarity(fa, fc), 0.2);
  int shared_bands = 0;
  for (int band = 0; band < kMinHashBands; ++band)
    shared_bands += BandKey(fa, band) == BandKey(fb, band);
  EXPECT_GT(shared_bands, 0);
}

TEST(MinHashTest, SpinsOfOneTemplateAreAlikeByTheirWordsNotByTheirTrigrams) {
  // One template, a synonym drawn for three of its slots: few trigrams survive, most words do.
  // Sixteen slots estimate a similarity roughly, so it is averaged over many seeds.
  const char* a =
      "Hello dear customer, we are pleased to inform you that you were chosen for a cash "
      "reward. To claim it call +1 (817) 555-9014 today. Best wishes";
  const char* b =
      "Hello dear user, we are pleased to tell you that you were chosen for a cash reward. To "
      "claim it, text +1 (864) 555-0368 today. Best wishes";
  const char* unrelated =
      "Hello, I ordered the blue kettle last week and it arrived with a cracked lid, "
      "could you call me back on +44 7700 900712 please";
  double trigrams = 0, words = 0, other = 0;
  constexpr int kSeeds = 64;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    trigrams += Similarity(Fingerprint(a, seed), Fingerprint(b, seed)) / kSeeds;
    const auto words_a = Fingerprint(a, seed, {}, Shingles::kWords);
    words += Similarity(words_a, Fingerprint(b, seed, {}, Shingles::kWords)) / kSeeds;
    other += Similarity(words_a, Fingerprint(unrelated, seed, {}, Shingles::kWords)) / kSeeds;
  }
  EXPECT_LT(trigrams, 0.5);
  EXPECT_GT(words, 0.65);
  EXPECT_LT(other, 0.2);
  // The placeholders (numbers, names, links) are no words of their own.
  const auto words_a = Fingerprint(a, 1, {}, Shingles::kWords);
  const auto other_number = Fingerprint(
      "Hello dear customer, we are pleased to inform you that you were chosen for a cash "
      "reward. To claim it call +44 7415 649607 today. Best wishes",
      1, {}, Shingles::kWords);
  EXPECT_EQ(Similarity(words_a, other_number), 1.0);
  EXPECT_EQ(words_a.words, Fingerprint(a, 1).words);
}

TEST(MinHashTest, ATermToSearchForIsOnePlaceholderHoweverManyWords) {
  // A term of one word or three: the same template around it.
  const auto one = Fingerprint("To claim it search \"gold\" on Google and enter the code", 1);
  const auto three =
      Fingerprint("To claim it search \"gold pay desk\" on Google and enter the code", 1);
  EXPECT_EQ(one.slots, three.slots);
  EXPECT_EQ(Similarity(one, three), 1.0);
}

TEST(MinHashTest, ALinkOfItsOwnPerRecipientLeavesOneText) {
  // A link or an address is one placeholder: the words around a per-victim link are the text.
  const auto a =
      Fingerprint("Your parcel is waiting, confirm delivery at https://go17.example/a1b", 1);
  const auto b =
      Fingerprint("Your parcel is waiting, confirm delivery at https://my9.example.net/zz", 1);
  const auto c = Fingerprint("Your parcel is waiting, confirm delivery at track.example.org/q", 1);
  const auto d =
      Fingerprint("Your parcel is waiting, confirm delivery at claims@parcel.example", 1);
  EXPECT_EQ(Similarity(a, b), 1.0);
  EXPECT_EQ(Similarity(a, c), 1.0);
  EXPECT_EQ(Similarity(a, d), 1.0);
  // It still counts as the words it spells, so a short lure stays comparable.
  EXPECT_EQ(a.words, 11u);
  // Looked at once per run: a text of 16 KB without a space reads in one pass (and as words).
  std::string run;
  for (int i = 0; i < 8000; ++i) run += "a,";
  EXPECT_EQ(Fingerprint(run + " x.example", 1).words, 8002u);
}

TEST(MinHashTest, AHandleOfItsOwnPerRecipientLeavesOneText) {
  // A messenger handle is an address to write to, so a placeholder like a link.
  const auto a = Fingerprint("Your reward is ready, claim it on Telegram @lucky_mptm today", 1);
  const auto b = Fingerprint("Your reward is ready, claim it on Telegram @olga_bozb today", 1);
  const auto c = Fingerprint("Your reward is ready, claim it on tg: claim_desk today", 1);
  const auto d = Fingerprint("Your reward is ready, claim it on tg: payout_agent today", 1);
  EXPECT_EQ(Similarity(a, b), 1.0);
  EXPECT_EQ(Similarity(c, d), 1.0);
  // Read as the lure scanner reads them: in brackets, quotes, or before a comma.
  const auto g = Fingerprint("Your reward is ready, write to (@lucky_mptm), today", 1);
  const auto h = Fingerprint("Your reward is ready, write to \"@olga_bozb\",today", 1);
  const auto k = Fingerprint("Your reward is ready, write to @lisa_rzrg, today", 1);
  EXPECT_EQ(Similarity(g, h), 1.0);
  EXPECT_EQ(Similarity(g, k), 1.0);
  // Words that only look like one stay words: "@ home" is no handle, nor is "at@home".
  const auto e = Fingerprint("Your reward is ready, claim it on Telegram @ home today", 1);
  const auto f = Fingerprint("Your reward is ready, claim it on Telegram @ work today", 1);
  EXPECT_LT(Similarity(e, f), 1.0);
  const auto m = Fingerprint("Your reward is ready, claim it on Telegram at@home today", 1);
  const auto n = Fingerprint("Your reward is ready, claim it on Telegram at@work today", 1);
  EXPECT_LT(Similarity(m, n), 1.0);
}

}  // namespace
}  // namespace coastguard::forms
