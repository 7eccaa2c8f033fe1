#include "forms/form_config.h"

#include "core/crypto.h"

namespace coastguard::forms {

std::string FormSigningKey(const FormsConfig& config, std::string_view installation_secret) {
  if (!config.secret.empty()) return config.secret;
  return core::HmacSha256Hex(installation_secret, "coastguard form key");
}

}  // namespace coastguard::forms
