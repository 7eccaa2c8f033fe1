#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/time.h"
#include "forms/form_verdict.h"

namespace coastguard::forms {

// A campaign seen for the first time in its window: the application should hold the mail of the
// submissions it accepted earlier (named by the ids it passed in "id").
struct CampaignEvent {
  core::Timestamp ts = 0;
  std::string form;
  FormReason reason = FormReason::kCampaignUrl;
  std::string key;  // the link, the registrable domain, or "text:<cluster>"
  uint32_t recipients = 0;
  std::vector<std::string> earlier_ids;
};

// {"earlier_ids":[...],"form":"...","key":"...","reason":"campaign_url","recipients":3,"ts":...}
// as GET /v1/forms/events lists it; `notification` adds "event":"form_campaign" (the webhook).
std::string CampaignEventJson(const CampaignEvent& event, bool notification);
// form campaign form=signup reason=campaign_domain key="vouchers.example" recipients=3 ...
std::string CampaignLogLine(const CampaignEvent& event);

}  // namespace coastguard::forms
