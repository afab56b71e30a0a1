#include "api/cloudtrail/lookup_events.h"

#include <fmt/format.h>

#include "api/errors.h"
#include "api/json_input.h"
#include "store/lookup_events.h"

namespace cairn::api::cloudtrail {
namespace {

// A Status of PlanLookup ("InvalidTimeRangeException: ...") as the AWS error it names.
Status ToAws(const Status& s) {
  std::string_view name = LookupExceptionName(s);
  if (name.empty()) return s;
  std::string_view message = s.message();
  message.remove_prefix(std::min(message.size(), name.size() + 1));
  while (!message.empty() && message.front() == ' ') message.remove_prefix(1);
  return AwsError(StatusCode::kInvalidArgument, std::string(name), std::string(message));
}

Result<std::string> LookupHandler(ApiServices* services, const RequestContext& ctx,
                                  simdjson::dom::element input) {
  ASSIGN_OR_RETURN(LookupEventsRequest req, ParseLookupEventsRequest(input));
  ASSIGN_OR_RETURN(std::string account, TargetAccount(ctx));
  LookupEventsResponse response;
  auto history = services->data->History(account, ctx.region, /*create=*/false);
  if (history.ok()) {
    auto r = (*history)->Lookup(req, services->data->token_key(), /*rendered_only=*/true);
    if (!r.ok()) return ToAws(r.status());
    response = std::move(*r);
  } else if (history.status().code() == StatusCode::kNotFound) {
    // Nothing of this account and region has arrived yet: an empty history, still validated.
    LookupContext lctx;
    lctx.now_us = services->env->NowMicros();
    lctx.token_key = services->data->token_key();
    lctx.scope = account + "/" + ctx.region;
    auto r = LookupEvents(LookupSource{}, req, lctx);
    if (!r.ok()) return ToAws(r.status());
    response = std::move(*r);
  } else {
    return history.status();
  }
  std::string out;
  JsonWriter w(&out);
  WriteLookupEventsResponse(response, &w);
  return out;
}

}  // namespace

Result<LookupEventsRequest> ParseLookupEventsRequest(simdjson::dom::element input) {
  LookupEventsRequest req;
  ASSIGN_OR_RETURN(auto attrs, OptArray(input, "LookupAttributes"));
  if (attrs) {
    size_t i = 0;
    for (simdjson::dom::element a : *attrs) {
      const std::string where = fmt::format("LookupAttributes[{}]", i++);
      if (!a.is_object()) return WrongType(where, "an object");
      ASSIGN_OR_RETURN(auto key, OptString(a, "AttributeKey"));
      ASSIGN_OR_RETURN(auto value, OptString(a, "AttributeValue"));
      if (!key || !value) {
        return AwsError(StatusCode::kInvalidArgument, "InvalidLookupAttributesException",
                        where + ": AttributeKey and AttributeValue are required");
      }
      req.attributes.push_back({std::move(*key), std::move(*value)});
    }
  }
  ASSIGN_OR_RETURN(req.start_time, OptTimestamp(input, "StartTime"));
  ASSIGN_OR_RETURN(req.end_time, OptTimestamp(input, "EndTime"));
  ASSIGN_OR_RETURN(req.event_category, OptString(input, "EventCategory"));
  ASSIGN_OR_RETURN(req.max_results, OptInt(input, "MaxResults"));
  ASSIGN_OR_RETURN(req.next_token, OptString(input, "NextToken"));
  return req;
}

void RegisterLookupEvents(Dispatcher* dispatcher, ApiServices* services) {
  dispatcher->AddJson11("LookupEvents", cloud::Action::kReadEvents,
                        [services](const RequestContext& ctx, simdjson::dom::element input) {
                          return LookupHandler(services, ctx, input);
                        });
}

}  // namespace cairn::api::cloudtrail
