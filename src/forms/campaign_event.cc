#include "forms/campaign_event.h"

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace coastguard::forms {

std::string CampaignEventJson(const CampaignEvent& e, bool notification) {
  nlohmann::json j = {{"ts", static_cast<double>(e.ts) / core::kSecond},
                      {"form", e.form},
                      {"reason", FormReasonName(e.reason)},
                      {"key", e.key},
                      {"recipients", e.recipients},
                      {"earlier_ids", e.earlier_ids}};
  if (notification) j["event"] = "form_campaign";
  // Keys and ids come from submissions: invalid UTF-8 is replaced, never thrown on.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string CampaignLogLine(const CampaignEvent& e) {
  return core::Cat("form campaign form=", e.form, " reason=", FormReasonName(e.reason), " key=\"",
                   e.key, "\" recipients=", e.recipients,
                   " earlier_accepted=", e.earlier_ids.size());
}

}  // namespace coastguard::forms
