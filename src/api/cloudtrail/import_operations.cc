// The import operations (spec lake.md §8): StartImport, GetImport, ListImports, StopImport over
// cloud::Imports.
#include <fmt/format.h>

#include "api/cloudtrail/lake.h"
#include "api/cloudtrail/lake_json.h"
#include "common/json_writer.h"

namespace cairn::api {
namespace {

std::string ImportJson(const cloud::ImportRecord& r, bool statistics) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Member("ImportId", r.id);
  w.Key("Destinations").BeginArray().String(r.destination).EndArray();
  w.Key("ImportSource").BeginObject().Key("S3").BeginObject();
  w.Member("S3LocationUri", r.source.uri)
      .Member("S3BucketRegion", r.source.bucket_region)
      .Member("S3BucketAccessRoleArn", r.source.role_arn);
  w.EndObject().EndObject();
  if (r.start_us) lake::WriteTime(&w, "StartEventTime", r.start_us);
  if (r.end_us) lake::WriteTime(&w, "EndEventTime", r.end_us);
  w.Member("ImportStatus", r.status);
  lake::WriteTime(&w, "CreatedTimestamp", r.created_us);
  lake::WriteTime(&w, "UpdatedTimestamp", r.updated_us);
  if (statistics) {
    w.Key("ImportStatistics").BeginObject();
    w.Member("PrefixesFound", r.total.prefixes_found)
        .Member("PrefixesCompleted", r.total.prefixes_completed)
        .Member("FilesCompleted", r.total.files_completed)
        .Member("EventsCompleted", r.total.events_completed)
        .Member("FailedEntries", r.total.failed_entries);
    w.EndObject();
  }
  w.EndObject();
  return out;
}

}  // namespace

void RegisterImportOperations(Dispatcher* d, cloud::Imports* imports) {
  using cloud::Action;
  d->AddJson11(
      "StartImport", Action::kWriteEvents,
      [imports](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::optional<std::string> retry, lake::OptString(in, "ImportId"));
        std::vector<std::string> destinations;
        cloud::ImportSource source;
        if (!retry) {
          auto dests = lake::OptMember(in, "Destinations");
          simdjson::dom::array arr;
          if (!dests || dests->get_array().get(arr)) {
            return lake::Invalid("Destinations (a list of one event data store ARN) is required.");
          }
          for (simdjson::dom::element e : arr) {
            std::string_view s;
            if (e.get_string().get(s)) return lake::Invalid("Destinations must hold strings.");
            destinations.emplace_back(s);
          }
          auto src = lake::OptMember(in, "ImportSource");
          simdjson::dom::element s3;
          if (!src || (*src)["S3"].get(s3)) {
            return lake::Invalid("ImportSource.S3 is required.", "InvalidImportSourceException");
          }
          ASSIGN_OR_RETURN(source.uri, lake::ReqString(s3, "S3LocationUri"));
          ASSIGN_OR_RETURN(source.bucket_region, lake::ReqString(s3, "S3BucketRegion"));
          ASSIGN_OR_RETURN(source.role_arn, lake::ReqString(s3, "S3BucketAccessRoleArn"));
        }
        ASSIGN_OR_RETURN(std::optional<int64_t> start, lake::OptTime(in, "StartEventTime"));
        ASSIGN_OR_RETURN(std::optional<int64_t> end, lake::OptTime(in, "EndEventTime"));
        ASSIGN_OR_RETURN(cloud::ImportRecord r,
                         imports->Start(CallerOf(ctx), destinations, source, start, end, retry));
        return ImportJson(r, false);
      });
  d->AddJson11(
      "GetImport", Action::kReadConfig,
      [imports](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::string id, lake::ReqString(in, "ImportId"));
        ASSIGN_OR_RETURN(cloud::ImportRecord r, imports->Get(CallerOf(ctx), id));
        return ImportJson(r, true);
      });
  d->AddJson11(
      "StopImport", Action::kWriteEvents,
      [imports](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::string id, lake::ReqString(in, "ImportId"));
        ASSIGN_OR_RETURN(cloud::ImportRecord r, imports->Stop(CallerOf(ctx), id));
        return ImportJson(r, true);
      });
  d->AddJson11(
      "ListImportFailures", Action::kReadConfig,
      [imports](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::string id, lake::ReqString(in, "ImportId"));
        ASSIGN_OR_RETURN(std::optional<int64_t> max, lake::OptInt(in, "MaxResults"));
        ASSIGN_OR_RETURN(std::optional<std::string> token, lake::OptString(in, "NextToken"));
        if (max && (*max < 1 || *max > 1000)) {
          return lake::Invalid(fmt::format("MaxResults {} is out of range 1..1000.", *max),
                               "InvalidMaxResultsException");
        }
        ASSIGN_OR_RETURN(std::vector<cloud::ImportFailure> all,
                         imports->Failures(CallerOf(ctx), id));
        size_t begin = 0;
        if (token) {
          bool ok = token->starts_with("f-") && token->size() > 2 && token->size() < 12;
          for (size_t i = 2; ok && i < token->size(); ++i)
            ok = std::isdigit(static_cast<unsigned char>((*token)[i]));
          if (ok) begin = std::stoul(token->substr(2));
          if (!ok || begin > all.size())
            return lake::Invalid("NextToken is not valid.", "InvalidNextTokenException");
        }
        const size_t end = std::min(all.size(), begin + static_cast<size_t>(max.value_or(1000)));
        std::string out;
        JsonWriter w(&out);
        w.BeginObject().Key("Failures").BeginArray();
        for (size_t i = begin; i < end; ++i) {
          w.BeginObject()
              .Member("Location", all[i].location)
              .Member("Status", "FAILED")
              .Member("ErrorType", all[i].error_type)
              .Member("ErrorMessage", all[i].error_message);
          lake::WriteTime(&w, "LastUpdatedTime", all[i].updated_us);
          w.EndObject();
        }
        w.EndArray();
        if (end < all.size()) w.Member("NextToken", "f-" + std::to_string(end));
        w.EndObject();
        return out;
      });
  d->AddJson11(
      "ListImports", Action::kReadConfig,
      [imports](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::optional<int64_t> max, lake::OptInt(in, "MaxResults"));
        ASSIGN_OR_RETURN(std::optional<std::string> token, lake::OptString(in, "NextToken"));
        ASSIGN_OR_RETURN(std::optional<std::string> dest, lake::OptString(in, "Destination"));
        ASSIGN_OR_RETURN(std::optional<std::string> status, lake::OptString(in, "ImportStatus"));
        if (max && (*max < 1 || *max > 1000)) {
          return lake::Invalid(fmt::format("MaxResults {} is out of range 1..1000.", *max),
                               "InvalidMaxResultsException");
        }
        ASSIGN_OR_RETURN(std::vector<cloud::ImportRecord> all,
                         imports->List(CallerOf(ctx), dest, status));
        size_t begin = 0;
        if (token) {
          begin = all.size() + 1;
          for (size_t i = 0; i < all.size(); ++i) {
            if ("imp-" + all[i].id == *token) begin = i;
          }
          if (begin > all.size())
            return lake::Invalid("NextToken is not valid.", "InvalidNextTokenException");
        }
        std::string out;
        JsonWriter w(&out);
        w.BeginObject().Key("Imports").BeginArray();
        size_t i = begin;
        for (; i < all.size() && i < begin + static_cast<size_t>(max.value_or(1000)); ++i) {
          w.BeginObject().Member("ImportId", all[i].id).Member("ImportStatus", all[i].status);
          w.Key("Destinations").BeginArray().String(all[i].destination).EndArray();
          lake::WriteTime(&w, "CreatedTimestamp", all[i].created_us);
          lake::WriteTime(&w, "UpdatedTimestamp", all[i].updated_us);
          w.EndObject();
        }
        w.EndArray();
        if (i < all.size()) w.Member("NextToken", "imp-" + all[i].id);
        w.EndObject();
        return out;
      });
}

}  // namespace cairn::api
