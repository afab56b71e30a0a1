// The query operations of the cloudtrail JSON 1.1 API (spec lake.md §3): StartQuery,
// DescribeQuery, GetQueryResults, ListQueries, CancelQuery over cloud::Queries.
#include <fmt/format.h>

#include "api/cloudtrail/lake.h"
#include "api/cloudtrail/lake_json.h"
#include "common/json_writer.h"

namespace cairn::api {
namespace {

// EventDataStoreOwnerAccountId: cairn has no resource policies, so a caller queries the stores it
// sees (its own and the organization's); the member is checked and echoed.
Result<std::optional<std::string>> ReadOwner(simdjson::dom::element in) {
  ASSIGN_OR_RETURN(std::optional<std::string> owner,
                   lake::OptString(in, "EventDataStoreOwnerAccountId"));
  if (owner) {
    bool ok = owner->size() >= 12 && owner->size() <= 16;
    for (char c : *owner) ok = ok && c >= '0' && c <= '9';
    if (!ok) {
      return lake::Invalid("EventDataStoreOwnerAccountId must have 12 to 16 digits.");
    }
  }
  return owner;
}

Result<size_t> ReadMax(simdjson::dom::element in, std::string_view key) {
  ASSIGN_OR_RETURN(std::optional<int64_t> max, lake::OptInt(in, key));
  if (max && (*max < 1 || *max > 1000)) {
    return lake::Invalid(fmt::format("{} {} is out of range 1..1000.", key, *max),
                         "InvalidMaxResultsException");
  }
  return static_cast<size_t>(max.value_or(1000));
}

}  // namespace

void RegisterQueryOperations(Dispatcher* d, cloud::Queries* queries) {
  using cloud::Action;
  d->AddJson11(
      "StartQuery", Action::kReadEvents,
      [queries](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::optional<std::string> statement,
                         lake::OptString(in, "QueryStatement"));
        ASSIGN_OR_RETURN(std::optional<std::string> alias, lake::OptString(in, "QueryAlias"));
        ASSIGN_OR_RETURN(std::optional<std::string> owner, ReadOwner(in));
        if (lake::OptMember(in, "DeliveryS3Uri")) {
          return lake::Invalid(
              "DeliveryS3Uri is not supported: cairn keeps results for GetQueryResults "
              "and does not deliver them to S3.",
              "UnsupportedOperationException");
        }
        if (!statement) {
          return lake::Invalid(alias ? "QueryAlias is for dashboard queries, which cairn "
                                       "does not have; give QueryStatement."
                                     : "QueryStatement is required.");
        }
        ASSIGN_OR_RETURN(cloud::QueryRecord r, queries->Start(CallerOf(ctx), *statement));
        std::string out;
        JsonWriter w(&out);
        w.BeginObject().Member("QueryId", r.id);
        if (owner) w.Member("EventDataStoreOwnerAccountId", *owner);
        w.EndObject();
        return out;
      });
  d->AddJson11(
      "DescribeQuery", Action::kReadEvents,
      [queries](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::optional<std::string> id, lake::OptString(in, "QueryId"));
        ASSIGN_OR_RETURN(std::optional<std::string> owner, ReadOwner(in));
        if (!id) return lake::Invalid("QueryId is required (cairn has no QueryAlias queries).");
        ASSIGN_OR_RETURN(cloud::QueryRecord r, queries->Describe(CallerOf(ctx), *id));
        std::string out;
        JsonWriter w(&out);
        w.BeginObject()
            .Member("QueryId", r.id)
            .Member("QueryString", r.statement)
            .Member("QueryStatus", r.status);
        w.Key("QueryStatistics").BeginObject();
        w.Member("EventsMatched", r.statistics.events_matched)
            .Member("EventsScanned", r.statistics.events_scanned)
            .Member("BytesScanned", r.statistics.bytes_scanned)
            .Member("ExecutionTimeInMillis", r.statistics.execution_time_ms);
        lake::WriteTime(&w, "CreationTime", r.created_us);
        w.EndObject();
        if (!r.error_message.empty()) w.Member("ErrorMessage", r.error_message);
        if (owner) w.Member("EventDataStoreOwnerAccountId", *owner);
        w.EndObject();
        return out;
      });
  d->AddJson11(
      "GetQueryResults", Action::kReadEvents,
      [queries](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::string id, lake::ReqString(in, "QueryId"));
        ASSIGN_OR_RETURN(std::optional<std::string> token, lake::OptString(in, "NextToken"));
        ASSIGN_OR_RETURN(size_t max, ReadMax(in, "MaxQueryResults"));
        RETURN_IF_ERROR(ReadOwner(in).status());
        ASSIGN_OR_RETURN(cloud::QueryResultsPage page,
                         queries->GetResults(CallerOf(ctx), id, token, max));
        std::string out;
        JsonWriter w(&out);
        w.BeginObject().Member("QueryStatus", page.query.status);
        w.Key("QueryStatistics").BeginObject();
        w.Member("ResultsCount", static_cast<uint64_t>(page.rows.size()))
            .Member("TotalResultsCount", page.query.statistics.results_count)
            .Member("BytesScanned", page.query.statistics.bytes_scanned);
        w.EndObject();
        w.Key("QueryResultRows").BeginArray();
        for (const std::string& row : page.rows) w.Raw(row);
        w.EndArray();
        if (page.next_token) w.Member("NextToken", *page.next_token);
        if (!page.query.error_message.empty()) {
          w.Member("ErrorMessage", page.query.error_message);
        }
        w.EndObject();
        return out;
      });
  d->AddJson11(
      "ListQueries", Action::kReadEvents,
      [queries](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::string store, lake::ReqString(in, "EventDataStore"));
        ASSIGN_OR_RETURN(size_t max, ReadMax(in, "MaxResults"));
        ASSIGN_OR_RETURN(std::optional<std::string> token, lake::OptString(in, "NextToken"));
        ASSIGN_OR_RETURN(std::optional<int64_t> start, lake::OptTime(in, "StartTime"));
        ASSIGN_OR_RETURN(std::optional<int64_t> end, lake::OptTime(in, "EndTime"));
        ASSIGN_OR_RETURN(std::optional<std::string> status, lake::OptString(in, "QueryStatus"));
        ASSIGN_OR_RETURN(std::vector<cloud::QueryRecord> all,
                         queries->List(CallerOf(ctx), store, start, end, status.value_or("")));
        size_t begin = 0;
        if (token) {
          begin = all.size() + 1;
          for (size_t i = 0; i < all.size(); ++i) {
            if ("q-" + all[i].id == *token) begin = i;
          }
          if (begin > all.size()) {
            return lake::Invalid("NextToken is not valid.", "InvalidNextTokenException");
          }
        }
        std::string out;
        JsonWriter w(&out);
        w.BeginObject().Key("Queries").BeginArray();
        size_t i = begin;
        for (; i < all.size() && i < begin + max; ++i) {
          w.BeginObject().Member("QueryId", all[i].id).Member("QueryStatus", all[i].status);
          lake::WriteTime(&w, "CreationTime", all[i].created_us);
          w.EndObject();
        }
        w.EndArray();
        if (i < all.size()) w.Member("NextToken", "q-" + all[i].id);
        w.EndObject();
        return out;
      });
  d->AddJson11(
      "CancelQuery", Action::kReadEvents,
      [queries](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::string id, lake::ReqString(in, "QueryId"));
        ASSIGN_OR_RETURN(std::optional<std::string> owner, ReadOwner(in));
        ASSIGN_OR_RETURN(cloud::QueryRecord r, queries->Cancel(CallerOf(ctx), id));
        std::string out;
        JsonWriter w(&out);
        w.BeginObject().Member("QueryId", r.id).Member("QueryStatus", r.status);
        if (owner) w.Member("EventDataStoreOwnerAccountId", *owner);
        w.EndObject();
        return out;
      });
}

}  // namespace cairn::api
