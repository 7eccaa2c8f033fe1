#include "http/webhook.h"

#include <gtest/gtest.h>

namespace coastguard::http {
namespace {

TEST(Webhook, SignsBodiesWithHmacSha256) {
  // RFC-style test vector (the well-known "quick brown fox" HMAC-SHA256 example).
  EXPECT_EQ(Webhook::Signature("key", "The quick brown fox jumps over the lazy dog"),
            "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

}  // namespace
}  // namespace coastguard::http
