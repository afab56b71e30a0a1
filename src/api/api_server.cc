#include "api/api_server.h"

namespace cairn::api {
namespace {

// AddTags / ListTags / RemoveTags on event data store and channel ARNs go to their registries;
// the tag operations themselves are the trail operations' (services.h TagTarget).
template <typename Registry>
TagTarget RegistryTags(Registry* registry) {
  return TagTarget{
      [registry](const RequestContext& ctx, std::string_view arn) -> Result<cloud::Tags> {
        ASSIGN_OR_RETURN(cloud::TagList list, registry->GetTags(CallerOf(ctx), arn));
        cloud::Tags tags;
        for (auto& [k, v] : list) tags.emplace_back(std::move(k), std::move(v));
        return tags;
      },
      [registry](const RequestContext& ctx, std::string_view arn,
                 const cloud::Tags& tags) -> Status {
        cloud::TagList list;
        for (const auto& [k, v] : tags) list.emplace_back(k, v.value_or(""));
        return registry->SetTags(CallerOf(ctx), arn, list);
      }};
}

}  // namespace

ApiServer::~ApiServer() { Close().IgnoreError(); }

Status ApiServer::Close() {
  Status first = recorder_ ? recorder_->Close() : Status::OK();
  Status lake = lake_ ? lake_->Close() : Status::OK();
  return first.ok() ? lake : first;
}

Result<std::unique_ptr<ApiServer>> ApiServer::Start(cloud::DataDir* data, cloud::Organization* org,
                                                    ApiServerOptions options) {
  std::unique_ptr<ApiServer> s(new ApiServer());
  Env* clock = options.clock != nullptr ? options.clock : Env::Default();
  s->services_.env = data->env();
  s->services_.data = data;
  s->services_.org = org;
  s->verifier_ =
      std::make_unique<SigV4Verifier>([org](std::string_view akid) { return org->SecretFor(akid); },
                                      clock, std::move(options.sigv4));
  s->dispatcher_ = std::make_unique<Dispatcher>(
      s->verifier_.get(), [org](std::string_view akid) { return org->PrincipalFor(akid); },
      s->metrics_, clock);
  ASSIGN_OR_RETURN(s->services_.management_account, org->ManagementAccountId());
  s->trails_ = std::make_unique<cloud::Trails>(data->metadata());
  s->signing_keys_ = std::make_unique<cloud::SigningKeys>(data->metadata(), &org->box());
  s->services_.trails = s->trails_.get();
  s->services_.signing_keys = s->signing_keys_.get();
  RegisterHandlers(s->dispatcher_.get(), &s->services_);
  LakeOptions lake;
  lake.home_region = options.home_region;
  lake.management_account = s->services_.management_account;
  ASSIGN_OR_RETURN(s->lake_, Lake::Open(data, lake));
  s->lake_->Register(s->dispatcher_.get());
  s->services_.tag_targets["eventdatastore"] = RegistryTags(s->lake_->stores());
  s->services_.tag_targets["channel"] = RegistryTags(s->lake_->channels());
  if (options.record_calls) {
    Lake* lake = s->lake_.get();
    s->recorder_ = std::make_unique<CallRecorder>(
        data, data->env(), s->metrics_,
        [lake](const EventBatch& batch) { return lake->stores()->Ingest(batch).status(); });
    CallRecorder* recorder = s->recorder_.get();
    s->dispatcher_->SetCallObserver(
        [recorder](const RequestContext& ctx, const HttpRequest& req, const HttpResponse& resp) {
          recorder->Record(ctx, req, resp);
        });
  }
  s->http_ =
      std::make_unique<HttpServer>(s->dispatcher_.get(), s->metrics_, std::move(options.http));
  RETURN_IF_ERROR(s->http_->Bind());
  return s;
}

}  // namespace cairn::api
